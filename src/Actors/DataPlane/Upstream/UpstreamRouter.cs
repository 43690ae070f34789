using ActorMesh.ControlPlane;
using ActorMesh.DataPlane.Network;
using ActorMesh.DataPlane.Resilience.Retry;
using ActorMesh.Randomness;
using ActorMesh.Telemetry;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Actor;
using Akka.Event;

namespace ActorMesh.DataPlane.Upstream;

/// <summary>Receives the one outcome of each call a router was given.</summary>
internal interface IUpstreamOwner
{
    /// <summary>The call from <paramref name="caller"/> with id <paramref name="callerId"/> ended.</summary>
    void OnCallCompleted(IActorRef caller, long callerId, int status, ResponseFlags flags, int responseBytes, ulong visited, long startTicks);
}

/// <summary>Router timer: sweep the deadline table. Carries a generation so superseded sweeps are ignored.</summary>
internal sealed record SweepDue(long Generation) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Router timer: a retry's back-off has elapsed.</summary>
internal sealed record RetryDue(long Handle) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Router signal: the connection attempt to an endpoint failed (it is gone).</summary>
internal sealed record ConnectFailed(long Handle) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Router timer: outlier detection's interval.</summary>
internal sealed class OutlierInterval : INoSerializationVerificationNeeded, IDeadLetterSuppression
{
    public static readonly OutlierInterval Instance = new();
    private OutlierInterval() { }
}

/// <summary>
/// The router at the end of a proxy's outbound filter chain (Envoy's router filter): for each call
/// it applies the destination's policies in order (resource limits → circuit breaker → load
/// balancer over non-ejected hosts → send with per-try and route deadlines → outlier detection and
/// breaker bookkeeping → retry with back-off) and reports exactly one outcome to its owner.
/// A plain single-threaded class: the owning actor (sidecar, gateway, or app without sidecar)
/// feeds it messages; time comes from the clock, randomness from the owner's stream.
/// </summary>
/// <remarks>
/// Calls live in a pooled table indexed by slot; a request's correlation id encodes slot,
/// generation, attempt and the router's epoch, so late or stale responses are recognised without a
/// dictionary. Timeouts are not one scheduler entry each: a <see cref="SweepTimer"/> wakes the router
/// at the earliest deadline (at most once per millisecond), and it scans the table.
/// </remarks>
internal sealed class UpstreamRouter
{
    private const int SlotBits = 24;
    private const long SlotMask = (1L << SlotBits) - 1;
    private const int MaxSlots = 1 << SlotBits;

    private readonly string _source;
    private readonly string? _identity;
    private readonly MeshRuntime _runtime;
    private readonly MeshClock _clock;
    private readonly MeshNetwork _network;
    private readonly MeshTelemetry _telemetry;
    private readonly MeshRandom _random;
    private readonly IActorRef _self;
    private readonly IUpstreamOwner _owner;
    private readonly long _epochBits;
    private readonly int _sourceIndex;
    private readonly Dictionary<string, UpstreamCluster> _clusters = new(StringComparer.Ordinal);
    private Call[] _calls = new Call[64];
    private int[] _free = new int[64];
    private int _freeCount;
    private int _highWater;
    private readonly SweepTimer _sweep;
    private bool _outlierTickScheduled;
    private Distribution _proxyLatency = Distribution.Zero;
    private ConfigSnapshot? _snapshot;

    // identity: the mTLS identity requests carry; null sends plaintext (an app's plain client, without a sidecar).
    public UpstreamRouter(string source, MeshRuntime runtime, MeshRandom random, IActorRef self, IUpstreamOwner owner, int epoch, string? identity = null)
    {
        _source = source;
        _identity = identity;
        _runtime = runtime;
        _clock = runtime.Clock;
        _sweep = new SweepTimer(_clock, static generation => new SweepDue(generation));
        _network = runtime.Network;
        _telemetry = runtime.Telemetry;
        _random = random;
        _self = self;
        _owner = owner;
        _epochBits = (long)(epoch & 0x7F) << 56;
        _sourceIndex = runtime.Services.Of(source);
    }

    /// <summary>Calls not yet completed.</summary>
    public int InFlight { get; private set; }

    /// <summary>The cluster for <paramref name="service"/>, if built (tests and diagnostics).</summary>
    public UpstreamCluster? Cluster(string service) => _clusters.GetValueOrDefault(service);

    /// <summary>
    /// Applies a snapshot: policies, latencies and endpoints of the clusters built so far, and builds
    /// those of the services this workload's script calls (as an Istio <c>Sidecar</c> resource scopes
    /// a proxy's egress). Any other destination's cluster is built on its first call (see
    /// <see cref="ClusterFor"/>). Building a cluster for every service in every proxy costs
    /// O(services × endpoints) per proxy and push: 10,000 proxies × 10,000 endpoints for a graph of
    /// 10 services with 1,000 replicas each. A cluster holds no state before its first call, so
    /// when it is built changes no outcome.
    /// </summary>
    public void Apply(ConfigSnapshot snapshot, Distribution proxyLatency)
    {
        _proxyLatency = proxyLatency;
        _snapshot = snapshot;
        foreach (var (service, cluster) in _clusters)
        {
            cluster.Removed = snapshot.Topology.Service(service) is null;
            if (!cluster.Removed) Configure(cluster, snapshot);
        }
        // Built now rather than on the first request, so that their allocation is not in the load.
        if (snapshot.Topology.Service(_source) is { } self)
            foreach (var callee in TopologyValidator.Callees(self)) ClusterFor(callee);
        foreach (var cluster in _clusters.Values)
        {
            DrainPending(cluster);
            if (cluster.Outlier is not null) EnsureOutlierTick(cluster.Outlier.Options.Interval.Ticks);
        }
    }

    /// <summary>The cluster of <paramref name="service"/>, built from the current snapshot on first use; null when the snapshot has no such service.</summary>
    private UpstreamCluster? ClusterFor(string service)
    {
        if (_clusters.TryGetValue(service, out var cluster)) return cluster.Removed ? null : cluster;
        if (_snapshot is null || _snapshot.Topology.Service(service) is null) return null;
        cluster = new UpstreamCluster(service, _runtime.Services.Of(service), _random);
        _clusters[service] = cluster;
        Configure(cluster, _snapshot);
        if (cluster.Outlier is not null) EnsureOutlierTick(cluster.Outlier.Options.Interval.Ticks);
        return cluster;
    }

    private void Configure(UpstreamCluster cluster, ConfigSnapshot snapshot)
    {
        var topology = snapshot.Topology;
        cluster.Configure(topology.Mesh.PolicyFor(cluster.Service), topology.Network.LatencyBetween(_source, cluster.Service), snapshot.EndpointsOf(cluster.Service));
    }

    /// <summary>
    /// Starts a call; its outcome reaches the owner exactly once (possibly before this returns), unless
    /// the owner cancels it. Returns a token for <see cref="Cancel"/> (-1 when the call already ended).
    /// </summary>
    public long Send(IActorRef caller, long callerId, string service, string path, int requestBytes, TraceContext trace)
    {
        var now = _clock.Now;
        if (ClusterFor(service) is not { } cluster)
        {
            var t = _telemetry.For(_runtime.Services.Of(service));
            t[ServiceCounter.Calls]++;
            t[ServiceCounter.NoHealthyUpstream]++;
            _owner.OnCallCompleted(caller, callerId, StatusCodes.ServiceUnavailable, ResponseFlags.NoHealthyUpstream, 0, 0, now);
            return -1;
        }
        var slot = Allocate();
        if (slot < 0)
        {
            _telemetry.For(cluster.ServiceIndex)[ServiceCounter.Overflows]++;
            _owner.OnCallCompleted(caller, callerId, StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamOverflow, 0, 0, now);
            return -1;
        }
        var call = _calls[slot];
        call.Caller = caller;
        call.CallerId = callerId;
        call.Cluster = cluster;
        call.Path = path;
        call.RequestBytes = requestBytes;
        call.Trace = trace;
        call.Start = now;
        var timeout = cluster.Policy.Timeout.Ticks;
        call.Deadline = timeout > 0 ? now + timeout : long.MaxValue;
        call.LastHost = -1;
        InFlight++;
        var telemetry = _telemetry.For(cluster.ServiceIndex);
        telemetry[ServiceCounter.Calls]++;
        telemetry.RecordCallFrom(_sourceIndex);
        var token = ((long)call.Generation << 32) | (uint)slot;
        Dispatch(slot, call, now);
        return call.Generation == (int)(token >> 32) && call.State != CallState.Free ? token : -1;
    }

    /// <summary>
    /// The owner no longer waits for the call of <paramref name="token"/> (a gateway gave up on an
    /// aggregation's backend): it ends now, its attempt's resources are freed, and no outcome reaches
    /// the owner; an answer still on its way is a late response. Counted as cancelled. False when the
    /// call had already ended.
    /// </summary>
    public bool Cancel(long token)
    {
        if (token < 0) return false;
        var slot = (int)(token & 0xFFFFFFFF);
        if (slot >= _highWater) return false;
        var call = _calls[slot];
        if (call.State == CallState.Free || call.Generation != (int)(token >> 32)) return false;
        var cluster = call.Cluster!;
        var wasInFlight = call.State == CallState.InFlight;
        if (wasInFlight)
        {
            cluster.Breaker?.Release(call.IsProbe);
            ReleaseAttempt(call);
        }
        else
        {
            if (call.State == CallState.Queued) cluster.PendingLive--;
            if (call.IsRetry)
            {
                cluster.ActiveRetries--;
                call.IsRetry = false;
            }
        }
        _telemetry.For(cluster.ServiceIndex)[ServiceCounter.Cancelled]++;
        Free(slot, call);
        InFlight--;
        // A freed request slot lets a queued call go.
        if (wasInFlight) DrainPending(cluster);
        return true;
    }

    /// <summary>Handles router messages; false when the message is not the router's.</summary>
    public bool Handle(object message)
    {
        switch (message)
        {
            case MeshResponse r: OnResponse(r); return true;
            case SweepDue s: OnSweep(s); return true;
            case RetryDue r: OnRetryDue(r.Handle); return true;
            case ConnectFailed c: OnConnectFailed(c.Handle); return true;
            case OutlierInterval: OnOutlierInterval(); return true;
            default: return false;
        }
    }

    /// <summary>Ends every call at once with <paramref name="status"/> (the owner is going away).</summary>
    public void FailAll(int status, ResponseFlags flags)
    {
        var now = _clock.Now;
        for (var i = 0; i < _highWater; i++)
        {
            var call = _calls[i];
            if (call is null || call.State == CallState.Free) continue;
            if (call.State == CallState.InFlight) ReleaseAttempt(call);
            Complete(i, call, status, flags, now);
        }
    }

    private void Dispatch(int slot, Call call, long now)
    {
        var cluster = call.Cluster!;
        var t = _telemetry.For(cluster.ServiceIndex);
        if (cluster.Removed)
        {
            t[ServiceCounter.NoHealthyUpstream]++;
            Complete(slot, call, StatusCodes.ServiceUnavailable, ResponseFlags.NoHealthyUpstream, now);
            return;
        }
        var limits = cluster.Policy.Limits;
        if (cluster.ActiveRequests >= limits.MaxRequests)
        {
            if (cluster.PendingLive >= limits.MaxPendingRequests)
            {
                t[ServiceCounter.Overflows]++;
                Complete(slot, call, StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamOverflow, now);
                return;
            }
            call.State = CallState.Queued;
            cluster.Pending.Enqueue(Handle(slot, call));
            cluster.PendingLive++;
            WatchDeadline(call.Deadline, now);
            return;
        }
        var isProbe = false;
        if (cluster.Breaker is { } breaker && !breaker.TryAcquire(now, out isProbe))
        {
            t[ServiceCounter.RejectedByCircuit]++;
            Complete(slot, call, StatusCodes.ServiceUnavailable, ResponseFlags.CircuitOpen, now);
            return;
        }
        var host = cluster.PickHost(call.LastHost);
        if (host < 0)
        {
            if (isProbe) cluster.Breaker!.OnFailure(now, isProbe: true);
            t[ServiceCounter.NoHealthyUpstream]++;
            Complete(slot, call, StatusCodes.ServiceUnavailable, ResponseFlags.NoHealthyUpstream, now);
            return;
        }
        var endpoint = cluster.Endpoints[host];
        call.Attempt++;
        call.Host = host;
        call.HostEndpoint = endpoint;
        call.IsProbe = isProbe;
        call.State = CallState.InFlight;
        cluster.Active[host]++;
        cluster.ActiveRequests++;
        t[ServiceCounter.Attempts]++;
        var perTry = cluster.Policy.Retries.PerTryTimeout;
        call.TryDeadline = perTry is { } p ? Math.Min(now + p.Ticks, call.Deadline) : call.Deadline;
        WatchDeadline(call.TryDeadline, now);
        var handle = Handle(slot, call);
        if (MeshNetwork.IsUnreachable(endpoint.Address))
        {
            // The connection is refused: the failure comes back after one hop.
            _network.Send(cluster.Latency, _random, _self, new ConnectFailed(handle), _self);
            return;
        }
        var extra = _proxyLatency.IsZero ? 0 : _proxyLatency.SampleTicks(_random);
        _network.Send(cluster.Latency, _random, endpoint.Address,
            new MeshRequest(handle, cluster.Service, call.Path!, _source, call.Attempt, call.RequestBytes, call.Trace, _identity, now + extra), _self, extra);
    }

    private void OnResponse(MeshResponse response)
    {
        if (!TryResolve(response.CorrelationId, out var slot, out var call))
        {
            LateResponse(response.CorrelationId);
            return;
        }
        if (call.Trace.Sampled && response.SentAt > 0)
            _runtime.Traces.Record(call.Trace.TraceId, TraceCollector.NewSpanId(_random), call.Trace.SpanId, HopKind.Network,
                call.Cluster!.Service, response.SentAt, _clock.Now, response.Status);
        var kind = (response.Flags & ResponseFlags.Overloaded) != 0 ? AttemptFailure.RefusedStream
            : (response.Flags & ResponseFlags.UpstreamReset) != 0 ? AttemptFailure.Reset
            : AttemptFailure.Response;
        EndAttempt(slot, call, response.Status, response.Flags, kind, _clock.Now, response.ResponseBytes, response.Visited);
    }

    private void OnConnectFailed(long handle)
    {
        if (!TryResolve(handle, out var slot, out var call)) return;
        _telemetry.For(call.Cluster!.ServiceIndex)[ServiceCounter.ConnectFailures]++;
        EndAttempt(slot, call, StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamConnectionFailure, AttemptFailure.ConnectFailure, _clock.Now);
    }

    private void EndAttempt(int slot, Call call, int status, ResponseFlags flags, AttemptFailure kind, long now, int bytes = 0, ulong visited = 0)
    {
        var cluster = call.Cluster!;
        var host = ReleaseAttempt(call);
        var failed = status >= 500;
        // What every attempt reached and committed stays with the call: a retried call may have written twice.
        call.Visited |= visited;
        call.Committed |= (flags & ResponseFlags.Committed) != 0;
        var t = _telemetry.For(cluster.ServiceIndex);
        if (cluster.Outlier is { } outlier && host >= 0 && outlier.OnResult(host, failed, now))
        {
            t[ServiceCounter.Ejections]++;
            cluster.RebuildHealthy();
            EnsureOutlierTick(outlier.Options.Interval.Ticks);
        }
        if (cluster.Breaker is { } breaker)
        {
            if (failed)
            {
                if (breaker.OnFailure(now, call.IsProbe)) t[ServiceCounter.CircuitOpened]++;
            }
            else if (breaker.OnSuccess(now, call.IsProbe)) t[ServiceCounter.CircuitClosed]++;
        }
        call.IsProbe = false;
        call.LastHost = host;

        if (!failed && kind == AttemptFailure.Response)
        {
            Complete(slot, call, status, flags, now, bytes, visited);
        }
        else
        {
            var options = cluster.Policy.Retries;
            var retriable = RetryPolicy.IsRetriable(options, kind, status);
            var decision = RetryPolicy.Decide(options, retriable, call.Retries, cluster.ActiveRequests + cluster.PendingLive, cluster.ActiveRetries, cluster.Policy.Limits.MaxRetries);
            switch (decision)
            {
                case RetryDecision.Yes:
                    t[ServiceCounter.Retries]++;
                    call.Retries++;
                    call.IsRetry = true;
                    cluster.ActiveRetries++;
                    var backoff = RetryPolicy.BackoffTicks(options, call.Retries, _random);
                    if (backoff <= 0)
                    {
                        Dispatch(slot, call, now);
                    }
                    else
                    {
                        call.State = CallState.Backoff;
                        WatchDeadline(call.Deadline, now);
                        _clock.Schedule(backoff, _self, new RetryDue(Handle(slot, call)), _self);
                    }
                    break;
                case RetryDecision.NoOverflow:
                    t[ServiceCounter.RetriesOverflowed]++;
                    Complete(slot, call, status, flags, now, 0, visited);
                    break;
                case RetryDecision.NoRetryLimitExceeded:
                    t[ServiceCounter.RetriesExhausted]++;
                    Complete(slot, call, status, flags | ResponseFlags.UpstreamRetryLimitExceeded, now, 0, visited);
                    break;
                default:
                    Complete(slot, call, status, flags, now, 0, visited);
                    break;
            }
        }
        DrainPending(cluster);
    }

    private void OnRetryDue(long handle)
    {
        var slot = (int)(handle & SlotMask);
        if (slot >= _highWater) return;
        var call = _calls[slot];
        if (call.State != CallState.Backoff || Handle(slot, call) != handle) return;
        Dispatch(slot, call, _clock.Now);
    }

    /// <summary>Frees the attempt's resources; returns the host's current index (or -1).</summary>
    private static int ReleaseAttempt(Call call)
    {
        var cluster = call.Cluster!;
        cluster.ActiveRequests--;
        if (call.IsRetry)
        {
            cluster.ActiveRetries--;
            call.IsRetry = false;
        }
        var host = call.HostEndpoint is null ? -1 : cluster.IndexOf(call.HostEndpoint, call.Host);
        if ((uint)host < (uint)cluster.Active.Length && cluster.Active[host] > 0) cluster.Active[host]--;
        call.HostEndpoint = null;
        call.State = CallState.Free; // transient; the caller sets the next state
        return host;
    }

    private void DrainPending(UpstreamCluster cluster)
    {
        var now = 0L;
        while (cluster.Pending.Count > 0 && cluster.ActiveRequests < cluster.Policy.Limits.MaxRequests)
        {
            var handle = cluster.Pending.Dequeue();
            var slot = (int)(handle & SlotMask);
            var call = slot < _highWater ? _calls[slot] : null;
            if (call is null || call.State != CallState.Queued || Handle(slot, call) != handle) continue;
            cluster.PendingLive--;
            if (now == 0) now = _clock.Now;
            Dispatch(slot, call, now);
        }
    }

    private void Complete(int slot, Call call, int status, ResponseFlags flags, long now, int bytes = 0, ulong visited = 0)
    {
        var cluster = call.Cluster!;
        if (call.State == CallState.Queued) cluster.PendingLive--;
        if (call.IsRetry)
        {
            cluster.ActiveRetries--;
            call.IsRetry = false;
        }
        var caller = call.Caller!;
        var callerId = call.CallerId;
        var start = call.Start;
        visited |= call.Visited;
        if (call.Committed) flags |= ResponseFlags.Committed;
        Free(slot, call);
        InFlight--;
        _owner.OnCallCompleted(caller, callerId, status, flags, bytes, visited, start);
    }

    // ---- deadlines -------------------------------------------------------------------------

    private void WatchDeadline(long deadline, long now) => _sweep.Watch(deadline, now, _self);

    private void OnSweep(SweepDue due)
    {
        var now = _clock.Now;
        if (!_sweep.Begin(due.Generation, now)) return;
        var next = long.MaxValue;
        for (var i = 0; i < _highWater; i++)
        {
            var call = _calls[i];
            if (call is null || call.State == CallState.Free) continue;
            if (now >= call.Deadline)
            {
                var t = _telemetry.For(call.Cluster!.ServiceIndex);
                t[ServiceCounter.Timeouts]++;
                if (call.State == CallState.InFlight)
                {
                    var cluster = call.Cluster!;
                    var host = ReleaseAttempt(call);
                    call.State = CallState.InFlight; // Complete() must not treat it as queued
                    if (cluster.Outlier is { } outlier && host >= 0 && outlier.OnResult(host, true, now))
                    {
                        t[ServiceCounter.Ejections]++;
                        cluster.RebuildHealthy();
                    }
                    if (cluster.Breaker is { } breaker && breaker.OnFailure(now, call.IsProbe)) t[ServiceCounter.CircuitOpened]++;
                    Complete(i, call, StatusCodes.GatewayTimeout, ResponseFlags.UpstreamRequestTimeout, now);
                    DrainPending(cluster);
                }
                else
                {
                    Complete(i, call, StatusCodes.GatewayTimeout, ResponseFlags.UpstreamRequestTimeout, now);
                }
                continue;
            }
            if (call.State == CallState.InFlight && now >= call.TryDeadline)
            {
                _telemetry.For(call.Cluster!.ServiceIndex)[ServiceCounter.PerTryTimeouts]++;
                EndAttempt(i, call, StatusCodes.GatewayTimeout, ResponseFlags.UpstreamRequestTimeout, AttemptFailure.PerTryTimeout, now);
                // EndAttempt may have re-dispatched the call: pick up its new deadline below.
                if (call.State == CallState.Free) continue;
            }
            var d = call.State == CallState.InFlight ? call.TryDeadline : call.Deadline;
            if (d < next) next = d;
        }
        if (next != long.MaxValue) WatchDeadline(next, now);
    }

    // ---- outlier detection interval ---------------------------------------------------------

    private void EnsureOutlierTick(long interval)
    {
        if (_outlierTickScheduled) return;
        _outlierTickScheduled = true;
        _clock.Schedule(interval, _self, OutlierInterval.Instance, _self);
    }

    private void OnOutlierInterval()
    {
        _outlierTickScheduled = false;
        var now = _clock.Now;
        var again = long.MaxValue;
        foreach (var cluster in _clusters.Values)
        {
            if (cluster.Outlier is not { } outlier) continue;
            if (outlier.OnInterval(now) > 0) cluster.RebuildHealthy();
            var interval = outlier.Options.Interval.Ticks;
            if (interval < again) again = interval;
        }
        if (again != long.MaxValue) EnsureOutlierTick(again);
    }

    // ---- call table ------------------------------------------------------------------------

    private int Allocate()
    {
        if (_freeCount > 0)
        {
            var s = _free[--_freeCount];
            _calls[s].State = CallState.Free;
            return s;
        }
        if (_highWater == MaxSlots) return -1;
        if (_highWater == _calls.Length)
        {
            Array.Resize(ref _calls, _calls.Length * 2);
            Array.Resize(ref _free, _free.Length * 2);
        }
        _calls[_highWater] = new Call();
        return _highWater++;
    }

    private void Free(int slot, Call call)
    {
        call.Generation = (call.Generation + 1) & 0xFFFFFF;
        call.State = CallState.Free;
        call.Caller = null;
        call.Cluster = null;
        call.Path = null;
        call.HostEndpoint = null;
        call.Attempt = 0;
        call.Retries = 0;
        call.IsProbe = false;
        call.IsRetry = false;
        call.Visited = 0;
        call.Committed = false;
        _free[_freeCount++] = slot;
    }

    private long Handle(int slot, Call call) =>
        _epochBits | ((long)call.Generation << 32) | ((long)(call.Attempt & 0xFF) << SlotBits) | (uint)slot;

    private bool TryResolve(long handle, out int slot, out Call call)
    {
        slot = (int)(handle & SlotMask);
        if (slot < _highWater)
        {
            call = _calls[slot];
            if (call.State == CallState.InFlight && Handle(slot, call) == handle) return true;
        }
        call = null!;
        return false;
    }

    private void LateResponse(long handle)
    {
        var slot = (int)(handle & SlotMask);
        if (slot < _highWater && _calls[slot].Cluster is { } c) _telemetry.For(c.ServiceIndex)[ServiceCounter.LateResponses]++;
        else _telemetry.For(0)[ServiceCounter.LateResponses]++;
    }

    private enum CallState : byte { Free, Queued, InFlight, Backoff }

    private sealed class Call
    {
        public int Generation;
        public CallState State;
        public int Attempt;
        public int Retries;
        public IActorRef? Caller;
        public long CallerId;
        public UpstreamCluster? Cluster;
        public string? Path;
        public int RequestBytes;
        public TraceContext Trace;
        public long Start;
        public long Deadline;
        public long TryDeadline;
        public int Host;
        public Endpoint? HostEndpoint;
        public bool IsProbe;
        public bool IsRetry;
        public int LastHost;
        public ulong Visited;
        public bool Committed;
    }
}
