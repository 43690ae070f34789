namespace ActorMesh.Topology;

/// <summary>
/// Peer authentication of a service's sidecar (Istio's <c>PeerAuthentication</c> mTLS mode): what it
/// does with a request that arrives in plaintext, i.e. from a workload without a sidecar.
/// </summary>
public enum MtlsMode
{
    /// <summary>Accept mTLS and plaintext (Istio's default, for migrating to the mesh).</summary>
    Permissive,
    /// <summary>Accept mTLS only: a plaintext request is denied with 403 before it reaches the app.</summary>
    Strict,
    /// <summary>mTLS off: every request arrives as plaintext, so no source identity is known (policies naming sources never match).</summary>
    Disable,
}

/// <summary>What an authorization policy does with the requests its rules match (Istio's <c>action</c>).</summary>
public enum AuthorizationAction
{
    /// <summary>Once a service has an ALLOW policy, only requests matching one of its ALLOW policies get through.</summary>
    Allow,
    /// <summary>Requests matching the policy are denied; DENY policies are checked before ALLOW policies.</summary>
    Deny,
}

/// <summary>
/// Emulated mTLS and authorization, enforced by each destination sidecar before the app sees a
/// request (Istio's <c>PeerAuthentication</c> and <c>AuthorizationPolicy</c>). Every workload with a
/// sidecar (and every gateway) sends with its identity, <c>spiffe://cluster.local/ns/default/sa/&lt;service&gt;</c>
/// (gateways: <c>.../ns/istio-system/sa/&lt;gateway&gt;</c>); a workload without a sidecar sends plaintext.
/// It is part of the pushed config: changing it is a config push, with no change to any app.
/// </summary>
public sealed record SecuritySpec
{
    /// <summary>Mesh-wide peer authentication. Default <see cref="MtlsMode.Permissive"/> (Istio's default).</summary>
    public MtlsMode Mtls { get; init; } = MtlsMode.Permissive;

    /// <summary>Peer authentication per service, overriding <see cref="Mtls"/>. Default none.</summary>
    public ImmutableDictionary<string, MtlsMode> MtlsByService { get; init; } = ImmutableDictionary<string, MtlsMode>.Empty;

    /// <summary>Authorization policies. Default none: every request that passes peer authentication is allowed.</summary>
    public ImmutableArray<AuthorizationPolicy> Policies { get; init; } = [];

    /// <summary>The peer authentication of <paramref name="service"/>.</summary>
    public MtlsMode MtlsFor(string service) => MtlsByService.TryGetValue(service, out var mode) ? mode : Mtls;

    /// <summary>
    /// Reports every problem under <paramref name="at"/>: unknown services and sources (with a suggestion),
    /// malformed path and identity patterns, and settings on services without a sidecar (nothing would enforce them).
    /// </summary>
    public void Validate(ValidationContext at, MeshTopology topology)
    {
        var services = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in topology.Services) services.Add(s.Name);
        var workloads = new HashSet<string>(services, StringComparer.Ordinal);
        foreach (var g in topology.Gateways) workloads.Add(g.Name);

        foreach (var (service, mode) in MtlsByService.OrderBy(m => m.Key, StringComparer.Ordinal))
            CheckDestination(at.At("mtlsByService").At(service), service, topology, services, $"{mode.ToString().ToLowerInvariant()} mTLS");

        for (var i = 0; i < Policies.Length; i++)
        {
            var policy = Policies[i];
            var pat = at.At("policies", i);
            if (policy.To is { } to) CheckDestination(pat.At("to"), to, topology, services, "an authorization policy");
            for (var r = 0; r < policy.Rules.Length; r++)
            {
                var rule = policy.Rules[r];
                var rat = pat.At("rules", r);
                for (var f = 0; f < rule.From.Length; f++)
                {
                    var source = rule.From[f];
                    var fat = rat.At("from", f);
                    if (string.IsNullOrWhiteSpace(source)) fat.Error("must name a service, a gateway or an identity");
                    else if (source.Contains('/') || source.Contains('*')) CheckPattern(fat, source, "an identity");
                    else if (!workloads.Contains(source)) fat.Error($"no service or gateway named '{source}'{fat.Suggest(source, workloads)}");
                }
                for (var p = 0; p < rule.Paths.Length; p++)
                {
                    var path = rule.Paths[p];
                    var ppat = rat.At("paths", p);
                    if (string.IsNullOrEmpty(path) || path[0] != '/' && path[0] != '*') ppat.Error("must start with '/' (or '*' for a suffix match)");
                    else CheckPattern(ppat, path, "a path");
                }
            }
        }
    }

    private static void CheckDestination(ValidationContext at, string service, MeshTopology topology, HashSet<string> services, string what)
    {
        if (!services.Contains(service)) at.Error($"no service named '{service}'{at.Suggest(service, services)}");
        else if (topology.Service(service) is { } spec && !topology.Mesh.HasSidecar(spec))
            at.Error($"'{service}' runs without a sidecar, so nothing would enforce {what} on it");
    }

    /// <summary>Istio's match forms: exact, <c>prefix*</c>, <c>*suffix</c> or <c>*</c>; no other '*'.</summary>
    private static void CheckPattern(ValidationContext at, string pattern, string what)
    {
        var inner = pattern.Length > 1 ? pattern[1..^1] : "";
        if (inner.Contains('*') || pattern.Length > 1 && pattern[0] == '*' && pattern[^1] == '*')
            at.Error($"'{pattern}' is not {what} pattern: use an exact value, 'prefix*', '*suffix' or '*'");
    }
}

/// <summary>
/// An authorization policy (Istio's <c>AuthorizationPolicy</c>) on one service, or on every service.
/// Evaluation at a destination sidecar, as in Istio: if any DENY policy matches, the request is denied;
/// otherwise, if the service has no ALLOW policy it is allowed; otherwise it is allowed only if an
/// ALLOW policy matches. A policy matches when any of its rules does; a policy without rules matches nothing.
/// </summary>
public sealed record AuthorizationPolicy
{
    /// <summary>A name for messages. Optional.</summary>
    public string? Name { get; init; }

    /// <summary>The service the policy applies to; null (the default) means every service.</summary>
    public string? To { get; init; }

    /// <summary>ALLOW or DENY. Default <see cref="AuthorizationAction.Allow"/>.</summary>
    public AuthorizationAction Action { get; init; } = AuthorizationAction.Allow;

    /// <summary>The rules; a request matching any of them matches the policy. Default none (matches nothing).</summary>
    public ImmutableArray<AuthorizationRule> Rules { get; init; } = [];

    /// <summary>An ALLOW policy on <paramref name="to"/> (null: every service).</summary>
    public static AuthorizationPolicy Allow(string? to, params AuthorizationRule[] rules) => new() { To = to, Action = AuthorizationAction.Allow, Rules = [.. rules] };

    /// <summary>A DENY policy on <paramref name="to"/> (null: every service).</summary>
    public static AuthorizationPolicy Deny(string? to, params AuthorizationRule[] rules) => new() { To = to, Action = AuthorizationAction.Deny, Rules = [.. rules] };
}

/// <summary>
/// One rule of an authorization policy: it matches a request whose source matches one of
/// <see cref="From"/> and whose path matches one of <see cref="Paths"/>; an empty list matches anything.
/// </summary>
public sealed record AuthorizationRule
{
    /// <summary>
    /// Sources: a service or gateway name (its identity), an identity (<c>spiffe://cluster.local/ns/default/sa/orders</c>,
    /// or Istio's principal form without <c>spiffe://</c>), a pattern <c>prefix*</c> or <c>*suffix</c>, or <c>*</c> for any
    /// mTLS peer. A plaintext request has no identity and matches none of them. Empty (the default): any source, plaintext included.
    /// </summary>
    public ImmutableArray<string> From { get; init; } = [];

    /// <summary>Request paths as Istio matches them: exact, <c>prefix*</c>, <c>*suffix</c> or <c>*</c>. Empty (the default): any path.</summary>
    public ImmutableArray<string> Paths { get; init; } = [];

    /// <summary>A rule matching requests from <paramref name="sources"/> on any path.</summary>
    public static AuthorizationRule FromSources(params string[] sources) => new() { From = [.. sources] };

    /// <summary>A rule matching requests on <paramref name="paths"/> from any source.</summary>
    public static AuthorizationRule OnPaths(params string[] paths) => new() { Paths = [.. paths] };
}
