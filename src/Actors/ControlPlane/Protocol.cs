namespace ActorMesh.ControlPlane;

/// <summary>What a node agent needs to run one pod.</summary>
/// <param name="PodId">Unique pod id, e.g. "orders-1".</param>
/// <param name="Service">The service's desired settings.</param>
/// <param name="Index">Instance index within the service.</param>
/// <param name="Sidecar">True when the pod runs a sidecar proxy.</param>
/// <param name="Zone">The zone it runs in (<see cref="ZonesSpec.ZoneOf"/>); null when the topology has no zones.</param>
internal sealed record PodSpec(string PodId, ServiceSpec Service, int Index, bool Sidecar, string? Zone = null);

/// <summary>Control plane → node agent: start a pod and report to <paramref name="ControlPlane"/>.</summary>
internal sealed record StartPod(PodSpec Spec, IActorRef ControlPlane) : IMeshMessage;

/// <summary>Control plane → node agent: stop a pod.</summary>
internal sealed record StopPod(string PodId) : IMeshMessage;

/// <summary>Pod → control plane: the pod is up; <paramref name="Endpoint"/> receives traffic and <paramref name="ConfigTarget"/> receives config pushes.</summary>
internal sealed record PodReady(Endpoint Endpoint, IActorRef ConfigTarget) : IMeshMessage;

/// <summary>Node agent → control plane: a pod has stopped (killed, crashed for good, or scaled away).</summary>
internal sealed record PodTerminated(string PodId, string Service, string Node) : IMeshMessage;

/// <summary>A gateway (or any other data-plane workload, such as a config-sync sidecar) asks for config pushes; the control plane forgets it when its target stops.</summary>
internal sealed record RegisterWorkload(string Workload, IActorRef Target) : IMeshMessage;

/// <summary>
/// A workload that restarted with no config asks for the current snapshot (xDS's first request of a new
/// stream: Envoy keeps no config across a restart). Not remembered: when no control plane answers, the
/// next one pushes to every pod it learns of.
/// </summary>
internal sealed record FetchConfig(string Workload, IActorRef Target) : IMeshMessage;


/// <summary>Ask the control plane to answer <see cref="MeshReady"/> once every desired pod is ready and the current config has been acknowledged by all.</summary>
internal sealed class AwaitReady : Signal<AwaitReady>, IMeshMessage;

/// <summary>Every desired pod runs and every workload has acknowledged <paramref name="Version"/>.</summary>
/// <param name="Version">The config version everyone runs.</param>
/// <param name="Pods">Pods running.</param>
/// <param name="Gateways">The running gateways by name.</param>
internal sealed record MeshReady(long Version, int Pods, IReadOnlyDictionary<string, IActorRef> Gateways) : IMeshMessage;

/// <summary>Ask the control plane for its <see cref="ControlPlaneStatus"/>.</summary>
internal sealed class GetControlPlaneStatus : Signal<GetControlPlaneStatus>, IMeshMessage;

/// <summary>The control plane's counters (over every incarnation).</summary>
/// <param name="Version">Current config version.</param>
/// <param name="Pushes">Snapshots pushed (one per version).</param>
/// <param name="Acks">ACKs received.</param>
/// <param name="Nacks">NACKs received.</param>
/// <param name="ConvergenceMs">Push-to-all-answered time of each converged version, in ms.</param>
/// <param name="InstancesByService">Ready instances per service (as last seen).</param>
/// <param name="LastNackReason">The most recent NACK's reason, if any.</param>
/// <param name="ReconcileMs">Duration of each reconciliation (actual state brought back to desired), in ms.</param>
/// <param name="Up">True while a control plane runs.</param>
/// <param name="DownSeconds">Total time without a control plane.</param>
public sealed record ControlPlaneStatus(
    long Version, long Pushes, long Acks, long Nacks,
    IReadOnlyList<double> ConvergenceMs,
    IReadOnlyDictionary<string, int> InstancesByService,
    string? LastNackReason,
    IReadOnlyList<double> ReconcileMs,
    bool Up,
    double DownSeconds) : IMeshMessage
{
    /// <summary>Rollouts finished so far: shipped or rolled back.</summary>
    public IReadOnlyList<DeployRecord> Deployments { get; init; } = [];

    /// <summary>Nodes given up for lost (unreachable or removed from the cluster).</summary>
    public long NodesLost { get; init; }

    /// <summary>Pods placed again on another node because theirs was lost.</summary>
    public long PodsReplaced { get; init; }

    /// <summary>The node each zone's pods were placed on, by zone (placement's mapping; empty without zones).</summary>
    public SortedDictionary<string, string> ZoneNodes { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Rebalances finished so far: a node joined while pods ran and took its share of them.</summary>
    public IReadOnlyList<RebalanceRecord> Rebalances { get; init; } = [];

    internal static ControlPlaneStatus From(ControlPlaneStats s, bool up, double downSeconds) =>
        new(s.Version, s.Pushes, s.Acks, s.Nacks, [.. s.ConvergenceMs], new Dictionary<string, int>(s.Instances), s.LastNack, [.. s.ReconcileMs], up, downSeconds)
        {
            Deployments = [.. s.Deployments],
            Rebalances = [.. s.Rebalances],
            NodesLost = s.NodesLost,
            PodsReplaced = s.PodsReplaced,
        };
}

/// <summary>One finished rollout.</summary>
/// <param name="Service">The service deployed.</param>
/// <param name="From">The version it ran before.</param>
/// <param name="To">The version asked for.</param>
/// <param name="Outcome">"shipped", or "rolled back" (the new version never got ready within the progress deadline).</param>
/// <param name="StartedAtMs">When the rollout began (mesh clock, ms).</param>
/// <param name="DurationMs">From the first pod replaced until every pod ran the final version and was ready.</param>
/// <param name="PodsReplaced">Pods drained and replaced, rollback included.</param>
public sealed record DeployRecord(string Service, string From, string To, string Outcome, double StartedAtMs, double DurationMs, int PodsReplaced);

/// <summary>A node joined while pods ran, and the control plane moved its share of them to it.</summary>
/// <param name="Node">The node that joined.</param>
/// <param name="StartedAtMs">When its rebalance began (mesh clock, ms).</param>
/// <param name="DurationMs">From then until every old pod moved had stopped (each replacement ready first).</param>
/// <param name="Zones">The zones placement mapped to the node (their pods moved with them).</param>
/// <param name="Moves">Each pod moved (or whose move was given up), in the order they began.</param>
public sealed record RebalanceRecord(string Node, double StartedAtMs, double DurationMs, IReadOnlyList<string> Zones, IReadOnlyList<PodMoveRecord> Moves)
{
    /// <summary>
    /// Seconds after the load started, dated by the control plane from the API server's <see cref="LoadClock"/>: exact
    /// in one process, to within one control message's delay with separate node processes (whose clocks differ); null
    /// for a rebalance before the load started.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? AtSeconds { get; init; }
}

/// <summary>One pod of a rebalance.</summary>
/// <param name="Pod">The pod (its id stays: the replica moved).</param>
/// <param name="Zone">Its zone, null without zones.</param>
/// <param name="From">The node it ran on.</param>
/// <param name="To">The node it runs on now.</param>
/// <param name="Outcome">"moved" (the replacement got ready, then the old pod was drained and stopped), or "cancelled" (the replacement stopped or its node was lost first: the old pod stayed).</param>
public sealed record PodMoveRecord(string Pod, string? Zone, string From, string To, string Outcome);

/// <summary>Control plane → node agent: start a gateway and report to <paramref name="ControlPlane"/>.</summary>
internal sealed record StartGateway(GatewaySpec Spec, IActorRef ControlPlane) : IMeshMessage;

/// <summary>Gateway → control plane: the gateway is up and receives config at <paramref name="Gateway"/>.</summary>
internal sealed record GatewayReady(string Name, IActorRef Gateway) : IMeshMessage;

/// <summary>Ask the control plane for the running gateways (answer: <see cref="Gateways"/>).</summary>
internal sealed class GetGateways : Signal<GetGateways>, IMeshMessage;

/// <summary>The running gateways by name.</summary>
internal sealed record Gateways(IReadOnlyDictionary<string, IActorRef> ByName) : IMeshMessage;

/// <summary>Options of the control plane, with defaults in one place.</summary>
internal sealed record ControlPlaneOptions
{
    /// <summary>Changes are coalesced for this long before a push (istiod's PILOT_DEBOUNCE_AFTER). Default 100 ms.</summary>
    public TimeSpan PushDebounce { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A pod scaled away leaves the endpoints at once and is stopped after this grace period. Default 1 s.</summary>
    public TimeSpan TerminationGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A (re)started control plane waits this long at most for the nodes to tell what they run before it places pods. Default 2 s.</summary>
    public TimeSpan NodeSyncTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A rollout's new pod must get ready within this, or the rollout is rolled back (Kubernetes' progressDeadlineSeconds, shortened). Default 5 s.</summary>
    public TimeSpan ProgressDeadline { get; init; } = TimeSpan.FromSeconds(5);
}
