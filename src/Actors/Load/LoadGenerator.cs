using ActorMesh.DataPlane;
using Akka.Event;
using HdrHistogram;

namespace ActorMesh.Load;

/// <summary>
/// The client. Open loop: requests at a fixed rate (constant or Poisson spacing), each timed from
/// its <em>intended</em> send time, so a slow system cannot hide its latency by slowing the client
/// (no coordinated omission, as wrk2). Closed loop: users that send, wait, think and send again.
/// Warm-up requests are counted apart. Outstanding requests are bounded; past the bound a request is
/// rejected at once (reason clientBound) and memory does not grow. Every request ends exactly once.
/// </summary>
/// <remarks>
/// A request is one kind of the mix, sent to that kind's gateway over that gateway's link, with a
/// method and a bearer token for one of the profile's clients (or, for a share of requests, a bad
/// token). A journey (a kind with several steps) is one request for accounting: its steps are sent
/// one after another from the same slot, and it ends at the first step that is not ok or at the last.
/// Mesh time here is due time (DESIGN §6): a request leaves at its intended time and its answer counts
/// when it was due, however late the generator ran; a timed-out request ends at its client timeout.
/// </remarks>
internal sealed partial class LoadGenerator : UntypedActor
{
    private static readonly long PaceInterval = MeshClock.TicksPerMillisecond;
    private static readonly long SweepInterval = 50 * MeshClock.TicksPerMillisecond;

    private static readonly long ExpiredBy = TimeSpan.TicksPerMinute;
    private const string UnknownIssuer = "https://issuer.invalid";
    private const string UnknownAudience = "someone-else";

    private readonly LoadProfile _profile;
    private readonly MeshRuntime _runtime;
    private readonly MeshClock _clock;
    private readonly LoadTarget[] _targets;
    private readonly MeshRandom _random;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Kind[] _kinds;
    private readonly double[] _cumulativeWeights;
    private readonly LoadResult _result = new();
    private readonly MeshSeconds _meshSeconds;
    private readonly int _traceEvery;
    private readonly int _clients;
    private readonly string?[] _subjects;
    private readonly BearerToken?[][] _validTokens;
    private long _tokenExpiry = long.MaxValue;

    // Requests sent and not yet answered (a journey's steps share one), bounded by the profile's maxOutstanding.
    private readonly SlotTable<Outstanding> _requests;
    private long _nextId;

    private IActorRef _requester = ActorRefs.Nobody;
    private long _start, _measureStart, _measureEnd, _drainEnd;
    private long _nextIntended;
    private bool _finished;
    private bool _sweepScheduled;
    // When the pace and the sweep timers are due (one of each at a time): each runs as of its due time.
    private long _paceDue, _sweepDue;

    // Live view: counters since the last snapshot.
    private long _intervalAnswers, _intervalOk, _lastLiveAt;
    private readonly LongHistogram _intervalLatency = new(ServiceTelemetry.HighestMicroseconds, 2);

    /// <summary>Creates a load generator sending to <paramref name="gateway"/> over a link of <paramref name="clientLink"/> one-way latency.</summary>
    public LoadGenerator(LoadProfile profile, MeshRuntime runtime, IActorRef gateway, Distribution clientLink, IReadOnlyList<RequestMix> requests)
        : this(profile, runtime, [new LoadTarget(profile.Gateway ?? "", gateway, clientLink, AuthSpec.DefaultIssuer, profile.Gateway ?? "")], requests)
    {
    }

    /// <summary>
    /// Creates a load generator for several gateways: <paramref name="targets"/>[0] is the one a
    /// request kind without a gateway of its own goes to; a kind naming a gateway goes to the target
    /// of that name, which must be there.
    /// </summary>
    /// <remarks>
    /// <paramref name="share"/> (default: the whole load) is this generator's part when several share
    /// one load (<see cref="ZonalLoad"/>): its own random stream and request ids, and whether it samples the mesh's counters.
    /// </remarks>
    public LoadGenerator(LoadProfile profile, MeshRuntime runtime, IReadOnlyList<LoadTarget> targets, IReadOnlyList<RequestMix> requests, LoadShare? share = null)
    {
        share ??= LoadShare.Whole;
        if (targets.Count == 0) throw new ArgumentException("at least one gateway to send to is needed", nameof(targets));
        _profile = profile;
        _runtime = runtime;
        _clock = runtime.Clock;
        _targets = [.. targets];
        _random = runtime.Random.Stream(share.Stream);
        _meshSeconds = new MeshSeconds(share.SampleMesh ? runtime.Telemetry : null);
        _nextId = share.FirstId;
        _requests = new SlotTable<Outstanding>(Math.Clamp(profile.MaxOutstanding, 1, SlotHandle.MaxSlots), SlotKind.Request);
        _traceEvery = profile.TraceSampling <= 0 ? 0 : Math.Max(1, (int)Math.Round(1 / profile.TraceSampling));
        _clients = Math.Max(1, profile.Clients);
        _subjects = new string?[_clients];
        _validTokens = new BearerToken?[_targets.Length][];
        if (requests.Count == 0) requests = [new RequestMix("/")];
        var names = RequestMix.KindNames(requests);
        _kinds = new Kind[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var target = r.Gateway is null ? 0 : Array.FindIndex(_targets, t => t.Name == r.Gateway);
            if (target < 0) throw new ArgumentException($"request kind '{names[i]}' names gateway '{r.Gateway}', which is not among the targets", nameof(requests));
            var steps = r.Steps;
            _kinds[i] = new Kind([.. steps], r.EffectiveMethod, target, new RequestKindResult(names[i], steps.Length, _targets[target].Name));
            _result.Kinds.Add(_kinds[i].Result);
        }
        _cumulativeWeights = new double[requests.Count];
        var sum = 0.0;
        for (var i = 0; i < requests.Count; i++) _cumulativeWeights[i] = sum += requests[i].Weight;
        for (var i = 0; i < requests.Count; i++) _cumulativeWeights[i] /= sum;
    }

    /// <summary>Props for a load generator.</summary>
    public static Props Props(LoadProfile profile, MeshRuntime runtime, IActorRef gateway, Distribution clientLink, IReadOnlyList<RequestMix> requests) =>
        runtime.Place(Akka.Actor.Props.Create(() => new LoadGenerator(profile, runtime, gateway, clientLink, requests)));

    /// <summary>Props for a load generator sending to several gateways (see the constructor).</summary>
    public static Props Props(LoadProfile profile, MeshRuntime runtime, IReadOnlyList<LoadTarget> targets, IReadOnlyList<RequestMix> requests, LoadShare? share = null) =>
        runtime.Place(Akka.Actor.Props.Create(() => new LoadGenerator(profile, runtime, targets, requests, share)));

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClientResponse response: OnResponse(response); break;
            case Pace: OnPace(); break;
            case UserNext next: if (!_finished) Send(_clock.TimeOf(next.Due), next.User); break;
            case Sweep: OnSweep(); break;
            case SecondDue: OnSecond(); break;
            case StartLoad: Begin(); break;
            case StopLoad stop: Stop(stop.Drain); break;
            case GetLiveStats: Sender.Tell(Live()); break;
            case GetLoadProgress: Sender.Tell(Progress()); break;
            default: Unhandled(message); break;
        }
    }

    private void Begin()
    {
        _requester = Sender;
        _start = _result.StartedAt = _clock.Now;
        _measureStart = _start + _profile.Warmup.Ticks;
        _measureEnd = _measureStart + _profile.Duration.Ticks;
        _drainEnd = _measureEnd + _profile.Drain.Ticks;
        _lastLiveAt = _start;
        // Valid tokens outlive the run; expired ones are made at send time.
        _tokenExpiry = _drainEnd + TimeSpan.TicksPerHour;
        _result.MeasuredSeconds = _profile.Duration.TotalSeconds;
        var seconds = (int)Math.Ceiling(_profile.Duration.TotalSeconds);
        for (var i = 0; i < seconds; i++) _result.Timeline.Add(new SecondBucket());
        _clock.Schedule(Math.Max(0, _measureStart - _start), Self, SecondDue.Instance, Self);
        _nextIntended = _start;
        _paceDue = _start;
        if (_profile.Mode == LoadMode.Open) OnPace();
        else for (var u = 0; u < _profile.Users; u++) Send(_start, u);
        ScheduleSweep(_start);
    }

    // ---- sending ---------------------------------------------------------------------------

    private void OnPace()
    {
        if (_finished) return;
        var now = _clock.TimeOf(_paceDue);
        var end = Math.Min(now, _measureEnd - 1);
        while (_nextIntended <= end)
        {
            Send(_nextIntended, -1);
            _nextIntended += Gap();
        }
        if (_nextIntended < _measureEnd)
        {
            _paceDue = now + Math.Min(PaceInterval, Math.Max(1, _nextIntended - now));
            _clock.ScheduleAt(_paceDue, Self, Pace.Instance, Self);
        }
        CheckFinished(now);
    }

    private long Gap()
    {
        var mean = TimeSpan.TicksPerSecond / _profile.Rps;
        return _profile.Arrival == ArrivalProcess.Poisson
            ? Math.Max(1, (long)(-mean * Math.Log(1 - _random.NextDouble())))
            : Math.Max(1, (long)mean);
    }

    private void Send(long intended, int user)
    {
        if (intended >= _measureEnd) return;
        var measured = intended >= _measureStart;
        var counts = measured ? _result.Measured : _result.Warmup;
        counts.Sent++;
        var bucket = Bucket(intended);
        if (bucket is not null) bucket.Sent++;
        if (!_requests.TryAdd(out var slot))
        {
            counts.Record(RequestOutcome.Rejected, 0, RejectReason.ClientBound);
            if (bucket is not null) bucket.Rejected++;
            if (measured)
            {
                // The kind is drawn even for a refused request, so that the per-kind counts add up too.
                var refused = _kinds[PickKind()].Result.Measured;
                refused.Sent++;
                refused.Record(RequestOutcome.Rejected, 0, RejectReason.ClientBound);
            }
            if (user >= 0) NextForUser(user, intended);
            return;
        }
        ref var s = ref _requests[slot];
        s.Intended = intended;
        s.User = user;
        var seq = ++_nextId;
        s.Trace = _traceEvery > 0 && seq % _traceEvery == 0 ? new TraceContext(seq, TraceCollector.NewSpanId(_random), true) : new TraceContext(seq, 0, false);
        s.Kind = PickKind();
        s.Step = 0;
        var kind = _kinds[s.Kind];
        if (measured) kind.Result.Measured.Sent++;
        var client = user >= 0 ? user % _clients : (int)(seq % _clients);
        s.Token = Token(kind.Target, client);
        SendStep(slot, intended);
    }

    /// <summary>Sends the slot's current step at mesh time <paramref name="at"/>: its path, its kind's method and gateway, the slot's token.</summary>
    private void SendStep(int slot, long at)
    {
        ref var s = ref _requests[slot];
        var kind = _kinds[s.Kind];
        var target = _targets[kind.Target];
        var id = _requests.HandleOf(slot).Id;
        var due = _runtime.Network.DueAfter(at, target.ClientLink, _random);
        _runtime.Network.Deliver(due, target.Gateway, new ClientRequest(id, kind.Steps[s.Step], 1024, s.Trace, kind.Method, s.Token, due), Self);
    }

    private int PickKind()
    {
        if (_kinds.Length == 1) return 0;
        var u = _random.NextDouble();
        for (var i = 0; i < _cumulativeWeights.Length; i++) if (u < _cumulativeWeights[i]) return i;
        return _kinds.Length - 1;
    }

    /// <summary>The user's next request, a think time after its last one ended at <paramref name="ended"/>.</summary>
    private void NextForUser(int user, long ended)
    {
        if (_finished) return;
        var due = ended + (_profile.ThinkTime.IsZero ? 0 : _profile.ThinkTime.SampleTicks(_random));
        _clock.ScheduleAt(due, Self, new UserNext(user, due), Self);
    }

    // ---- answers ---------------------------------------------------------------------------

    private void OnResponse(ClientResponse response)
    {
        if (!_requests.TryResolve(new SlotHandle(response.RequestId), out var slot))
        {
            _result.LateAnswers++;
            return;
        }
        var now = _clock.TimeOf(response.Due);
        var outcome = OutcomeClassifier.Classify(response.Status, response.Flags, out var reason);
        ref var s = ref _requests[slot];
        s.Visited |= response.Visited;
        s.Retries += response.Retries;
        s.Committed |= (response.Flags & ResponseFlags.Committed) != 0;
        s.Degraded |= (response.Flags & ResponseFlags.Degraded) != 0;
        if (outcome == RequestOutcome.Ok && s.Step + 1 < _kinds[s.Kind].Steps.Length)
        {
            // The journey goes on: the next step waits for this answer, as a client's next call would.
            s.Step++;
            SendStep(slot, now);
            return;
        }
        End(slot, outcome, response.Status, reason, now);
        CheckFinished(now);
    }

    private void End(int slot, RequestOutcome outcome, int status, RejectReason reason, long now)
    {
        ref var s = ref _requests[slot];
        var intended = s.Intended;
        var user = s.User;
        var kind = _kinds[s.Kind].Result;
        var (visited, committed, degraded, trace, retries) = (s.Visited, s.Committed, s.Degraded, s.Trace, s.Retries);
        _requests.Free(slot);
        if (trace.Sampled) _runtime.Traces.Record(trace.TraceId, trace.SpanId, 0, HopKind.Client, "client", intended, now, status);
        var measured = intended >= _measureStart;
        if (measured) _result.CallGraph.Observe(visited, outcome, committed);
        var counts = measured ? _result.Measured : _result.Warmup;
        counts.Record(outcome, status, reason, degraded);
        var latencyUs = Math.Clamp((now - intended) / 10, 1, ServiceTelemetry.HighestMicroseconds);
        _intervalAnswers++;
        if (outcome == RequestOutcome.Ok)
        {
            _intervalOk++;
            _intervalLatency.RecordValue(latencyUs);
        }
        if (measured)
        {
            _result.LatencyAll.RecordValue(latencyUs);
            if (outcome == RequestOutcome.Ok) _result.Latency.RecordValue(latencyUs);
            else if (outcome is RequestOutcome.Failed or RequestOutcome.TimedOut) _result.FailedLatency.RecordValue(latencyUs);
            _result.Retries.Record(retries);
            kind.Measured.Record(outcome, status, reason, degraded);
            if (outcome == RequestOutcome.Ok) kind.Latency.RecordValue(latencyUs);
            if (committed && outcome is RequestOutcome.Failed or RequestOutcome.TimedOut) kind.PartialFailures++;
            if (Bucket(intended) is { } b)
            {
                b.Count(outcome, degraded);
                if (outcome == RequestOutcome.Ok) b.RecordOk(latencyUs);
            }
        }
        if (user >= 0) NextForUser(user, now);
    }

    private SecondBucket? Bucket(long intended)
    {
        if (intended < _measureStart) return null;
        var i = (int)((intended - _measureStart) / TimeSpan.TicksPerSecond);
        return i < _result.Timeline.Count ? _result.Timeline[i] : null;
    }

    // ---- client timeout and the end ----------------------------------------------------------

    private void ScheduleSweep(long from)
    {
        if (_sweepScheduled || _finished) return;
        _sweepScheduled = true;
        _sweepDue = from + SweepInterval;
        _clock.ScheduleAt(_sweepDue, Self, Sweep.Instance, Self);
    }

    private void OnSweep()
    {
        _sweepScheduled = false;
        var now = _clock.TimeOf(_sweepDue);
        var timeout = _profile.ClientTimeout.Ticks;
        // A request ends when the client gave up on it: at its timeout, not when the sweep noticed.
        foreach (var slot in _requests)
            if (now - _requests[slot].Intended >= timeout)
                End(slot, RequestOutcome.TimedOut, StatusCodes.GatewayTimeout, default, _requests[slot].Intended + timeout);
        CheckFinished(now);
        ScheduleSweep(now);
    }

    private void CheckFinished(long now)
    {
        if (_finished || now < _measureEnd) return;
        if (_profile.Mode == LoadMode.Open && _nextIntended < _measureEnd) return;
        if (_requests.Count > 0 && now < _drainEnd) return;
        _finished = true;
        foreach (var slot in _requests)
        {
            var intended = _requests[slot].Intended;
            var kind = _kinds[_requests[slot].Kind].Result;
            _requests.Free(slot);
            if (intended >= _measureStart)
            {
                _result.Measured.InFlight++;
                kind.Measured.InFlight++;
                if (Bucket(intended) is { } b) b.InFlight++;
            }
            else _result.Warmup.InFlight++;
        }
        _meshSeconds.CloseAll(_result.Timeline);
        if (!_result.Measured.AddsUp || !_result.Warmup.AddsUp)
            _log.Error("Accounting does not add up: measured {0}, warm-up {1}", Describe(_result.Measured), Describe(_result.Warmup));
        _requester.Tell(new LoadFinished(_result), Self);
    }

    private void Stop(TimeSpan drain)
    {
        if (_finished || _requester.IsNobody()) return;
        var now = _clock.Now;
        if (now < _measureEnd)
        {
            // Truncate the measured window to what has been sent; drop the seconds that never came.
            // Stopped during the warm-up: the measured window is empty and nothing more is sent.
            _measureStart = Math.Min(_measureStart, now);
            _measureEnd = now;
            _result.MeasuredSeconds = Math.Max(0, MeshClock.ToMilliseconds(_measureEnd - _measureStart) / 1000);
            var keep = (int)Math.Ceiling(_result.MeasuredSeconds);
            if (_result.Timeline.Count > keep) _result.Timeline.RemoveRange(keep, _result.Timeline.Count - keep);
            // The second cut short ends now.
            if (_meshSeconds.Closed == keep - 1) _meshSeconds.CloseNext(_result.Timeline);
        }
        _nextIntended = Math.Max(_nextIntended, _measureEnd);
        _drainEnd = Math.Min(_drainEnd, now + Math.Max(0, drain.Ticks));
        CheckFinished(now);
    }

    private static string Describe(OutcomeCounts c) => $"sent {c.Sent} = ok {c.Ok} + failed {c.Failed} + timedOut {c.TimedOut} + rejected {c.Rejected} + inFlight {c.InFlight}";

    /// <summary>A request sent and not yet answered (a journey: its current step).</summary>
    private struct Outstanding
    {
        public long Intended;
        public int User;
        public int Kind;
        public int Step;
        public TraceContext Trace;
        public BearerToken? Token;
        public ulong Visited;
        public bool Committed;
        public bool Degraded;
        /// <summary>Retries its answers reported (a journey: over its steps).</summary>
        public int Retries;
    }

    /// <summary>One kind of the mix as the generator sends it.</summary>
    private sealed record Kind(string[] Steps, string Method, int Target, RequestKindResult Result);

    private sealed class Pace : Signal<Pace>, INoSerializationVerificationNeeded, IDeadLetterSuppression;

    private sealed class Sweep : Signal<Sweep>, INoSerializationVerificationNeeded, IDeadLetterSuppression;

    /// <summary>A user's next request is due at <paramref name="Due"/>.</summary>
    private sealed record UserNext(int User, long Due) : INoSerializationVerificationNeeded;
}
