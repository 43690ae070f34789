using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.DataPlane.Resilience.Retry;

namespace ActorMesh.Topology;

/// <summary>
/// The mesh policy a source proxy applies to calls to one destination (Istio's VirtualService
/// timeout/retries plus DestinationRule traffic policy). Every field has a documented default;
/// a destination's policy replaces whole sections of the mesh-wide default policy.
/// </summary>
public sealed record TrafficPolicy
{
    /// <summary>Envoy's route timeout default.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Route timeout covering all attempts; <see cref="TimeSpan.Zero"/> disables it. Default 15 s
    /// (Envoy's default; Istio disables it, which here means a request waits as long as the client does).
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Retries. Default Istio's: 2 retries on connect-failure, refused-stream, unavailable, cancelled.</summary>
    public RetryOptions Retries { get; init; } = new();

    /// <summary>Resource limits (Envoy circuit breaking thresholds). Default 1024 / 1024 / 3.</summary>
    public ConnectionLimits Limits { get; init; } = new();

    /// <summary>Outcome circuit breaker; null (the default) means none.</summary>
    public CircuitBreakerOptions? CircuitBreaker { get; init; }

    /// <summary>Outlier detection; null (the default) means none.</summary>
    public OutlierDetectionOptions? OutlierDetection { get; init; }

    /// <summary>Load balancing. Default <see cref="LoadBalancerKind.LeastRequest"/> (Istio's default).</summary>
    public LoadBalancerKind LoadBalancer { get; init; } = LoadBalancerKind.LeastRequest;

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.NonNegative("timeout", Timeout);
        Retries.Validate(at.At("retries"));
        Limits.Validate(at.At("connectionPool"));
        CircuitBreaker?.Validate(at.At("circuitBreaker"));
        OutlierDetection?.Validate(at.At("outlierDetection"));
    }
}
