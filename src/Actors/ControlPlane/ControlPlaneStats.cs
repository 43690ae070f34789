namespace ActorMesh.ControlPlane;

/// <summary>
/// The control plane's counters, kept by the mesh's host across control-plane incarnations (a
/// restarted control plane goes on counting). Written by one incarnation at a time.
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
}
