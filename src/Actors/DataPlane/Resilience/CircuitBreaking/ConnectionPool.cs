namespace ActorMesh.DataPlane.Resilience.CircuitBreaking;

/// <summary>What a request that holds no connection yet gets from the <see cref="ConnectionPool"/>.</summary>
internal enum Admission : byte
{
    /// <summary>A connection, and a request slot: it goes on.</summary>
    Admitted,
    /// <summary>Every connection is busy: it waits as pending (<see cref="ConnectionPool.TryEnqueue"/>).</summary>
    NoConnection,
    /// <summary><c>max_requests</c> are in flight already: rejected at once (503, UO).</summary>
    Overflow,
}

/// <summary>
/// Envoy's circuit breaking for one destination in one proxy: the resources its requests hold,
/// counted against <see cref="ConnectionLimits"/>. A request in flight holds a connection (HTTP/1.1: one
/// request each) and a request slot (<c>max_requests</c>). One that finds every connection busy
/// (<c>max_connections</c>) waits as pending (<c>max_pending_requests</c>), and beyond that is rejected at
/// once (503, UO); one that gets a connection while <c>max_requests</c> are in flight is rejected at once
/// too, never queued (Envoy's conn_pool_base.cc, <c>attachStreamToClient</c>). A retry under way holds a
/// retry token (<c>max_retries</c>, or the retry budget when one is configured). Single-threaded (owned
/// by one router); the limits may change with a config push while the counts carry on.
/// </summary>
internal sealed class ConnectionPool(ConnectionLimits limits)
{
    /// <summary>The limits counted against.</summary>
    public ConnectionLimits Limits { get; set; } = limits;

    /// <summary>Requests in flight (each holds a connection and a request slot).</summary>
    public int ActiveRequests { get; private set; }

    /// <summary>Requests waiting for a connection.</summary>
    public int PendingRequests { get; private set; }

    /// <summary>Retries scheduled or in flight.</summary>
    public int ActiveRetries { get; private set; }

    /// <summary>True when a connection is free, or one more may be opened: a request need not wait.</summary>
    public bool HasConnection => ActiveRequests < Limits.MaxConnections;

    /// <summary>
    /// A request that holds no connection asks for one: it is admitted (give it back with <see cref="Release"/>),
    /// must wait for a connection, or overflows <c>max_requests</c>.
    /// </summary>
    public Admission TryAdmit()
    {
        if (!HasConnection) return Admission.NoConnection;
        if (ActiveRequests >= Limits.MaxRequests) return Admission.Overflow;
        ActiveRequests++;
        return Admission.Admitted;
    }

    /// <summary>A request in flight ended (or was turned away after <see cref="TryAdmit"/>): its connection and slot are free.</summary>
    public void Release()
    {
        if (ActiveRequests > 0) ActiveRequests--;
    }

    /// <summary>No connection free: the request waits as pending, unless as many as allowed already wait (overflow: false).</summary>
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
