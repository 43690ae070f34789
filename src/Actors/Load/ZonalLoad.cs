using Akka.Event;

namespace ActorMesh.Load;

/// <summary>One zone's share of a load: the replica of the entry gateway it sends to (its node runs the generator) and what to start there.</summary>
internal sealed record ZoneShare(IActorRef Replica, StartLoadGenerator Start);

/// <summary>
/// The load of a topology whose entry gateway runs one replica per zone (<see cref="GatewaySpec.PerZone"/>),
/// as clients in several zones reach their own zone's ingress: one <see cref="LoadGenerator"/> per zone,
/// started by the agent of the node that runs the zone's replica (on a cluster, the zone's node, so a
/// request need not cross nodes at all), each with its share of the users or of the rate. To whoever
/// drives it, this actor is one generator: it starts, stops and answers live figures for them all, and
/// answers <see cref="LoadFinished"/> with their results merged (<see cref="LoadResult.Add"/>), so every
/// request of every zone is accounted for. A zone whose generator does not start (its node is gone, or its
/// agent does not answer within <see cref="StartPatience"/>) sends nothing; a zone whose generator is lost
/// mid-run (its node crashed) is accounted for with its counts as it last reported them (each second), its
/// requests in flight then counted as lost with it. Either way the run goes on with the other zones, the
/// zone is listed in <see cref="LoadResult.LostZones"/>, and a warning says so: its clients went down with
/// their zone, and the run ends when the others have, not at an overall timeout.
/// </summary>
internal sealed class ZonalLoad : UntypedActor, IWithUnboundedStash
{
    private static readonly TimeSpan LivePatience = TimeSpan.FromSeconds(2);

    /// <summary>How long (mesh time) a zone's node agent has to answer the start of its generator.</summary>
    public static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(10);

    /// <summary>How often (mesh time) each generator's counts are asked for, to account for a zone lost mid-run.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private readonly MeshClock _clock;
    private readonly IReadOnlyList<ZoneShare> _shares;
    // Zones whose generator has not answered the start yet, by zone; their replica, watched meanwhile.
    private readonly Dictionary<string, IActorRef> _pending = [];
    private readonly Dictionary<IActorRef, string> _generators = [];
    private readonly Dictionary<IActorRef, LoadProgress> _progress = [];
    private readonly HashSet<IActorRef> _finished = [];
    private readonly List<LostZone> _lost = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _requester = ActorRefs.Nobody;
    private LoadResult? _merged;
    private long _startedAt;

    public ZonalLoad(MeshClock clock, IReadOnlyList<ZoneShare> shares)
    {
        _clock = clock;
        if (shares.Count == 0) throw new ArgumentException("at least one zone's share is needed", nameof(shares));
        _shares = shares;
    }

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <summary>Props for the load of <paramref name="shares"/>.</summary>
    public static Props Props(MeshRuntime runtime, IReadOnlyList<ZoneShare> shares) =>
        runtime.Place(Akka.Actor.Props.Create(() => new ZonalLoad(runtime.Clock, shares)));

    /// <summary>
    /// The zones' shares of <paramref name="profile"/> with <paramref name="requests"/>: zone i gets 1/n of the
    /// users (closed loop; a zone left without a user sends nothing) or of the rate (open loop), and sends to its
    /// replica of <paramref name="entry"/>; the other targets are the same as a single generator's, with each
    /// gateway per zone's replica in the same zone. <paramref name="gateways"/> are the running gateways by
    /// <see cref="GatewaySpec.InstanceName"/>.
    /// </summary>
    public static List<ZoneShare> Shares(MeshTopology topology, LoadProfile profile, GatewaySpec entry, IReadOnlyDictionary<string, IActorRef> gateways,
        IReadOnlyList<RequestMix> requests)
    {
        var zones = topology.Zones.Names;
        var shares = new List<ZoneShare>(zones.Length);
        var sampled = new HashSet<Address>();
        for (var i = 0; i < zones.Length; i++)
        {
            var part = Part(profile, i, zones.Length);
            if (part is null) continue;
            List<LoadTarget> targets = [Target(entry, zones[i], gateways)];
            foreach (var g in topology.Gateways) if (g.Name != entry.Name) targets.Add(Target(g, zones[i], gateways));
            var replica = targets[0].Gateway;
            var share = new LoadShare(i, zones.Length, sampled.Add(replica.Path.Address));
            shares.Add(new ZoneShare(replica, new StartLoadGenerator(zones[i], part, targets, requests, share)));
        }
        return shares;
    }

    private static LoadTarget Target(GatewaySpec g, string zone, IReadOnlyDictionary<string, IActorRef> gateways)
    {
        var instance = g.PerZone ? (g with { Zone = zone }).InstanceName : g.InstanceName;
        return new LoadTarget(g.Name, gateways[instance], g.ClientLatency, g.TokenIssuer, g.TokenAudience);
    }

    /// <summary>The <paramref name="index"/>-th of <paramref name="of"/> equal parts of <paramref name="profile"/>; null when it has no user.</summary>
    internal static LoadProfile? Part(LoadProfile profile, int index, int of)
    {
        static int Split(int total, int index, int of) => total / of + (index < total % of ? 1 : 0);
        var outstanding = Math.Max(1, Split(profile.MaxOutstanding, index, of));
        if (profile.Mode == LoadMode.Open) return profile with { Rps = profile.Rps / of, MaxOutstanding = outstanding };
        var users = Split(profile.Users, index, of);
        return users == 0 ? null : profile with { Users = users, MaxOutstanding = outstanding };
    }

    protected override void PreStart()
    {
        // A gateway is a child of its node's agent: that agent starts the zone's generator next to it. The
        // replica is watched until then, so that a node gone before the start ends that zone's wait at once.
        _clock.Schedule(StartPatience.Ticks, Self, StartPatienceOver.Instance, Self);
        foreach (var share in _shares)
        {
            _pending[share.Start.Zone] = share.Replica;
            Context.Watch(share.Replica);
            Context.ActorSelection(share.Replica.Path.Parent).Tell(share.Start, Self);
        }
        Become(Starting);
    }

    protected override void PostStop()
    {
        foreach (var generator in _generators.Keys) generator.Tell(PoisonPill.Instance, ActorRefs.NoSender);
    }

    protected override void OnReceive(object message) => Unhandled(message);

    private void Starting(object message)
    {
        switch (message)
        {
            case LoadGeneratorStarted started:
                OnStarted(started);
                break;
            case Terminated gone when PendingZoneOf(gone.ActorRef) is { } zone:
                NeverStarted(zone, "its node was gone before the load started");
                break;
            case StartPatienceOver:
                foreach (var zone in _pending.Keys.ToList())
                    NeverStarted(zone, $"its node's agent did not start its load generator within {StartPatience.TotalSeconds:0.#} s");
                break;
            case Terminated:
                break;
            default:
                Stash.Stash();
                return;
        }
        if (_pending.Count > 0) return;
        Become(Running);
        Stash.UnstashAll();
    }

    private void OnStarted(LoadGeneratorStarted started)
    {
        if (!_pending.Remove(started.Zone, out var replica))
        {
            // Given up on already (or a duplicate): it must not send requests nobody accounts for.
            _log.Warning("The load generator of zone {0} started after its zone was given up: stopped", started.Zone);
            started.Generator.Tell(PoisonPill.Instance, ActorRefs.NoSender);
            return;
        }
        Context.Unwatch(replica);
        _generators[started.Generator] = started.Zone;
        Context.Watch(started.Generator);
    }

    private string? PendingZoneOf(IActorRef replica)
    {
        foreach (var (zone, r) in _pending) if (r.Equals(replica)) return zone;
        return null;
    }

    private void NeverStarted(string zone, string why)
    {
        if (_pending.Remove(zone, out var replica)) Context.Unwatch(replica);
        _log.Warning("Zone {0} sends no load: {1}", zone, why);
        _lost.Add(new LostZone(zone, $"never started: {why}", 0, 0, 0, null));
    }

    private void Running(object message)
    {
        switch (message)
        {
            case StartLoad:
                _requester = Sender;
                _startedAt = _clock.Now;
                foreach (var generator in _generators.Keys) generator.Tell(StartLoad.Instance, Self);
                _clock.Schedule(ProgressInterval.Ticks, Self, ProgressDue.Instance, Self);
                CheckFinished();
                break;
            case ProgressDue:
                if (_requester.IsNobody()) break;
                foreach (var generator in _generators.Keys)
                    if (!_finished.Contains(generator)) generator.Tell(GetLoadProgress.Instance, Self);
                _clock.Schedule(ProgressInterval.Ticks, Self, ProgressDue.Instance, Self);
                break;
            case LoadProgress progress:
                if (_generators.ContainsKey(Sender)) _progress[Sender] = progress;
                break;
            case LoadGeneratorStarted late:
                OnStarted(late);
                break;
            case StartPatienceOver:
                break;
            case StopLoad stop:
                foreach (var generator in _generators.Keys) generator.Tell(stop, Self);
                break;
            case LoadFinished finished:
                if (!_finished.Add(Sender)) return;
                if (_merged is null) _merged = finished.Result;
                else _merged.Add(finished.Result);
                CheckFinished();
                break;
            case Terminated gone when _generators.TryGetValue(gone.ActorRef, out var zone) && !_finished.Contains(gone.ActorRef):
                Lost(gone.ActorRef, zone);
                CheckFinished();
                break;
            case Terminated:
                break;
            case GetLiveStats:
                var asks = new List<Task<LiveStats>>(_generators.Count);
                foreach (var generator in _generators.Keys) asks.Add(generator.Ask<LiveStats>(GetLiveStats.Instance, LivePatience));
                Task.WhenAll(asks).ContinueWith(_ => Combine(asks), TaskContinuationOptions.ExecuteSynchronously).PipeTo(Sender);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>A zone's generator is gone before it finished: its last reported counts stand for it, its requests in flight then are lost.</summary>
    private void Lost(IActorRef generator, string zone)
    {
        _generators.Remove(generator);
        if (_progress.Remove(generator, out var p))
        {
            _log.Warning("The load generator of zone {0} was lost before it finished (its node is gone): at its last report, {1:0.#} s into the load, it had sent {2} requests, {3} answered and {4} in flight, lost with it; they are not in the counts",
                zone, p.ElapsedSeconds, p.Sent, p.Answered, p.Sent - p.Answered);
            _lost.Add(new LostZone(zone, "lost with its node before it finished", p.Sent, p.Answered, p.Sent - p.Answered, Math.Round(p.ElapsedSeconds, 3)));
        }
        else
        {
            _log.Warning("The load generator of zone {0} was lost before it reported any count (its node is gone): its requests are unknown", zone);
            _lost.Add(new LostZone(zone, "lost with its node before it reported", 0, 0, 0, null));
        }
    }

    private void CheckFinished()
    {
        if (_requester.IsNobody() || _finished.Count < _generators.Count) return;
        var merged = _merged ?? NewResult();
        merged.LostZones.AddRange(_lost);
        // On this clock: the generators' own may be other processes' clocks.
        merged.StartedAt = _startedAt;
        _requester.Tell(new LoadFinished(merged), Self);
        _requester = ActorRefs.Nobody;
    }

    /// <summary>An empty result of the load's request mix (no zone finished).</summary>
    private LoadResult NewResult()
    {
        var result = new LoadResult();
        var start = _shares[0].Start;
        IReadOnlyList<RequestMix> requests = start.Requests.Count == 0 ? [new RequestMix("/")] : start.Requests;
        var names = RequestMix.KindNames(requests);
        for (var i = 0; i < requests.Count; i++)
            result.Kinds.Add(new RequestKindResult(names[i], requests[i].Steps.Length, requests[i].Gateway ?? start.Targets[0].Name));
        return result;
    }

    /// <summary>The zones' live figures as one: counts and rates add up, the latest phase and the worst p99 stand.</summary>
    private static LiveStats Combine(List<Task<LiveStats>> asks)
    {
        double elapsed = 0, rps = 0, okRps = 0, p99 = 0;
        long sent = 0, outstanding = 0, ok = 0, notOk = 0;
        var phase = "warmup";
        foreach (var ask in asks)
        {
            if (!ask.IsCompletedSuccessfully) continue;
            var s = ask.Result;
            elapsed = Math.Max(elapsed, s.ElapsedSeconds);
            if (Order(s.Phase) > Order(phase)) phase = s.Phase;
            sent += s.Sent;
            outstanding += s.Outstanding;
            rps += s.IntervalRps;
            okRps += s.IntervalRps * s.IntervalOkPercent;
            p99 = Math.Max(p99, s.IntervalP99Ms);
            ok += s.Ok;
            notOk += s.NotOk;
        }
        return new LiveStats(elapsed, phase, sent, outstanding, rps, rps > 0 ? okRps / rps : 0, p99, ok, notOk);
    }

    private static int Order(string phase) => phase switch { "measure" => 1, "drain" => 2, "done" => 3, _ => 0 };

    /// <summary>The start's patience is over: zones whose generator has not started are given up.</summary>
    private sealed class StartPatienceOver : Signal<StartPatienceOver>, IDeadLetterSuppression;

    /// <summary>Time to ask each generator for its counts.</summary>
    private sealed class ProgressDue : Signal<ProgressDue>, IDeadLetterSuppression;
}
