namespace ActorMesh.ControlPlane;

/// <summary>
/// The control plane's side of the config protocol (an xDS server): the workloads subscribed (sidecars,
/// gateways, config-sync sidecars), the versioned snapshots, and the answers to each push. A push has
/// converged once every workload it went to has answered, ACK or NACK; the time until then is recorded.
/// Plain state: the owning actor sends the pushes over the network and debounces them.
/// </summary>
internal sealed class ConfigServer(ControlPlaneStats stats)
{
    private readonly Dictionary<string, IActorRef> _workloads = new(StringComparer.Ordinal);
    // The newest version each workload has answered.
    private readonly Dictionary<string, long> _answered = new(StringComparer.Ordinal);
    // The workloads the current push went to that have not answered it yet.
    private readonly HashSet<string> _awaiting = new(StringComparer.Ordinal);
    private long _pushedAt = -1;

    /// <summary>The current snapshot (null until this incarnation's first push).</summary>
    public ConfigSnapshot? Snapshot { get; private set; }

    /// <summary>The current version (it goes on from earlier incarnations).</summary>
    public long Version => stats.Version;

    /// <summary>True when the current snapshot has been answered by every workload it was pushed to.</summary>
    public bool Settled => Snapshot is not null && _awaiting.Count == 0;

    /// <summary>
    /// Subscribes <paramref name="workload"/> at <paramref name="target"/>; returns the current snapshot,
    /// which it is sent at once (xDS's initial request), or null before the first push.
    /// </summary>
    public ConfigSnapshot? Subscribe(string workload, IActorRef target)
    {
        _workloads[workload] = target;
        return Snapshot;
    }

    /// <summary>Forgets <paramref name="workload"/> (it stopped); true when the current push was waiting for its answer.</summary>
    public bool Unsubscribe(string workload)
    {
        _workloads.Remove(workload);
        _answered.Remove(workload);
        return _awaiting.Remove(workload);
    }

    /// <summary>The workloads subscribed at <paramref name="target"/>.</summary>
    public List<string> WorkloadsAt(IActorRef target)
    {
        var at = new List<string>();
        foreach (var (workload, t) in _workloads) if (t.Equals(target)) at.Add(workload);
        return at;
    }

    /// <summary>Renders the next version from <paramref name="desired"/> and <paramref name="endpoints"/>; it becomes the current snapshot.</summary>
    public ConfigSnapshot NextVersion(MeshTopology desired, ImmutableDictionary<string, ImmutableArray<Endpoint>> endpoints) =>
        Snapshot = new ConfigSnapshot(++stats.Version, desired, endpoints);

    /// <summary>Pushes the current snapshot at <paramref name="now"/>: every workload subscribed is awaited; returns where to send it.</summary>
    public IEnumerable<IActorRef> Push(long now)
    {
        stats.Pushes++;
        _pushedAt = now;
        _awaiting.Clear();
        foreach (var workload in _workloads.Keys) _awaiting.Add(workload);
        return _workloads.Values;
    }

    /// <summary>
    /// <paramref name="workload"/> answered the push of <paramref name="version"/> (a NACK's nonce): an ACK, or a
    /// NACK with its <paramref name="nack"/> reason. Returns true when the answer is for the current version.
    /// </summary>
    public bool Answer(long version, string workload, string? nack)
    {
        if (nack is null) stats.Acks++;
        else
        {
            stats.Nacks++;
            stats.LastNack = $"{workload} rejected v{version}: {nack}";
        }
        if (_workloads.ContainsKey(workload) && version > _answered.GetValueOrDefault(workload)) _answered[workload] = version;
        if (version != stats.Version) return false;
        _awaiting.Remove(workload);
        return true;
    }

    /// <summary>When the push under way has just been answered by all, records its convergence time and returns true.</summary>
    public bool Converge(long now)
    {
        if (!Settled || _pushedAt < 0) return false;
        stats.ConvergenceMs.Add(MeshClock.ToMilliseconds(now - _pushedAt));
        _pushedAt = -1;
        return true;
    }

    /// <summary>True when every workload subscribed has answered the current version (or a newer one).</summary>
    public bool AllAnswered()
    {
        foreach (var workload in _workloads.Keys)
            if (_answered.GetValueOrDefault(workload) < stats.Version) return false;
        return true;
    }
}
