namespace ActorMesh.Topology;

/// <summary>
/// The mesh policy a source proxy applies to calls to one destination (Istio's VirtualService
/// timeout/retries plus DestinationRule traffic policy). Every field has a documented default, Istio's
/// (what a user of the mesh sees); raw Envoy's are the <c>envoy</c> profile's (<see cref="MeshProfiles"/>).
/// A destination's policy replaces whole sections of the mesh-wide default policy.
/// </summary>
public sealed record TrafficPolicy
{
    /// <summary>Raw Envoy's route timeout: 15 s (envoy/config/route/v3/route_components.proto, <c>RouteAction.timeout</c>).</summary>
    public static readonly TimeSpan EnvoyDefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Route timeout covering all attempts and back-offs; <see cref="TimeSpan.Zero"/> disables it. Default none:
    /// Istio writes <c>timeout: 0s</c> on routes whose VirtualService sets none, so a request waits as long as the
    /// client does. Raw Envoy's 15 s is the <c>envoy</c> profile's.
    /// </summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>Retries. Default Istio's: 2 retries on connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes (none listed).</summary>
    public RetryOptions Retries { get; init; } = new();

    /// <summary>Resource limits (Envoy circuit-breaking thresholds). Default Istio's: 2^32 − 1 each.</summary>
    public ConnectionLimits Limits { get; init; } = new();

    /// <summary>Outcome circuit breaker; null (the default) means none.</summary>
    public CircuitBreakerOptions? CircuitBreaker { get; init; }

    /// <summary>Outlier detection; null (the default) means none.</summary>
    public OutlierDetectionOptions? OutlierDetection { get; init; }

    /// <summary>Load balancing. Default <see cref="LoadBalancerKind.LeastRequest"/> (Istio's default; raw Envoy's is round robin).</summary>
    public LoadBalancerKind LoadBalancer { get; init; } = LoadBalancerKind.LeastRequest;

    /// <summary>Locality-aware load balancing over zones (Istio's <c>localityLbSetting</c>). Default on, as in Istio: in effect with zones and outlier detection.</summary>
    public LocalityOptions Locality { get; init; } = new();

    /// <summary>
    /// What a call is without a mesh (an app's plain client, and the <c>mesh</c> lesson's runs without the mesh):
    /// one try, no timeout, no limits, round robin.
    /// </summary>
    public static readonly TrafficPolicy PlainClient = new()
    {
        Retries = RetryOptions.Disabled,
        LoadBalancer = LoadBalancerKind.RoundRobin,
    };

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.NonNegative("timeout", Timeout);
        Retries.Validate(at.At("retries"));
        Limits.Validate(at.At("connectionPool"));
        CircuitBreaker?.Validate(at.At("circuitBreaker"));
        OutlierDetection?.Validate(at.At("outlierDetection"));
    }

    /// <summary>Reports every problem under <paramref name="at"/>, the zone names checked against <paramref name="zones"/>.</summary>
    public void Validate(ValidationContext at, System.Collections.Immutable.ImmutableArray<string> zones)
    {
        Validate(at);
        Locality.Validate(at.At("locality"), zones);
    }
}
