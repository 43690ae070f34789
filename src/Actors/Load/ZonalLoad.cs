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
/// request of every zone is accounted for. A zone whose generator is lost (its node crashed) is left out
/// of the result, with a warning: its clients went down with their zone.
/// </summary>
internal sealed class ZonalLoad : UntypedActor, IWithUnboundedStash
{
    private static readonly TimeSpan LivePatience = TimeSpan.FromSeconds(2);

    private readonly MeshClock _clock;
    private readonly IReadOnlyList<ZoneShare> _shares;
    private readonly Dictionary<IActorRef, string> _generators = [];
    private readonly HashSet<IActorRef> _finished = [];
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
        // A gateway is a child of its node's agent: that agent starts the zone's generator next to it.
        foreach (var share in _shares) Context.ActorSelection(share.Replica.Path.Parent).Tell(share.Start, Self);
        Become(Starting);
    }

    protected override void PostStop()
    {
        foreach (var generator in _generators.Keys) generator.Tell(PoisonPill.Instance, ActorRefs.NoSender);
    }

    protected override void OnReceive(object message) => Unhandled(message);

    private void Starting(object message)
    {
        if (message is LoadGeneratorStarted started)
        {
            _generators[started.Generator] = started.Zone;
            Context.Watch(started.Generator);
            if (_generators.Count < _shares.Count) return;
            Become(Running);
            Stash.UnstashAll();
        }
        else Stash.Stash();
    }

    private void Running(object message)
    {
        switch (message)
        {
            case StartLoad:
                _requester = Sender;
                _startedAt = _clock.Now;
                foreach (var generator in _generators.Keys) generator.Tell(StartLoad.Instance, Self);
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
                _log.Warning("The load generator of zone {0} was lost before it finished (its node is gone): its requests are left out", zone);
                _generators.Remove(gone.ActorRef);
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

    private void CheckFinished()
    {
        if (_requester.IsNobody() || _finished.Count < _generators.Count) return;
        var merged = _merged ?? new LoadResult();
        // On this clock: the generators' own may be other processes' clocks.
        merged.StartedAt = _startedAt;
        _requester.Tell(new LoadFinished(merged), Self);
        _requester = ActorRefs.Nobody;
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
}
