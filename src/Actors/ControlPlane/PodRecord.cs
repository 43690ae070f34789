namespace ActorMesh.ControlPlane;

/// <summary>A pod as the control plane sees it: what it runs, where, and whether it is ready or leaving.</summary>
internal sealed class PodRecord(PodSpec spec, NodeSlot node)
{
    public PodSpec Spec { get; } = spec;
    public NodeSlot Node { get; } = node;
    /// <summary>Where it takes traffic, once it reported ready.</summary>
    public Endpoint? Endpoint { get; set; }
    /// <summary>Out of the endpoints and stopping (scaled away, or replaced by a rollout).</summary>
    public bool Leaving { get; set; }
    /// <summary>When this control plane started it (mesh clock); 0 for a pod it adopted.</summary>
    public long CreatedAt { get; init; }
}

/// <summary>A rolling update of one service under way.</summary>
internal sealed class Rollout(string from, string to, long startedAt)
{
    public string From { get; } = from;
    public string To { get; } = to;
    public long StartedAt { get; } = startedAt;
    public bool RolledBack { get; set; }
    public int Replaced { get; set; }
}

/// <summary>What the <see cref="Reconciler"/> asks of the actor that owns it: the commands to nodes and the timers.</summary>
internal interface IReconcilerOwner
{
    /// <summary>Start <paramref name="spec"/> on <paramref name="node"/>.</summary>
    void StartPod(NodeSlot node, PodSpec spec);

    /// <summary>Stop pod <paramref name="podId"/> on <paramref name="node"/> now.</summary>
    void StopPod(NodeSlot node, string podId);

    /// <summary>
    /// Stop pod <paramref name="podId"/> once its termination grace period is over: on <paramref name="on"/> when
    /// given (a moved pod's old side), else on the node it then runs on (<see cref="Reconciler.Pod(string)"/>).
    /// </summary>
    void StopAfterGrace(string podId, NodeSlot? on = null);

    /// <summary>Check by the progress deadline that the rollout's new pod got ready (<see cref="Reconciler.ProgressDue"/>).</summary>
    void CheckProgress(string podId, long createdAt);
}
