namespace ActorMesh.Topology;

/// <summary>The service mesh: whether pods have sidecars, their cost, and the policies they apply.</summary>
public sealed record MeshSpec
{
    /// <summary>
    /// True (the default) when pods have a sidecar proxy; false means apps call each other directly (no
    /// policies). A service can choose for itself (<see cref="ServiceSpec.Sidecar"/>).
    /// </summary>
    public bool Sidecars { get; init; } = true;

    /// <summary>
    /// Processing time a sidecar adds to each request it forwards (outbound and inbound). Default zero:
    /// only the emulator's own overhead. Envoy adds roughly 0.1–0.5 ms per proxy.
    /// </summary>
    public Distribution ProxyLatency { get; init; } = Distribution.Zero;

    /// <summary>
    /// Whose defaults fill what a policy does not say: <see cref="MeshProfile.Istio"/> (the default) or raw
    /// <see cref="MeshProfile.Envoy"/>'s (<see cref="MeshProfiles"/>). <see cref="Defaults"/> starts as the profile's policy.
    /// </summary>
    public MeshProfile Profile { get; init; }

    /// <summary>The policy for every destination without one of its own. Default the profile's (<see cref="MeshProfiles.Policy"/>).</summary>
    public TrafficPolicy Defaults { get; init; } = new();

    /// <summary>Policies per destination service.</summary>
    public ImmutableDictionary<string, TrafficPolicy> Destinations { get; init; } = ImmutableDictionary<string, TrafficPolicy>.Empty;

    /// <summary>Emulated mTLS and authorization, enforced by destination sidecars. Default permissive, no policies.</summary>
    public SecuritySpec Security { get; init; } = new();

    /// <summary>The policy for calls to <paramref name="service"/>.</summary>
    public TrafficPolicy PolicyFor(string service) => Destinations.TryGetValue(service, out var p) ? p : Defaults;

    /// <summary>True when the pods of <paramref name="service"/> run a sidecar: its own choice, else <see cref="Sidecars"/>.</summary>
    public bool HasSidecar(ServiceSpec service) => service.Sidecar ?? Sidecars;
}
