using ActorMesh.DataPlane.Resilience.Retry;

namespace ActorMesh.DataPlane.Resilience.CircuitBreaking;

/// <summary>
/// Envoy's circuit breaking for one destination in one proxy: the resources its requests hold,
/// counted against <see cref="ConnectionLimits"/>. A request in flight holds a request slot
/// (<c>max_requests</c>); one that finds none free waits as pending (<c>max_pending_requests</c>),
/// and beyond that is rejected at once (503, UO); a retry under way holds a retry token
/// (<c>max_retries</c>, or the retry budget when one is configured). Single-threaded (owned by one
/// router); the limits may change with a config push while the counts carry on.
/// </summary>
internal sealed class ConnectionPool(ConnectionLimits limits)
{
    /// <summary>The limits counted against.</summary>
    public ConnectionLimits Limits { get; set; } = limits;

    /// <summary>Requests in flight (each holds a request slot).</summary>
    public int ActiveRequests { get; private set; }

    /// <summary>Requests waiting for a request slot.</summary>
    public int PendingRequests { get; private set; }

    /// <summary>Retries scheduled or in flight.</summary>
    public int ActiveRetries { get; private set; }

    /// <summary>True when a request slot is free.</summary>
    public bool HasRoom => ActiveRequests < Limits.MaxRequests;

    /// <summary>Takes a request slot when one is free; give it back with <see cref="Release"/>.</summary>
    public bool TryAdmit()
    {
        if (!HasRoom) return false;
        ActiveRequests++;
        return true;
    }

    /// <summary>A request in flight ended (or was turned away after <see cref="TryAdmit"/>): its slot is free.</summary>
    public void Release()
    {
        if (ActiveRequests > 0) ActiveRequests--;
    }

    /// <summary>No request slot free: the request waits as pending, unless as many as allowed already wait (overflow: false).</summary>
    public bool TryEnqueue()
    {
        if (PendingRequests >= Limits.MaxPendingRequests) return false;
        PendingRequests++;
        return true;
    }

    /// <summary>A pending request stopped waiting: it goes on to be sent, or it ended (timed out, cancelled).</summary>
    public void Dequeue()
    {
        if (PendingRequests > 0) PendingRequests--;
    }

    /// <summary>
    /// Whether a failed attempt, <paramref name="retriable"/> under <paramref name="options"/>, is retried after
    /// <paramref name="retriesDone"/> retries, given the retries under way: the retry budget counts against the
    /// requests active and pending, else <see cref="ConnectionLimits.MaxRetries"/> applies.
    /// </summary>
    public RetryDecision DecideRetry(RetryOptions options, bool retriable, int retriesDone) =>
        RetryPolicy.Decide(options, retriable, retriesDone, ActiveRequests + PendingRequests, ActiveRetries, Limits.MaxRetries);

    /// <summary>A retry was decided: it holds a retry token until its attempt ends (or the call does).</summary>
    public void RetryStarted() => ActiveRetries++;

    /// <summary>A retry's attempt ended, or its call did before the attempt was sent.</summary>
    public void RetryEnded()
    {
        if (ActiveRetries > 0) ActiveRetries--;
    }
}
