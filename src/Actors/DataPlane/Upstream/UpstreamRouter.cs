using ActorMesh.DataPlane.Network;
using ActorMesh.DataPlane.Resilience.Timeouts;

namespace ActorMesh.DataPlane.Upstream;

/// <summary>
/// The router at the end of a proxy's outbound filter chain (Envoy's router filter). Each attempt of a
/// call passes the destination's policies in Envoy's order (<see cref="Dispatch"/>): connection-pool
/// limits → circuit breaker → load balancer over non-ejected hosts → send under per-try and route
/// deadlines. Every end of an attempt goes through one exit (<see cref="End"/>): it frees what the
/// attempt held, tells outlier detection and the breaker how the host did, asks the retry policy, and
/// either retries or reports the call's one outcome to its owner.
/// A plain single-threaded class: the owning actor (sidecar, gateway, or app without sidecar) feeds it
/// messages; time comes from the clock, randomness from the owner's stream.
/// </summary>
/// <remarks>
/// Calls live in a <see cref="SlotTable{T}"/> tagged with the owner's incarnation, and each attempt
/// re-keys its call's slot: an answer to an earlier attempt, to an ended call or to a previous
/// incarnation no longer resolves and is counted late. Timeouts are not one scheduler entry each: a
/// <see cref="SweepTimer"/> wakes the router at the earliest deadline (at most once per millisecond),
/// and it scans the table. Mesh time here is due time (DESIGN §6): a call starts when its owner says,
/// an attempt ends when its answer was due, a back-off runs from that end, however late the owner ran.
/// </remarks>
internal sealed class UpstreamRouter
{
    private readonly string _source;
    private readonly string? _identity;
    private readonly MeshRuntime _runtime;
    private readonly MeshClock _clock;
    private readonly MeshNetwork _network;
    private readonly MeshTelemetry _telemetry;
    private readonly MeshRandom _random;
    private readonly IActorRef _self;
    private readonly IUpstreamOwner _owner;
    private readonly int _sourceIndex;
    private readonly UpstreamClusters _clusters;
    private readonly SlotTable<UpstreamCall> _calls;
    private readonly SweepTimer _sweep;
    private readonly LinkEnd _origin;
    private Distribution _proxyLatency = Distribution.Zero;

    // incarnation: the owner's, so that a restarted owner's router never takes the ids of its predecessor's calls.
    // identity: the mTLS identity requests carry; null sends plaintext (an app's plain client, without a sidecar).
    // zone, pod: where the source runs (null: no zone; a gateway is no pod); locality and network faults go by them.
    public UpstreamRouter(string source, MeshRuntime runtime, MeshRandom random, IActorRef self, IUpstreamOwner owner, int incarnation, string? identity = null,
        string? zone = null, string? pod = null)
    {
        _source = source;
        _origin = new LinkEnd(source, zone, pod);
        _identity = identity;
        _runtime = runtime;
        _clock = runtime.Clock;
        _sweep = new SweepTimer(_clock, self, static (generation, due) => new SweepDue(generation, due));
        _network = runtime.Network;
        _telemetry = runtime.Telemetry;
        _random = random;
        _self = self;
        _owner = owner;
        _clusters = new UpstreamClusters(source, zone, runtime, random, self, identity is not null);
        _calls = new SlotTable<UpstreamCall>(SlotHandle.MaxSlots, SlotKind.Call, incarnation);
        _sourceIndex = runtime.Services.Of(source);
    }

    /// <summary>Calls not yet completed.</summary>
    public int InFlight => _calls.Count;

    /// <summary>The cluster for <paramref name="service"/>, if built (tests and diagnostics).</summary>
    public UpstreamCluster? Cluster(string service) => _clusters.Find(service);

    /// <summary>
    /// Applies a snapshot to the clusters (see <see cref="UpstreamClusters.Apply"/>); calls waiting for a
    /// connection go on where the new limits leave room.
    /// </summary>
    public void Apply(ConfigSnapshot snapshot, Distribution proxyLatency)
    {
        _proxyLatency = proxyLatency;
        _network.UseSteady(snapshot.Topology.Network.Faults);
        _clusters.Apply(snapshot);
        foreach (var cluster in _clusters.All)
        {
            DrainPending(cluster);
            _clusters.WatchOutliers(cluster);
        }
    }

    /// <summary>
    /// Starts a call at mesh time <paramref name="now"/> (its owner's due time); its outcome reaches the
    /// owner exactly once (possibly before this returns), unless the owner cancels it. Returns a token for
    /// <see cref="Cancel"/> (<see cref="SlotHandle.None"/> when the call already ended).
    /// </summary>
    public SlotHandle Send(IActorRef caller, long callerId, string service, string path, int requestBytes, TraceContext trace, long now)
    {
        var cluster = _clusters.For(service);
        var t = _telemetry.For(cluster?.ServiceIndex ?? _runtime.Services.Of(service));
        // No such destination, or no room for one more call: the call ends before it has a slot.
        if (cluster is null || !_calls.TryAdd(out var slot))
        {
            var edge = t.EdgeFrom(_sourceIndex);
            if (cluster is null)
            {
                t[ServiceCounter.Calls]++;
                edge.Calls++;
            }
            var refusal = AttemptOutcome.Of(cluster is null ? AttemptEnd.NoHealthyUpstream : AttemptEnd.Overflow);
            refusal.CountIn(t);
            edge.RecordCall(refusal.Status, refusal.Flags, cluster?.Mtls ?? false, 0, requestBytes, 0);
            _owner.OnCallCompleted(caller, callerId, new CallResult(refusal.Status, refusal.Flags, 0, 0, 0, now, now));
            return SlotHandle.None;
        }
        var call = _calls[slot] ??= new UpstreamCall();
        call.Begin(caller, callerId, cluster, path, requestBytes, trace, now);
        t[ServiceCounter.Calls]++;
        t.EdgeFrom(_sourceIndex).Calls++;
        // The call's first id: it stays the call's token through its attempts' re-keys.
        var token = _calls.HandleOf(slot);
        Dispatch(slot, call, now);
        return _calls.TryResolveHeld(token, out _) ? token : SlotHandle.None;
    }

    /// <summary>
    /// The owner no longer waits for the call of <paramref name="token"/> (a gateway gave up on an
    /// aggregation's backend): it ends now, its attempt's resources are freed, and no outcome reaches
    /// the owner; an answer still on its way is a late response. Counted as cancelled. False when the
    /// call had already ended.
    /// </summary>
    public bool Cancel(SlotHandle token)
    {
        if (!_calls.TryResolveHeld(token, out var slot)) return false;
        End(slot, _calls[slot], AttemptOutcome.Of(AttemptEnd.Cancelled), _clock.Now);
        return true;
    }

    /// <summary>Handles router messages; false when the message is not the router's.</summary>
    public bool Handle(object message)
    {
        switch (message)
        {
            case MeshResponse r: OnResponse(r); return true;
            case SweepDue s: OnSweep(s); return true;
            case RetryDue r: OnRetryDue(r); return true;
            case ConnectFailed c: OnConnectFailed(c); return true;
            case OutlierInterval: _clusters.OnOutlierInterval(); return true;
            default: return false;
        }
    }

    /// <summary>Ends every call at once with <paramref name="status"/> (the owner is going away); nothing more is sent.</summary>
    public void FailAll(int status, ResponseFlags flags)
    {
        var now = _clock.Now;
        var aborted = AttemptOutcome.Aborted(status, flags);
        foreach (var slot in _calls) End(slot, _calls[slot], aborted, now);
    }

    /// <summary>
    /// One attempt down the chain, in Envoy's order: the destination still exists → a connection and a
    /// request slot (no connection free: a place in the pending queue, else overflow; <c>max_requests</c>
    /// in flight: overflow at once) → the circuit breaker → a host from the load balancer → sent, under
    /// its per-try and route deadlines. A call turned away ends through <see cref="End"/> like any other.
    /// </summary>
    private void Dispatch(int slot, UpstreamCall call, long now)
    {
        var cluster = call.Cluster!;
        if (cluster.Removed)
        {
            End(slot, call, AttemptOutcome.Of(AttemptEnd.NoHealthyUpstream), now);
            return;
        }
        var pool = cluster.Pool;
        var admission = pool.TryAdmit();
        if (admission != Admission.Admitted)
        {
            if (admission == Admission.Overflow || !pool.TryEnqueue())
            {
                End(slot, call, AttemptOutcome.Of(AttemptEnd.Overflow), now);
                return;
            }
            call.Enqueue(_calls.HandleOf(slot));
            _sweep.Watch(call.Deadlines.Route, now);
            return;
        }
        var isProbe = false;
        if (cluster.Breaker is { } breaker && !breaker.TryAcquire(now, out isProbe))
        {
            pool.Release();
            End(slot, call, AttemptOutcome.Of(AttemptEnd.CircuitOpen), now);
            return;
        }
        var host = cluster.PickHost(call.Tried);
        if (host < 0)
        {
            pool.Release();
            // A probe with no host to go to fails: the breaker opens again (not counted as an opening).
            if (isProbe) cluster.Breaker!.OnFailure(now, isProbe: true);
            End(slot, call, AttemptOutcome.Of(AttemptEnd.NoHealthyUpstream), now);
            return;
        }
        call.StartAttempt(host, isProbe, now);
        var t = _telemetry.For(cluster.ServiceIndex);
        t[ServiceCounter.Attempts]++;
        if (cluster.IsZoned(host, out var crossZone)) t.RecordZonedAttempt(now, crossZone);
        _sweep.Watch(call.Deadlines.Try, now);
        // A new id per attempt: an answer to an earlier one no longer resolves.
        var id = _calls.Rekey(slot);
        var endpoint = call.HostEndpoint!;
        var latency = cluster.LatencyTo(host);
        if (MeshNetwork.IsUnreachable(endpoint.Address))
        {
            // The connection is refused: the failure comes back after one hop.
            var refused = _network.DueAfter(now, latency, _random);
            _network.Deliver(refused, _self, new ConnectFailed(id, refused), _self);
            return;
        }
        var extra = _proxyLatency.IsZero ? 0 : _proxyLatency.SampleTicks(_random);
        var due = _network.RequestDue(now, latency, _random, extra, _origin, new LinkEnd(cluster.Service, endpoint.Zone, endpoint.PodId), call.RequestBytes, t, out var fate);
        call.AttemptArrives = due;
        var request = new MeshRequest(id.Id, cluster.Service, call.Path!, _source, call.Attempt, call.RequestBytes, call.Trace, _identity, now + extra, due, _origin.Zone, _origin.Pod);
        _network.DeliverRequest(fate, now, due, endpoint.Address, request, _self, cluster.Pool.Limits.ConnectTimeout);
    }

    /// <summary>
    /// The one exit of an attempt, and of a call that ends with none in flight: gives back what the call
    /// holds (connection and request slot, queue place, retry token); tells outlier detection and the breaker how the
    /// attempt's host did; asks the retry policy; then retries, or ends the call and reports it to the
    /// owner (unless the owner cancelled it). A freed connection then lets a queued call go.
    /// </summary>
    private void End(int slot, UpstreamCall call, in AttemptOutcome outcome, long now)
    {
        var cluster = call.Cluster!;
        var t = _telemetry.For(cluster.ServiceIndex);
        outcome.CountIn(t);
        var hadAttempt = call.State == CallState.InFlight;
        var host = call.Release();
        var decision = RetryDecision.No;
        if (hadAttempt)
        {
            call.Visited |= outcome.Visited;
            call.RetriesBelow += outcome.Retries;
            call.Committed |= (outcome.Flags & ResponseFlags.Committed) != 0;
            if (!outcome.JudgesHost) cluster.Breaker?.Release(call.IsProbe);
            else if (cluster.Judge(host, outcome.Failed, call.IsProbe, now, t)) _clusters.WatchOutliers(cluster);
            call.IsProbe = false;
            call.Tried.Add(host);
            if (outcome.MayRetry) decision = cluster.DecideRetry(outcome, call.Retries);
        }
        if (decision == RetryDecision.Yes) Retry(slot, call, now, t);
        else Finish(slot, call, outcome, decision, t, now);
        if (hadAttempt && outcome.Kind != AttemptEnd.Aborted) DrainPending(cluster, now);
    }

    /// <summary>Takes a retry token and sends the next attempt after its back-off from <paramref name="now"/>, the failed attempt's end (at once when it is zero).</summary>
    private void Retry(int slot, UpstreamCall call, long now, ServiceTelemetry t)
    {
        var cluster = call.Cluster!;
        t[ServiceCounter.Retries]++;
        t.EdgeFrom(_sourceIndex).Retries++;
        call.Retries++;
        call.IsRetry = true;
        cluster.Pool.RetryStarted();
        var backoff = RetryPolicy.BackoffTicks(cluster.Policy.Retries, call.Retries, _random);
        if (backoff <= 0)
        {
            Dispatch(slot, call, now);
            return;
        }
        call.State = CallState.Backoff;
        _sweep.Watch(call.Deadlines.Route, now);
        _clock.ScheduleAt(now + backoff, _self, new RetryDue(_calls.HandleOf(slot), now + backoff), _self);
    }

    /// <summary>Ends the call at <paramref name="now"/>: frees its slot and reports its one outcome to the owner (not when the owner cancelled it).</summary>
    private void Finish(int slot, UpstreamCall call, in AttemptOutcome outcome, RetryDecision decision, ServiceTelemetry t, long now)
    {
        var flags = outcome.Flags;
        if (decision == RetryDecision.NoOverflow)
        {
            // Envoy's router flags a retry refused by max_retries or the budget UO (upstream overflow).
            t[ServiceCounter.RetriesOverflowed]++;
            flags |= ResponseFlags.UpstreamOverflow;
        }
        else if (decision == RetryDecision.NoRetryLimitExceeded)
        {
            t[ServiceCounter.RetriesExhausted]++;
            flags |= ResponseFlags.UpstreamRetryLimitExceeded;
        }
        if (call.Committed) flags |= ResponseFlags.Committed;
        if (outcome.Kind != AttemptEnd.Cancelled)
            t.EdgeFrom(_sourceIndex).RecordCall(outcome.Status, flags, call.Cluster!.Mtls, now - call.Start, call.RequestBytes, outcome.Succeeded ? outcome.Bytes : 0);
        var (caller, callerId, start, visited, retries) = (call.Caller!, call.CallerId, call.Start, call.Visited, call.Retries + call.RetriesBelow);
        call.Clear();
        _calls.Free(slot);
        if (outcome.Kind == AttemptEnd.Cancelled) return;
        _owner.OnCallCompleted(caller, callerId, new CallResult(outcome.Status, flags, outcome.Succeeded ? outcome.Bytes : 0, visited, retries, start, now));
    }

    // ---- arrivals ---------------------------------------------------------------------------

    private void OnResponse(MeshResponse response)
    {
        var id = new SlotHandle(response.CorrelationId);
        if (!TryResolveAttempt(id, out var slot, out var call))
        {
            // Counted against the destination of whatever call holds the slot now (or the first service).
            _telemetry.For(_calls.IsLive(id.Slot) ? _calls[id.Slot].Cluster!.ServiceIndex : 0)[ServiceCounter.LateResponses]++;
            return;
        }
        var now = _clock.TimeOf(response.Due);
        var cluster = call.Cluster!;
        // What the destination's sidecar reports (Istio's reporter=destination), derived here: its answer as it sent it, timed from the
        // request's arrival to the answer's departure. A refused connection (UF) never reached its listener.
        if (cluster.DestinationReports && (response.Flags & ResponseFlags.UpstreamConnectionFailure) == 0)
            _telemetry.For(cluster.ServiceIndex).EdgeFrom(_sourceIndex).RecordAnswer(response.Status, response.Flags, cluster.Mtls,
                response.SentAt - call.AttemptArrives, call.RequestBytes, response.ResponseBytes);
        if (call.Trace.Sampled && response.SentAt > 0)
            _runtime.Traces.Record(call.Trace.TraceId, TraceCollector.NewSpanId(_random), call.Trace.SpanId, HopKind.Network,
                cluster.Service, response.SentAt, now, response.Status, response.Flags, call.Attempt, call.HostEndpoint?.PodId);
        End(slot, call, AttemptOutcome.Of(response), now);
    }

    private void OnConnectFailed(ConnectFailed failed)
    {
        if (TryResolveAttempt(failed.Handle, out var slot, out var call)) End(slot, call, AttemptOutcome.Of(AttemptEnd.ConnectFailure), _clock.TimeOf(failed.Due));
    }

    private void OnRetryDue(RetryDue due)
    {
        if (_calls.TryResolve(due.Handle, out var slot) && _calls[slot].State == CallState.Backoff) Dispatch(slot, _calls[slot], _clock.TimeOf(due.Due));
    }

    /// <summary>True when <paramref name="id"/> is the id of an attempt still in flight.</summary>
    private bool TryResolveAttempt(SlotHandle id, out int slot, out UpstreamCall call)
    {
        call = _calls.TryResolve(id, out slot) ? _calls[slot] : null!;
        return call is { State: CallState.InFlight };
    }

    /// <summary>Sends queued calls while the pool has room, as of <paramref name="now"/> (when a slot was freed; 0: now).</summary>
    private void DrainPending(UpstreamCluster cluster, long now = 0)
    {
        while (cluster.Pending.Count > 0 && cluster.Pool.HasConnection)
        {
            var id = cluster.Pending.Dequeue();
            if (!_calls.TryResolve(id, out var slot) || _calls[slot].State != CallState.Queued) continue;
            var call = _calls[slot];
            call.LeaveQueue();
            if (now == 0) now = _clock.Now;
            Dispatch(slot, call, now);
        }
    }

    // ---- deadlines ----------------------------------------------------------------------------

    private void OnSweep(SweepDue due)
    {
        if (!_sweep.Begin(due.Generation, due.Due, out var now)) return;
        foreach (var slot in _calls)
        {
            var call = _calls[slot];
            var expiry = call.Deadlines.ExpiredAt(now, call.State == CallState.InFlight);
            if (expiry != Expiry.None)
            {
                End(slot, call, AttemptOutcome.Of(expiry == Expiry.Route ? AttemptEnd.RouteTimeout : AttemptEnd.PerTryTimeout), now);
                // After a per-try timeout a retry may be on its way already, with deadlines of its own.
                if (expiry == Expiry.Route || !_calls.IsLive(slot)) continue;
            }
            _sweep.Include(call.Deadlines.Next(call.State == CallState.InFlight));
        }
        _sweep.End(now);
    }
}
