namespace ActorMesh.ControlPlane;

/// <summary>
/// What a control plane counted while it handled one message (pushes, ACKs, NACKs, convergence and
/// reconcile times, rollouts, nodes lost, pods placed again): sent to the <see cref="ApiServer"/> at
/// once, so the counters outlive the control plane. A control plane that moves with the cluster
/// singleton, or restarts, goes on from the API server's ledger, and nothing it counted is lost.
/// </summary>
internal sealed record LedgerDelta(
    long Version, long Pushes, long Acks, long Nacks, string? LastNack,
    IReadOnlyList<double> ConvergenceMs, IReadOnlyList<double> ReconcileMs, IReadOnlyList<DeployRecord> Deployments,
    long NodesLost, long PodsReplaced, IReadOnlyDictionary<string, int>? Instances) : IMeshMessage
{
    /// <summary>Rebalances finished since the last delta.</summary>
    public IReadOnlyList<RebalanceRecord> Rebalances { get; init; } = [];
}

/// <summary>The control plane is alive: its API server dates an outage from the last of these (every <see cref="Interval"/>).</summary>
internal sealed class ControlPlaneAlive : Signal<ControlPlaneAlive>, IMeshMessage
{
    /// <summary>How often a control plane says it is alive.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
}

/// <summary>The control plane is stopping (an outage starts now).</summary>
internal sealed class ControlPlaneStopping : Signal<ControlPlaneStopping>, IMeshMessage;

/// <summary>
/// Turns the control plane's counters into <see cref="LedgerDelta"/>s: what changed since the last delta.
/// Counters only grow and lists only get longer, so the difference is exact.
/// </summary>
internal sealed class LedgerWriter
{
    private long _version, _pushes, _acks, _nacks, _nodesLost, _podsReplaced;
    private int _convergence, _reconcile, _deployments, _rebalances;
    private string? _lastNack;
    private Dictionary<string, int>? _instances;

    public LedgerWriter(ControlPlaneStats stats) => Mark(stats);

    /// <summary>Takes <paramref name="stats"/> as already in the ledger (after a restore from it).</summary>
    public void Mark(ControlPlaneStats stats)
    {
        (_version, _pushes, _acks, _nacks, _nodesLost, _podsReplaced) = (stats.Version, stats.Pushes, stats.Acks, stats.Nacks, stats.NodesLost, stats.PodsReplaced);
        (_convergence, _reconcile, _deployments, _rebalances) = (stats.ConvergenceMs.Count, stats.ReconcileMs.Count, stats.Deployments.Count, stats.Rebalances.Count);
        _lastNack = stats.LastNack;
        _instances = stats.Instances;
    }

    /// <summary>What changed in <paramref name="stats"/> since the last call, or null when nothing did.</summary>
    public LedgerDelta? Take(ControlPlaneStats stats)
    {
        var changed = stats.Version != _version || stats.Pushes != _pushes || stats.Acks != _acks || stats.Nacks != _nacks
            || stats.NodesLost != _nodesLost || stats.PodsReplaced != _podsReplaced || !ReferenceEquals(stats.LastNack, _lastNack)
            || stats.ConvergenceMs.Count != _convergence || stats.ReconcileMs.Count != _reconcile || stats.Deployments.Count != _deployments
            || stats.Rebalances.Count != _rebalances
            || !ReferenceEquals(stats.Instances, _instances);
        if (!changed) return null;
        var delta = new LedgerDelta(
            stats.Version, stats.Pushes - _pushes, stats.Acks - _acks, stats.Nacks - _nacks,
            ReferenceEquals(stats.LastNack, _lastNack) ? null : stats.LastNack,
            Since(stats.ConvergenceMs, _convergence), Since(stats.ReconcileMs, _reconcile), Since(stats.Deployments, _deployments),
            stats.NodesLost - _nodesLost, stats.PodsReplaced - _podsReplaced,
            ReferenceEquals(stats.Instances, _instances) ? null : new Dictionary<string, int>(stats.Instances))
        {
            Rebalances = [.. stats.Rebalances.Skip(_rebalances)],
        };
        Mark(stats);
        return delta;
    }

    /// <summary>The entries of <paramref name="list"/> from <paramref name="from"/> on; an empty array (no allocation) when none (a delta per ACK at start-up).</summary>
    private static IReadOnlyList<T> Since<T>(List<T> list, int from) => list.Count <= from ? [] : list.GetRange(from, list.Count - from);
}

/// <summary>
/// The API server's record of the control plane: the counters every incarnation sent (exact across
/// restarts and moves), and its outages: from the last sign of life of an incarnation that went away
/// (its last delta or heartbeat, or its stop) until the next incarnation watches the desired state.
/// </summary>
internal sealed class ControlPlaneLedger(MeshClock clock)
{
    private readonly ControlPlaneStats _stats = new();
    private long _downTicks;
    private long _downSince = -1;
    private long _lastHeard;

    /// <summary>The incarnation that watches now, if any.</summary>
    public Akka.Actor.IActorRef? Current { get; private set; }

    /// <summary>The highest config version any incarnation pushed.</summary>
    public long Version => _stats.Version;

    /// <summary>An incarnation watches the desired state: an outage (if one was under way) ends now.</summary>
    public void Watching(Akka.Actor.IActorRef controlPlane)
    {
        if (Current is not null && !Current.Equals(controlPlane)) Gone(Current);
        if (_downSince >= 0)
        {
            _downTicks += Math.Max(0, clock.Now - _downSince);
            _downSince = -1;
        }
        Current = controlPlane;
        _lastHeard = clock.Now;
    }

    /// <summary>Heard from <paramref name="controlPlane"/> (a delta or a heartbeat).</summary>
    public void Heard(Akka.Actor.IActorRef controlPlane)
    {
        if (controlPlane.Equals(Current)) _lastHeard = clock.Now;
    }

    /// <summary><paramref name="controlPlane"/> is gone (stopped, or its node lost): it was last alive when last heard from.</summary>
    public void Gone(Akka.Actor.IActorRef controlPlane)
    {
        if (!controlPlane.Equals(Current)) return;
        Current = null;
        _downSince = _lastHeard;
    }

    /// <summary>Adds what an incarnation counted.</summary>
    public void Add(LedgerDelta d)
    {
        _stats.Version = Math.Max(_stats.Version, d.Version);
        _stats.Pushes += d.Pushes;
        _stats.Acks += d.Acks;
        _stats.Nacks += d.Nacks;
        if (d.LastNack is not null) _stats.LastNack = d.LastNack;
        _stats.ConvergenceMs.AddRange(d.ConvergenceMs);
        _stats.ReconcileMs.AddRange(d.ReconcileMs);
        _stats.Deployments.AddRange(d.Deployments);
        _stats.Rebalances.AddRange(d.Rebalances);
        _stats.NodesLost += d.NodesLost;
        _stats.PodsReplaced += d.PodsReplaced;
        if (d.Instances is not null) _stats.Instances = new Dictionary<string, int>(d.Instances, StringComparer.Ordinal);
    }

    /// <summary>Time without a control plane so far, in seconds (an outage under way counts to now).</summary>
    public double DownSeconds => MeshClock.ToMilliseconds(_downTicks + (_downSince >= 0 ? clock.Now - _downSince : 0)) / 1000;

    /// <summary>The counters as a status; <c>Up</c> when an incarnation watches.</summary>
    public ControlPlaneStatus Status() => ControlPlaneStatus.From(_stats, up: Current is not null, DownSeconds);
}
