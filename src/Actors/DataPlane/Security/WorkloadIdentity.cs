namespace ActorMesh.DataPlane.Security;

/// <summary>
/// SPIFFE-like workload identities, as Istio derives them from a pod's namespace and service account:
/// <c>spiffe://cluster.local/ns/default/sa/&lt;service&gt;</c> for a service and
/// <c>spiffe://cluster.local/ns/istio-system/sa/&lt;gateway&gt;</c> for a gateway.
/// </summary>
internal static class WorkloadIdentity
{
    /// <summary>The trust domain (Istio's default).</summary>
    public const string TrustDomain = "cluster.local";

    /// <summary>The URI scheme of an identity.</summary>
    public const string Scheme = "spiffe://";

    /// <summary>The identity of a service's workloads (its sidecars).</summary>
    public static string OfService(string service) => $"{Scheme}{TrustDomain}/ns/default/sa/{service}";

    /// <summary>The identity of a gateway.</summary>
    public static string OfGateway(string gateway) => $"{Scheme}{TrustDomain}/ns/istio-system/sa/{gateway}";

    /// <summary>An identity or identity pattern in its full form: Istio's principal form (<c>cluster.local/ns/..</c>) gets the scheme.</summary>
    public static string Normalize(string identity) =>
        identity == "*" || identity.StartsWith(Scheme, StringComparison.Ordinal) || identity.StartsWith('*') ? identity : Scheme + identity;
}
