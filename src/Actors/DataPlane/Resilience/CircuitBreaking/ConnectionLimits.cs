using ActorMesh.Topology;

namespace ActorMesh.DataPlane.Resilience.CircuitBreaking;

/// <summary>
/// Envoy's circuit breaking: resource limits per destination, counted in each source proxy.
/// Exceeding one rejects at once with 503 and flag UO (upstream overflow).
/// </summary>
public sealed record ConnectionLimits
{
    /// <summary>Requests in flight to the destination at once; beyond it requests wait as pending. Default 1024.</summary>
    public int MaxRequests { get; init; } = 1024;

    /// <summary>Requests waiting for a free slot; beyond it a request is rejected (UO). Default 1024.</summary>
    public int MaxPendingRequests { get; init; } = 1024;

    /// <summary>Concurrent retries when no retry budget is configured; beyond it a retry is not allowed. Default 3.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Require(MaxRequests >= 1, "maxRequests", "must be at least 1");
        at.Require(MaxPendingRequests >= 0, "maxPendingRequests", "must not be negative");
        at.Require(MaxRetries >= 0, "maxRetries", "must not be negative");
    }
}
