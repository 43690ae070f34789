using ActorMesh.DataPlane;
using ActorMesh.Randomness;
using ActorMesh.Telemetry;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Actor;
using Akka.Event;
using HdrHistogram;

namespace ActorMesh.Load;

/// <summary>Starts the load; the sender gets <see cref="LoadFinished"/> when the run (with drain) is over.</summary>
public sealed class StartLoad
{
    /// <summary>The one instance.</summary>
    public static readonly StartLoad Instance = new();
    private StartLoad() { }
}

/// <summary>Ends the load early (Ctrl+C): no more sends; whatever is outstanding counts as in flight.</summary>
public sealed class StopLoad
{
    /// <summary>The one instance.</summary>
    public static readonly StopLoad Instance = new();
    private StopLoad() { }
}

/// <summary>Ask for a <see cref="LiveStats"/> snapshot (what happened since the previous ask).</summary>
public sealed class GetLiveStats
{
    /// <summary>The one instance.</summary>
    public static readonly GetLiveStats Instance = new();
    private GetLiveStats() { }
}

/// <summary>Progress for a live view.</summary>
/// <param name="ElapsedSeconds">Since the load started (warm-up included).</param>
/// <param name="Phase">"warmup", "measure", "drain" or "done".</param>
/// <param name="Sent">Requests sent so far.</param>
/// <param name="Outstanding">Requests without an answer yet.</param>
/// <param name="IntervalRps">Answers per second since the previous snapshot.</param>
/// <param name="IntervalOkPercent">Share of those answers that were ok.</param>
/// <param name="IntervalP99Ms">p99 latency of ok answers since the previous snapshot.</param>
/// <param name="Ok">Ok so far.</param>
/// <param name="NotOk">Failed, timed out or rejected so far.</param>
public sealed record LiveStats(double ElapsedSeconds, string Phase, long Sent, long Outstanding, double IntervalRps, double IntervalOkPercent, double IntervalP99Ms, long Ok, long NotOk);

/// <summary>Outcomes of one second of the measured window (by intended send time).</summary>
public sealed class SecondBucket
{
    /// <summary>Requests intended in this second.</summary>
    public long Sent;
    /// <summary>Of those, ok.</summary>
    public long Ok;
    /// <summary>Of those, failed.</summary>
    public long Failed;
    /// <summary>Of those, timed out.</summary>
    public long TimedOut;
    /// <summary>Of those, rejected.</summary>
    public long Rejected;
    /// <summary>Of those, still in flight at the end.</summary>
    public long InFlight;
}

/// <summary>What the load generator measured for one kind of request of the mix (a path, or a journey).</summary>
public sealed class RequestKindResult
{
    /// <summary>Creates the result of the kind named <paramref name="name"/>.</summary>
    public RequestKindResult(string name, int steps, string gateway)
    {
        Name = name;
        Steps = steps;
        Gateway = gateway;
    }

    /// <summary>The kind's name (see <see cref="RequestMix.KindNames"/>).</summary>
    public string Name { get; }
    /// <summary>Requests per journey: 1 for a single request.</summary>
    public int Steps { get; }
    /// <summary>The gateway the kind is sent to.</summary>
    public string Gateway { get; }
    /// <summary>Outcomes of the kind's requests intended in the measured window.</summary>
    public OutcomeCounts Measured { get; } = new();
    /// <summary>End-to-end latency of those that ended ok, in µs, from the intended send time (a journey: to its last answer).</summary>
    public LongHistogram Latency { get; } = new(ServiceTelemetry.HighestMicroseconds, 3);
}

/// <summary>A gateway the load generator can send to: its address, the client's link to it, and what a valid token for it names.</summary>
/// <param name="Name">Gateway name.</param>
/// <param name="Gateway">Where requests go.</param>
/// <param name="ClientLink">One-way latency of the client's link, sampled for the request and for the answer.</param>
/// <param name="Issuer">Issuer of a valid token.</param>
/// <param name="Audience">Audience of a valid token.</param>
public sealed record LoadTarget(string Name, IActorRef Gateway, Distribution ClientLink, string Issuer, string Audience);

/// <summary>What the load generator measured.</summary>
public sealed class LoadResult : INoSerializationVerificationNeeded
{
    /// <summary>Requests intended during warm-up (not part of the figures).</summary>
    public OutcomeCounts Warmup { get; } = new();
    /// <summary>Requests intended during the measured window.</summary>
    public OutcomeCounts Measured { get; } = new();
    /// <summary>End-to-end latency of measured requests that ended ok, in µs, from the intended send time.</summary>
    public LongHistogram Latency { get; } = new(ServiceTelemetry.HighestMicroseconds, 3);
    /// <summary>Latency of every measured request that got an answer (any outcome), in µs.</summary>
    public LongHistogram LatencyAll { get; } = new(ServiceTelemetry.HighestMicroseconds, 3);
    /// <summary>Per-second outcomes over the measured window.</summary>
    public List<SecondBucket> Timeline { get; } = [];
    /// <summary>Measured window length in seconds.</summary>
    public double MeasuredSeconds { get; set; }
    /// <summary>Answers that arrived after the request had already ended (client timeout).</summary>
    public long LateAnswers { get; set; }
    /// <summary>Per kind of request of the mix, in the mix's order; their measured counts add up to <see cref="Measured"/>.</summary>
    public List<RequestKindResult> Kinds { get; } = [];
    /// <summary>What the measured requests' answers said about the services they reached.</summary>
    public CallGraphObservation CallGraph { get; } = new();
}

/// <summary>
/// Which services each measured request reached (every answer carries one bit per service index
/// below 64), and which failed requests had already committed a write somewhere: the raw material
/// for chatty pairs and partial failures.
/// </summary>
public sealed class CallGraphObservation
{
    /// <summary>Bits tracked: service indices below this.</summary>
    public const int Services = 64;

    /// <summary>Measured requests that answered with a service set.</summary>
    public long Requests;
    /// <summary>Requests that reached service i.</summary>
    public readonly long[] Reached = new long[Services];
    /// <summary>Requests that reached both i and j (i &lt; j), at [i * 64 + j].</summary>
    public readonly long[] ReachedTogether = new long[Services * Services];
    /// <summary>Requests that failed (or timed out) after some service on their path had committed a write.</summary>
    public long PartialFailures;

    /// <summary>Counts one measured request's answer.</summary>
    public void Observe(ulong visited, RequestOutcome outcome, bool committed)
    {
        if (committed && outcome is RequestOutcome.Failed or RequestOutcome.TimedOut) PartialFailures++;
        if (visited == 0) return;
        Requests++;
        for (var rest = visited; rest != 0; rest &= rest - 1)
        {
            var i = System.Numerics.BitOperations.TrailingZeroCount(rest);
            Reached[i]++;
            for (var others = rest & (rest - 1); others != 0; others &= others - 1)
                ReachedTogether[i * Services + System.Numerics.BitOperations.TrailingZeroCount(others)]++;
        }
    }
}

/// <summary>The load is over.</summary>
public sealed record LoadFinished(LoadResult Result) : INoSerializationVerificationNeeded;

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
/// </remarks>
public sealed class LoadGenerator : UntypedActor
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
    private readonly int _traceEvery;
    private readonly int _clients;
    private readonly string?[] _subjects;
    private readonly BearerToken?[][] _validTokens;
    private long _tokenExpiry = long.MaxValue;

    private Slot[] _slots = new Slot[256];
    private int[] _free = new int[256];
    private int _freeCount;
    private int _highWater;
    private int _outstanding;
    private long _nextId;

    private IActorRef _requester = ActorRefs.Nobody;
    private long _start, _measureStart, _measureEnd, _drainEnd;
    private long _nextIntended;
    private bool _finished;
    private bool _sweepScheduled;

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
    public LoadGenerator(LoadProfile profile, MeshRuntime runtime, IReadOnlyList<LoadTarget> targets, IReadOnlyList<RequestMix> requests)
    {
        if (targets.Count == 0) throw new ArgumentException("at least one gateway to send to is needed", nameof(targets));
        _profile = profile;
        _runtime = runtime;
        _clock = runtime.Clock;
        _targets = [.. targets];
        _random = runtime.Random.Stream("load-generator");
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
    public static Props Props(LoadProfile profile, MeshRuntime runtime, IReadOnlyList<LoadTarget> targets, IReadOnlyList<RequestMix> requests) =>
        runtime.Place(Akka.Actor.Props.Create(() => new LoadGenerator(profile, runtime, targets, requests)));

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClientResponse response: OnResponse(response); break;
            case Pace: OnPace(); break;
            case UserNext next: if (!_finished) Send(_clock.Now, next.User); break;
            case Sweep: OnSweep(); break;
            case StartLoad: Begin(); break;
            case StopLoad: Stop(); break;
            case GetLiveStats: Sender.Tell(Live()); break;
            default: Unhandled(message); break;
        }
    }

    private void Begin()
    {
        _requester = Sender;
        _start = _clock.Now;
        _measureStart = _start + _profile.Warmup.Ticks;
        _measureEnd = _measureStart + _profile.Duration.Ticks;
        _drainEnd = _measureEnd + _profile.Drain.Ticks;
        _lastLiveAt = _start;
        // Valid tokens outlive the run; expired ones are made at send time.
        _tokenExpiry = _drainEnd + TimeSpan.TicksPerHour;
        _result.MeasuredSeconds = _profile.Duration.TotalSeconds;
        var seconds = (int)Math.Ceiling(_profile.Duration.TotalSeconds);
        for (var i = 0; i < seconds; i++) _result.Timeline.Add(new SecondBucket());
        _nextIntended = _start;
        if (_profile.Mode == LoadMode.Open) OnPace();
        else for (var u = 0; u < _profile.Users; u++) Send(_start, u);
        ScheduleSweep();
    }

    // ---- sending ---------------------------------------------------------------------------

    private void OnPace()
    {
        if (_finished) return;
        var now = _clock.Now;
        var end = Math.Min(now, _measureEnd - 1);
        while (_nextIntended <= end)
        {
            Send(_nextIntended, -1);
            _nextIntended += Gap();
        }
        if (_nextIntended < _measureEnd) _clock.Schedule(Math.Min(PaceInterval, Math.Max(1, _nextIntended - now)), Self, Pace.Instance, Self);
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
        if (_outstanding >= _profile.MaxOutstanding)
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
            if (user >= 0) NextForUser(user);
            return;
        }
        var slot = Allocate();
        ref var s = ref _slots[slot];
        s.Intended = intended;
        s.User = user;
        s.InUse = true;
        _outstanding++;
        var seq = ++_nextId;
        s.Trace = _traceEvery > 0 && seq % _traceEvery == 0 ? new TraceContext(seq, TraceCollector.NewSpanId(_random), true) : new TraceContext(seq, 0, false);
        s.Kind = PickKind();
        s.Step = 0;
        var kind = _kinds[s.Kind];
        if (measured) kind.Result.Measured.Sent++;
        var client = user >= 0 ? user % _clients : (int)(seq % _clients);
        s.Token = Token(kind.Target, client);
        SendStep(slot);
    }

    /// <summary>Sends the slot's current step: its path, its kind's method and gateway, the slot's token.</summary>
    private void SendStep(int slot)
    {
        ref var s = ref _slots[slot];
        var kind = _kinds[s.Kind];
        var target = _targets[kind.Target];
        var id = ((long)s.Generation << 32) | (uint)slot;
        _runtime.Network.Send(target.ClientLink, _random, target.Gateway, new ClientRequest(id, kind.Steps[s.Step], 1024, s.Trace, kind.Method, s.Token), Self);
    }

    private int PickKind()
    {
        if (_kinds.Length == 1) return 0;
        var u = _random.NextDouble();
        for (var i = 0; i < _cumulativeWeights.Length; i++) if (u < _cumulativeWeights[i]) return i;
        return _kinds.Length - 1;
    }

    /// <summary>
    /// The token for <paramref name="client"/> at target <paramref name="target"/>: the client's valid
    /// one (made once), or, for the profile's share of bad tokens, one with a problem picked at random.
    /// </summary>
    private BearerToken? Token(int target, int client)
    {
        var t = _targets[target];
        var subject = _subjects[client] ??= "client-" + client;
        if (_profile.BadTokenShare > 0 && _random.Chance(_profile.BadTokenShare))
        {
            var problem = (TokenProblem)(1 + _random.NextInt(BadTokenKinds));
            return problem switch
            {
                TokenProblem.Missing => null,
                TokenProblem.BadSignature => new BearerToken(subject, t.Issuer, t.Audience, _tokenExpiry, SignatureValid: false),
                TokenProblem.WrongIssuer => new BearerToken(subject, UnknownIssuer, t.Audience, _tokenExpiry, true),
                TokenProblem.WrongAudience => new BearerToken(subject, t.Issuer, UnknownAudience, _tokenExpiry, true),
                _ => new BearerToken(subject, t.Issuer, t.Audience, _clock.Now - ExpiredBy, true),
            };
        }
        var tokens = _validTokens[target] ??= new BearerToken?[_clients];
        return tokens[client] ??= new BearerToken(subject, t.Issuer, t.Audience, _tokenExpiry, true);
    }

    private static readonly int BadTokenKinds = Enum.GetValues<TokenProblem>().Length - 1;

    private void NextForUser(int user)
    {
        if (_finished) return;
        var think = _profile.ThinkTime.IsZero ? 0 : _profile.ThinkTime.SampleTicks(_random);
        if (think <= 0) Self.Tell(new UserNext(user));
        else _clock.Schedule(think, Self, new UserNext(user), Self);
    }

    // ---- answers ---------------------------------------------------------------------------

    private void OnResponse(ClientResponse response)
    {
        var slot = (int)(response.RequestId & 0xFFFFFFFF);
        var generation = (int)(response.RequestId >> 32);
        if (slot >= _highWater || !_slots[slot].InUse || _slots[slot].Generation != generation)
        {
            _result.LateAnswers++;
            return;
        }
        var now = _clock.Now;
        var outcome = OutcomeClassifier.Classify(response.Status, response.Flags, out var reason);
        ref var s = ref _slots[slot];
        s.Visited |= response.Visited;
        s.Committed |= (response.Flags & ResponseFlags.Committed) != 0;
        if (outcome == RequestOutcome.Ok && s.Step + 1 < _kinds[s.Kind].Steps.Length)
        {
            // The journey goes on: the next step waits for this answer, as a client's next call would.
            s.Step++;
            SendStep(slot);
            return;
        }
        End(slot, outcome, response.Status, reason, now);
        CheckFinished(now);
    }

    private void End(int slot, RequestOutcome outcome, int status, RejectReason reason, long now)
    {
        ref var s = ref _slots[slot];
        var intended = s.Intended;
        var user = s.User;
        var kind = _kinds[s.Kind].Result;
        var (visited, committed, trace) = (s.Visited, s.Committed, s.Trace);
        Release(slot);
        if (trace.Sampled) _runtime.Traces.Record(trace.TraceId, trace.SpanId, 0, HopKind.Client, "client", intended, now, status);
        var measured = intended >= _measureStart;
        if (measured) _result.CallGraph.Observe(visited, outcome, committed);
        var counts = measured ? _result.Measured : _result.Warmup;
        counts.Record(outcome, status, reason);
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
            kind.Measured.Record(outcome, status, reason);
            if (outcome == RequestOutcome.Ok) kind.Latency.RecordValue(latencyUs);
            if (Bucket(intended) is { } b)
            {
                switch (outcome)
                {
                    case RequestOutcome.Ok: b.Ok++; break;
                    case RequestOutcome.Failed: b.Failed++; break;
                    case RequestOutcome.TimedOut: b.TimedOut++; break;
                    default: b.Rejected++; break;
                }
            }
        }
        if (user >= 0) NextForUser(user);
    }

    private SecondBucket? Bucket(long intended)
    {
        if (intended < _measureStart) return null;
        var i = (int)((intended - _measureStart) / TimeSpan.TicksPerSecond);
        return i < _result.Timeline.Count ? _result.Timeline[i] : null;
    }

    // ---- client timeout and the end ----------------------------------------------------------

    private void ScheduleSweep()
    {
        if (_sweepScheduled || _finished) return;
        _sweepScheduled = true;
        _clock.Schedule(SweepInterval, Self, Sweep.Instance, Self);
    }

    private void OnSweep()
    {
        _sweepScheduled = false;
        var now = _clock.Now;
        var timeout = _profile.ClientTimeout.Ticks;
        for (var i = 0; i < _highWater && _outstanding > 0; i++)
            if (_slots[i].InUse && now - _slots[i].Intended >= timeout)
                End(i, RequestOutcome.TimedOut, StatusCodes.GatewayTimeout, default, now);
        CheckFinished(now);
        ScheduleSweep();
    }

    private void CheckFinished(long now)
    {
        if (_finished || now < _measureEnd) return;
        if (_profile.Mode == LoadMode.Open && _nextIntended < _measureEnd) return;
        if (_outstanding > 0 && now < _drainEnd) return;
        _finished = true;
        for (var i = 0; i < _highWater; i++)
        {
            if (!_slots[i].InUse) continue;
            var intended = _slots[i].Intended;
            var kind = _kinds[_slots[i].Kind].Result;
            Release(i);
            if (intended >= _measureStart)
            {
                _result.Measured.InFlight++;
                kind.Measured.InFlight++;
                if (Bucket(intended) is { } b) b.InFlight++;
            }
            else _result.Warmup.InFlight++;
        }
        if (!_result.Measured.AddsUp || !_result.Warmup.AddsUp)
            _log.Error("Accounting does not add up: measured {0}, warm-up {1}", Describe(_result.Measured), Describe(_result.Warmup));
        _requester.Tell(new LoadFinished(_result), Self);
    }

    private void Stop()
    {
        if (_finished || _requester.IsNobody()) return;
        var now = _clock.Now;
        if (now < _measureEnd)
        {
            // Truncate the measured window to what has been sent; drop the seconds that never came.
            _measureEnd = Math.Max(now, _measureStart);
            _result.MeasuredSeconds = Math.Max(0, MeshClock.ToMilliseconds(_measureEnd - _measureStart) / 1000);
            var keep = (int)Math.Ceiling(_result.MeasuredSeconds);
            if (_result.Timeline.Count > keep) _result.Timeline.RemoveRange(keep, _result.Timeline.Count - keep);
        }
        _nextIntended = Math.Max(_nextIntended, _measureEnd);
        _drainEnd = now;
        CheckFinished(now);
    }

    private static string Describe(OutcomeCounts c) => $"sent {c.Sent} = ok {c.Ok} + failed {c.Failed} + timedOut {c.TimedOut} + rejected {c.Rejected} + inFlight {c.InFlight}";

    private LiveStats Live()
    {
        var now = _clock.Now;
        var seconds = Math.Max(1e-9, MeshClock.ToMilliseconds(now - _lastLiveAt) / 1000);
        var phase = _finished ? "done" : now < _measureStart ? "warmup" : now < _measureEnd ? "measure" : "drain";
        var sent = _result.Warmup.Sent + _result.Measured.Sent;
        var ok = _result.Warmup.Ok + _result.Measured.Ok;
        var notOk = _result.Warmup.Ended + _result.Measured.Ended - ok;
        var live = new LiveStats(
            MeshClock.ToMilliseconds(now - _start) / 1000, phase, sent, _outstanding,
            _intervalAnswers / seconds,
            _intervalAnswers == 0 ? 100 : 100.0 * _intervalOk / _intervalAnswers,
            _intervalLatency.TotalCount == 0 ? 0 : _intervalLatency.GetValueAtPercentile(99) / 1000.0,
            ok, notOk);
        _intervalAnswers = 0;
        _intervalOk = 0;
        _intervalLatency.Reset();
        _lastLiveAt = now;
        return live;
    }

    // ---- slots -------------------------------------------------------------------------------

    private int Allocate()
    {
        if (_freeCount > 0) return _free[--_freeCount];
        if (_highWater == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
            Array.Resize(ref _free, _free.Length * 2);
        }
        return _highWater++;
    }

    private void Release(int slot)
    {
        ref var s = ref _slots[slot];
        s.InUse = false;
        s.Token = null;
        s.Visited = 0;
        s.Committed = false;
        s.Generation = (s.Generation + 1) & 0x7FFFFFFF;
        _free[_freeCount++] = slot;
        _outstanding--;
    }

    private struct Slot
    {
        public bool InUse;
        public int Generation;
        public long Intended;
        public int User;
        public int Kind;
        public int Step;
        public TraceContext Trace;
        public BearerToken? Token;
        public ulong Visited;
        public bool Committed;
    }

    /// <summary>One kind of the mix as the generator sends it.</summary>
    private sealed record Kind(string[] Steps, string Method, int Target, RequestKindResult Result);

    private sealed class Pace : INoSerializationVerificationNeeded, IDeadLetterSuppression
    {
        public static readonly Pace Instance = new();
    }

    private sealed class Sweep : INoSerializationVerificationNeeded, IDeadLetterSuppression
    {
        public static readonly Sweep Instance = new();
    }

    private sealed record UserNext(int User) : INoSerializationVerificationNeeded;
}
