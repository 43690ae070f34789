namespace ActorMesh.ControlPlane;

/// <summary>
/// One control-plane incarnation's counters: restored from the API server's ledger when it starts
/// (see <see cref="ControlPlaneLedger"/>), sent back to it as they change.
/// </summary>
internal sealed class ControlPlaneStats
{
    public long Version;
    public long Pushes;
    public long Acks;
    public long Nacks;
    public string? LastNack;
    public readonly List<double> ConvergenceMs = [];
    public readonly List<double> ReconcileMs = [];
    public Dictionary<string, int> Instances = new(StringComparer.Ordinal);
    public readonly List<DeployRecord> Deployments = [];
    public readonly List<RebalanceRecord> Rebalances = [];
    public long NodesLost;
    public long PodsReplaced;

    /// <summary>Continues from <paramref name="s"/>, the counters a predecessor left.</summary>
    public void Restore(ControlPlaneStatus s)
    {
        Version = Math.Max(Version, s.Version);
        Pushes = s.Pushes;
        Acks = s.Acks;
        Nacks = s.Nacks;
        LastNack = s.LastNackReason;
        ConvergenceMs.AddRange(s.ConvergenceMs);
        ReconcileMs.AddRange(s.ReconcileMs);
        Deployments.AddRange(s.Deployments);
        Rebalances.AddRange(s.Rebalances);
        NodesLost = s.NodesLost;
        PodsReplaced = s.PodsReplaced;
    }
}
