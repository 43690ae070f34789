using ActorMesh.DataPlane.Resilience.Timeouts;

namespace ActorMesh.DataPlane.Upstream;

/// <summary>Where a call stands between its start and its one outcome.</summary>
internal enum CallState : byte
{
    /// <summary>Holds nothing in its cluster: just started, just out of the queue, or between attempts.</summary>
    Idle,
    /// <summary>Waiting for a connection (it holds a place in the pending queue).</summary>
    Queued,
    /// <summary>An attempt is in flight (it holds a connection, a request slot and its host's in-flight count).</summary>
    InFlight,
    /// <summary>Waiting out a retry's back-off.</summary>
    Backoff,
}

/// <summary>
/// One call a router carries from <see cref="UpstreamRouter.Send"/> to its one outcome. Pooled: the
/// router's slot table keeps the instance for the next call in the same slot (<see cref="Clear"/>).
/// </summary>
internal sealed class UpstreamCall
{
    public CallState State;
    public IActorRef? Caller;
    public long CallerId;
    public UpstreamCluster? Cluster;
    public string? Path;
    public int RequestBytes;
    public TraceContext Trace;
    public long Start;
    /// <summary>When the current attempt's request reaches the destination (mesh time).</summary>
    public long AttemptArrives;
    public CallDeadlines Deadlines;
    /// <summary>Attempts sent so far (1 for the first try).</summary>
    public int Attempt;
    /// <summary>Retries decided so far.</summary>
    public int Retries;
    /// <summary>Retries its attempts' answers reported from below (their own call trees).</summary>
    public int RetriesBelow;
    /// <summary>The host of the attempt in flight: its index when sent, and its endpoint (the index may move with an update).</summary>
    public int Host;
    public Endpoint? HostEndpoint;
    /// <summary>The attempt in flight is a half-open breaker's probe.</summary>
    public bool IsProbe;
    /// <summary>The call holds a retry token (a retry scheduled, waiting or in flight).</summary>
    public bool IsRetry;
    /// <summary>The hosts of the attempts so far (by their index then), which the next one avoids (Envoy's previous_hosts).</summary>
    public readonly TriedHosts Tried = new();
    /// <summary>What every attempt reached and committed stays with the call: a retried call may have written twice.</summary>
    public ulong Visited;
    public bool Committed;

    /// <summary>Starts a call to <paramref name="cluster"/> at <paramref name="now"/>, under the cluster's route timeout.</summary>
    public void Begin(IActorRef caller, long callerId, UpstreamCluster cluster, string path, int requestBytes, TraceContext trace, long now)
    {
        State = CallState.Idle;
        Caller = caller;
        CallerId = callerId;
        Cluster = cluster;
        Path = path;
        RequestBytes = requestBytes;
        Trace = trace;
        Start = now;
        Deadlines.StartCall(now, cluster.Policy.Timeout);
        (Attempt, Retries, RetriesBelow, IsProbe, IsRetry, Visited, Committed) = (0, 0, 0, false, false, 0, false);
        Tried.Clear();
    }

    /// <summary>Sends an attempt to <paramref name="host"/>: the caller has taken its request slot; its per-try deadline starts now.</summary>
    public void StartAttempt(int host, bool isProbe, long now)
    {
        var cluster = Cluster!;
        Attempt++;
        Host = host;
        HostEndpoint = cluster.Endpoints[host];
        IsProbe = isProbe;
        State = CallState.InFlight;
        cluster.Active[host]++;
        Deadlines.StartAttempt(now, cluster.Policy.Retries.PerTryTimeout);
    }

    /// <summary>Waits in the cluster's pending queue (the caller has taken a place in the pool's count).</summary>
    public void Enqueue(Pooling.SlotHandle handle)
    {
        State = CallState.Queued;
        Cluster!.Pending.Enqueue(handle);
    }

    /// <summary>Leaves the pending queue to be sent (its retry token, if any, stays with it).</summary>
    public void LeaveQueue()
    {
        Cluster!.Pool.Dequeue();
        State = CallState.Idle;
    }

    /// <summary>
    /// Gives back everything the call holds in its cluster: the request slot and the host's in-flight
    /// count of an attempt in flight, or its place in the queue, and its retry token. Returns the host
    /// the attempt was on, by its current index (-1: none, or it has left the cluster).
    /// </summary>
    public int Release()
    {
        var cluster = Cluster!;
        var host = -1;
        if (State == CallState.InFlight)
        {
            cluster.Pool.Release();
            host = cluster.EndAttemptOn(HostEndpoint!, Host);
            HostEndpoint = null;
        }
        else if (State == CallState.Queued) cluster.Pool.Dequeue();
        if (IsRetry)
        {
            cluster.Pool.RetryEnded();
            IsRetry = false;
        }
        State = CallState.Idle;
        return host;
    }

    /// <summary>Forgets the call (keeps nothing alive), keeping the instance for the next one (see <see cref="Begin"/>).</summary>
    public void Clear()
    {
        State = CallState.Idle;
        (Caller, Cluster, Path, HostEndpoint, Trace) = (null, null, null, null, default);
    }
}
