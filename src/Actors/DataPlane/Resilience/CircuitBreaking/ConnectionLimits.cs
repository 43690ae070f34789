namespace ActorMesh.DataPlane.Resilience.CircuitBreaking;

/// <summary>
/// Envoy's circuit breaking: resource limits per destination, counted in each source proxy (Envoy's
/// cluster <c>circuit_breakers.thresholds</c>; Istio's DestinationRule <c>connectionPool</c>). Exceeding
/// one rejects at once with 503 and flag UO (upstream overflow). Defaults are Istio's: every limit
/// 2^32 − 1, which istiod writes unless a DestinationRule says otherwise (pilot/pkg/networking/core/
/// cluster_traffic_policy.go, <c>getDefaultCircuitBreakerThresholds</c>). Raw Envoy's 1024 / 1024 /
/// 1024 / 3 are <see cref="Envoy"/>, the <c>envoy</c> profile's.
/// </summary>
/// <remarks>
/// Connections are HTTP/1.1's, Istio's default between sidecars: one request at a time on each, so a
/// request in flight holds a connection. A request that finds every connection busy (<see cref="MaxConnections"/>)
/// waits as pending for one to free up; past <see cref="MaxPendingRequests"/> it is rejected. One that gets a
/// connection while <see cref="MaxRequests"/> are already in flight is rejected at once, never queued, as
/// Envoy's conn_pool_base.cc (<c>attachStreamToClient</c>) does.
/// </remarks>
public sealed record ConnectionLimits
{
    /// <summary>2^32 − 1: Istio's value for every threshold, and the largest Envoy takes (the thresholds are 32-bit).</summary>
    public const long Unlimited = uint.MaxValue;

    /// <summary>Raw Envoy's thresholds (envoy/config/cluster/v3/circuit_breaker.proto): 1024 connections, pending and requests, 3 retries; and its 5 s connect timeout.</summary>
    public static readonly ConnectionLimits Envoy = new() { MaxConnections = 1024, MaxPendingRequests = 1024, MaxRequests = 1024, MaxRetries = 3, ConnectTimeout = TimeSpan.FromSeconds(5) };

    /// <summary>Connections to the destination at once (<c>max_connections</c>; Istio <c>tcp.maxConnections</c>); each carries one request at a time. Default 2^32 − 1.</summary>
    public long MaxConnections { get; init; } = Unlimited;

    /// <summary>Requests waiting for a connection (<c>max_pending_requests</c>; Istio <c>http1MaxPendingRequests</c>); beyond it a request is rejected (UO). Default 2^32 − 1.</summary>
    public long MaxPendingRequests { get; init; } = Unlimited;

    /// <summary>Requests in flight to the destination at once (<c>max_requests</c>; Istio <c>http2MaxRequests</c>); beyond it a request is rejected at once (UO). Default 2^32 − 1.</summary>
    public long MaxRequests { get; init; } = Unlimited;

    /// <summary>Concurrent retries when no retry budget is configured (<c>max_retries</c>; Istio <c>maxRetries</c>); beyond it a retry is not allowed (UO). Default 2^32 − 1.</summary>
    public long MaxRetries { get; init; } = Unlimited;

    /// <summary>Istio's default connect timeout (<c>tcp.connectTimeout</c>): 10 s.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a connection attempt may take (Envoy's cluster <c>connect_timeout</c>; Istio <c>tcp.connectTimeout</c>):
    /// a peer the network drops (a partition) is a connect failure (UF) after it. Default 10 s, Istio's (raw Envoy's 5 s is the <c>envoy</c> profile's).
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Require(MaxConnections is >= 1 and <= Unlimited, "maxConnections", "must be between 1 and 2^32 − 1");
        at.Require(MaxPendingRequests is >= 0 and <= Unlimited, "maxPendingRequests", "must be between 0 and 2^32 − 1");
        at.Require(MaxRequests is >= 1 and <= Unlimited, "maxRequests", "must be between 1 and 2^32 − 1");
        at.Require(MaxRetries is >= 0 and <= Unlimited, "maxRetries", "must be between 0 and 2^32 − 1");
        at.Require(ConnectTimeout > TimeSpan.Zero, "connectTimeout", "must be above 0s");
    }
}
