using System.Collections.Immutable;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Actor;
using Akka.Event;

namespace ActorMesh.ControlPlane;

/// <summary>Control-plane timer: push the pending changes.</summary>
internal sealed class PushDue : INoSerializationVerificationNeeded, IDeadLetterSuppression
{
    public static readonly PushDue Instance = new();
    private PushDue() { }
}

/// <summary>Control-plane timer: a rollout's new pod should be ready by now.</summary>
internal sealed record ProgressCheck(string PodId, long CreatedAt) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Control-plane timer: nodes that have not told what they run by now are not waited for.</summary>
internal sealed class SyncDeadline : INoSerializationVerificationNeeded, IDeadLetterSuppression
{
    public static readonly SyncDeadline Instance = new();
    private SyncDeadline() { }
}

/// <summary>Control-plane timer: a pod taken out of service has had its grace period; stop it.</summary>
internal sealed record GraceOver(string PodId) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>
/// The control plane (istiod's role). It watches the desired state in the <see cref="ApiServer"/>,
/// reconciles the pods the node agents run toward it (a killed pod is replaced, scaling adds or
/// removes pods) and times each reconciliation, keeps the endpoint registry from what is actually
/// ready, and pushes versioned snapshots to every sidecar and gateway, counting ACKs and NACKs and
/// the time until a push has converged. The data plane never asks it anything per request, and
/// keeps serving on its last config while no control plane runs; a new incarnation learns the
/// running state from the node agents and continues the version sequence.
/// </summary>
internal sealed class ControlPlane : UntypedActor
{
    private readonly IActorRef _apiServer;
    private readonly List<NodeSlot> _nodes = [];
    private readonly Dictionary<string, NodeSlot> _gatewayNodes = new(StringComparer.Ordinal);
    // Nodes attached that have not yet told what they run: no pod is placed until they have, so a
    // restarted control plane adopts the running pods instead of starting them again elsewhere.
    private readonly HashSet<string> _unsynced = new(StringComparer.Ordinal);
    private readonly MeshRuntime _runtime;
    private readonly ControlPlaneStats _stats;
    private readonly ControlPlaneOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Randomness.MeshRandom _random;
    private MeshTopology? _desired;
    private readonly Dictionary<string, PodRecord> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _workloads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _answered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _gateways = new(StringComparer.Ordinal);
    private readonly HashSet<string> _awaitingAnswer = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _readyWaiters = [];
    private readonly Dictionary<string, Rollout> _rollouts = new(StringComparer.Ordinal);
    private ConfigSnapshot? _snapshot;
    private long _pushStartedAt = -1;
    private long _reconcileStartedAt = -1;
    private bool _pushScheduled;
    private bool _dirty;
    // Pods in _pods that have reported ready (leaving ones included): a count kept so that
    // AllPodsReady is O(services) until every pod could be ready, not O(pods) per PodReady.
    private int _withEndpoint;

    public ControlPlane(IActorRef apiServer, IReadOnlyList<RegisterNode> nodes, MeshRuntime runtime, ControlPlaneStats stats, ControlPlaneOptions? options)
    {
        _apiServer = apiServer;
        foreach (var node in nodes) _nodes.Add(new NodeSlot(node));
        _runtime = runtime;
        _stats = stats;
        _options = options ?? new ControlPlaneOptions();
        _random = runtime.Random.Stream("control-plane");
    }

    public static Props Props(IActorRef apiServer, IReadOnlyList<RegisterNode> nodes, MeshRuntime runtime, ControlPlaneStats stats, ControlPlaneOptions? options) =>
        runtime.Place(Akka.Actor.Props.Create(() => new ControlPlane(apiServer, nodes, runtime, stats, options)));

    /// <inheritdoc />
    protected override void PreStart() => _apiServer.Tell(WatchDesiredState.Instance, Self);

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case DesiredState desired: OnDesired(desired); break;
            case PodReady ready: OnPodReady(ready); break;
            case PodTerminated gone: OnPodTerminated(gone); break;
            case GatewayReady gateway: OnGatewayReady(gateway); break;
            case RegisterWorkload register: Context.Watch(register.Target); Subscribe(register.Workload, register.Target); break;
            case Terminated terminated: OnWorkloadTerminated(terminated.ActorRef); break;
            case ConfigAck ack: OnAnswer(ack.Version, ack.Workload, nack: null); break;
            case ConfigNack nack: OnAnswer(nack.Version, nack.Workload, nack.Reason); break;
            case PushDue: _pushScheduled = false; Push(); break;
            case ProgressCheck check: OnProgressCheck(check); break;
            case ChangeAccepted: break;
            case ChangeRejected rejected: _log.Warning("The API server refused a change: {0}", rejected.Reason); break;
            case GraceOver over: if (_pods.TryGetValue(over.PodId, out var leaving)) leaving.Node.Agent.Tell(new StopPod(over.PodId), Self); break;
            case RegisterNode node: OnNodeJoined(node); break;
            case NodeSynced synced: OnNodeSynced(synced.Node); break;
            case SyncDeadline: OnSyncDeadline(); break;
            case NodeLost lost: OnNodeLost(lost); break;
            case AwaitReady: _readyWaiters.Add(Sender); CheckReady(); break;
            case GetGateways: Sender.Tell(new Gateways(new Dictionary<string, IActorRef>(_gateways))); break;
            case GetControlPlaneStatus: Sender.Tell(Status(up: true, downSeconds: 0)); break;
            default: Unhandled(message); break;
        }
    }

    // ---- desired state and reconciliation ------------------------------------------------------

    private void OnDesired(DesiredState desired)
    {
        var first = _desired is null;
        _desired = desired.Topology;
        if (first)
        {
            // Continue the version sequence of earlier incarnations, so proxies accept our pushes;
            // on a cluster, a control plane that moved to another node goes on counting where the last one checkpointed.
            if (_stats.Pushes == 0 && desired.Checkpoint is { } checkpoint) _stats.Restore(checkpoint);
            _stats.Version = Math.Max(_stats.Version, desired.LastPushedVersion);
            foreach (var node in _nodes) Attach(node);
            PlaceGateways();
            _runtime.Clock.Schedule(_options.NodeSyncTimeout.Ticks, Self, SyncDeadline.Instance, Self);
        }
        else
        {
            // Policies or other config changed: that alone is worth a push.
            _dirty = true;
        }
        Reconcile();
        Changed();
    }

    private void Reconcile()
    {
        if (_desired is null || _unsynced.Count > 0) return;
        var now = _runtime.Clock.Now;
        var acted = false;
        foreach (var service in _desired.Services)
        {
            for (var i = 0; i < service.Replicas; i++)
            {
                var id = PodId(service.Name, i);
                if (_pods.ContainsKey(id)) continue;
                if (PlacePod() is not { } node) continue; // no node can run pods (yet)
                var spec = new PodSpec(id, service, i, _desired.Mesh.HasSidecar(service));
                _pods[id] = new PodRecord(spec, node) { CreatedAt = now };
                node.Pods++;
                node.Agent.Tell(new StartPod(spec, Self), Self);
                if (_rollouts.ContainsKey(service.Name)) _runtime.Clock.Schedule(_options.ProgressDeadline.Ticks, Self, new ProgressCheck(id, now), Self);
                acted = true;
            }
        }
        var byService = new Dictionary<string, List<PodRecord>>(StringComparer.Ordinal);
        foreach (var record in _pods.Values)
        {
            if (!IsDesired(record.Spec.PodId))
            {
                if (!record.Leaving)
                {
                    Leave(record);
                    acted = true;
                }
                continue;
            }
            if (!byService.TryGetValue(record.Spec.Service.Name, out var list)) byService[record.Spec.Service.Name] = list = [];
            list.Add(record);
        }
        foreach (var service in _desired.Services)
            acted |= RollOut(service, byService.GetValueOrDefault(service.Name) ?? [], now);
        if (acted && _reconcileStartedAt < 0) _reconcileStartedAt = now;
        CheckReconciled();
    }

    /// <summary>Takes a pod out of the endpoints at once and stops it after the grace period (as Kubernetes does).</summary>
    private void Leave(PodRecord record)
    {
        record.Leaving = true;
        _dirty |= record.Endpoint is not null;
        _runtime.Clock.Schedule(_options.TerminationGrace.Ticks, Self, new GraceOver(record.Spec.PodId), Self);
    }

    /// <summary>
    /// A rolling update, one pod at a time (maxUnavailable 1, maxSurge 0): drain the lowest outdated
    /// pod, let it stop, start its replacement with the desired version, wait until it is ready, then
    /// the next. A pod that never got ready needs no draining and goes at once. Returns true when it acted.
    /// </summary>
    private bool RollOut(ServiceSpec service, List<PodRecord> pods, long now)
    {
        PodRecord? next = null;
        var busy = false;
        var outdated = false;
        var acted = false;
        foreach (var r in pods)
        {
            if (r.Leaving)
            {
                busy = true;
                continue;
            }
            if (r.Spec.Service.Version == service.Version && r.Spec.Service.FailsHealthCheck == service.FailsHealthCheck)
            {
                busy |= r.Endpoint is null; // a new pod still starting
                continue;
            }
            outdated = true;
            if (r.Endpoint is null)
            {
                r.Leaving = true;
                r.Node.Agent.Tell(new StopPod(r.Spec.PodId), Self);
                acted = true;
            }
            else if (next is null || r.Spec.Index < next.Spec.Index) next = r;
        }
        _rollouts.TryGetValue(service.Name, out var rollout);
        if (!outdated && next is null)
        {
            if (rollout is not null && !busy)
            {
                _stats.Deployments.Add(new DeployRecord(service.Name, rollout.From, rollout.To, rollout.RolledBack ? "rolled back" : "shipped",
                    MeshClock.ToMilliseconds(rollout.StartedAt), MeshClock.ToMilliseconds(now - rollout.StartedAt), rollout.Replaced));
                _rollouts.Remove(service.Name);
            }
            return acted;
        }
        if (rollout is null)
        {
            var from = pods.FirstOrDefault(p => p.Spec.Service.Version != service.Version)?.Spec.Service.Version ?? service.Version;
            _rollouts[service.Name] = rollout = new Rollout(from, service.Version, now);
        }
        if (busy || next is null) return acted;
        Leave(next);
        rollout.Replaced++;
        return true;
    }

    /// <summary>A rollout's new pod is not ready by the progress deadline: roll the service back.</summary>
    private void OnProgressCheck(ProgressCheck check)
    {
        if (!_pods.TryGetValue(check.PodId, out var record) || record.CreatedAt != check.CreatedAt || record.Endpoint is not null || record.Leaving) return;
        if (!_rollouts.TryGetValue(record.Spec.Service.Name, out var rollout) || rollout.RolledBack) return;
        rollout.RolledBack = true;
        _log.Warning("Rollout of {0} {1} failed: {2} not ready within {3}; rolling back", record.Spec.Service.Name, rollout.To, check.PodId, _options.ProgressDeadline);
        _apiServer.Tell(new ChangeDesiredState(new RollbackEvent(record.Spec.Service.Name)), Self);
    }

    private void CheckReconciled()
    {
        if (_reconcileStartedAt < 0 || !AllPodsReady() || _pods.Values.Any(p => p.Leaving)) return;
        _stats.ReconcileMs.Add(MeshClock.ToMilliseconds(_runtime.Clock.Now - _reconcileStartedAt));
        _reconcileStartedAt = -1;
    }

    private bool IsDesired(string podId)
    {
        var dash = podId.LastIndexOf('-');
        return dash > 0 && _desired?.Service(podId[..dash]) is { } s && int.TryParse(podId.AsSpan(dash + 1), out var i) && i < s.Replicas;
    }

    private static string PodId(string service, int index) => $"{service}-{index}";

    private void OnPodReady(PodReady ready)
    {
        var id = ready.Endpoint.PodId;
        var from = SlotOf(Sender);
        if (!_pods.TryGetValue(id, out var record))
        {
            // A pod this incarnation did not start (it learns the node's state after a restart).
            var service = _desired?.Service(ready.Endpoint.Service);
            if (service is null || from is null) { Sender.Tell(new StopPod(id), Self); return; }
            // It runs the version it was started with, which may not be the desired one (a rollout the restart interrupted).
            record = new PodRecord(new PodSpec(id, service with { Version = ready.Endpoint.Version }, ready.Endpoint.Index, _desired!.Mesh.HasSidecar(service)), from);
            from.Pods++;
            _pods[id] = record;
        }
        else if (from is not null && from != record.Node)
        {
            // A node given up for lost came back with a pod that now runs elsewhere: one of them is enough.
            Sender.Tell(new StopPod(id), Self);
            return;
        }
        if (record.Endpoint is null) _withEndpoint++;
        record.Endpoint = ready.Endpoint;
        Subscribe(id, ready.ConfigTarget);
        if (!IsDesired(id) || _rollouts.ContainsKey(record.Spec.Service.Name) || record.Spec.Service.Version != _desired?.Service(record.Spec.Service.Name)?.Version) Reconcile();
        Changed();
        CheckReconciled();
    }

    private void OnPodTerminated(PodTerminated gone)
    {
        if (!_pods.TryGetValue(gone.PodId, out var record) || record.Node.Name != gone.Node) return;
        Forget(record);
        Reconcile();
        Changed();
    }

    /// <summary>Drops a pod that stopped or went with its node: its endpoint, its workload, the answers awaited from it.</summary>
    private void Forget(PodRecord record)
    {
        var id = record.Spec.PodId;
        _pods.Remove(id);
        record.Node.Pods--;
        if (record.Endpoint is not null) _withEndpoint--;
        _workloads.Remove(id);
        _answered.Remove(id);
        if (_awaitingAnswer.Remove(id)) CheckConverged();
        if (record.Endpoint is not null && !record.Leaving) _dirty = true;
    }

    // ---- nodes -------------------------------------------------------------------------------

    private void OnNodeJoined(RegisterNode node)
    {
        var known = _nodes.Find(n => n.Name == node.Node);
        if (known is { Up: true } && known.Agent.Equals(node.Agent)) return;
        // A node that restarted under the same name is a new node: what ran on the old one is gone.
        if (known is { Up: true }) OnNodeLost(new NodeLost(node.Node, "restarted"));
        var slot = new NodeSlot(node);
        _nodes.Add(slot);
        if (_desired is null) return;
        Attach(slot);
        PlaceGateways();
        Reconcile();
    }

    /// <summary>A node is gone: drop its pods and gateways at once (their endpoints go in the next push) and place them elsewhere.</summary>
    private void OnNodeLost(NodeLost lost)
    {
        var slot = _nodes.Find(n => n.Name == lost.Node && n.Up);
        if (slot is null) return;
        slot.Up = false;
        _nodes.Remove(slot);
        _unsynced.Remove(slot.Name);
        _stats.NodesLost++;
        Checkpoint();
        _log.Warning("Node {0} lost ({1}): placing its {2} pods elsewhere", lost.Node, lost.Reason, slot.Pods);
        foreach (var record in _pods.Values.Where(p => p.Node == slot).ToList())
        {
            Forget(record);
            _stats.PodsReplaced++;
        }
        foreach (var (name, node) in _gatewayNodes.Where(g => g.Value == slot).ToList())
        {
            _gatewayNodes.Remove(name);
            _gateways.Remove(name);
            _workloads.Remove(name);
            _answered.Remove(name);
            if (_awaitingAnswer.Remove(name)) CheckConverged();
        }
        if (_desired is null) return;
        PlaceGateways();
        Reconcile();
        Changed();
    }

    private void Attach(NodeSlot node)
    {
        _unsynced.Add(node.Name);
        node.Agent.Tell(new AttachControlPlane(Self, _apiServer.Path.Uid, _desired!.Seed, [.. _desired.Services.Select(s => s.Name)]), Self);
    }

    /// <summary>A node has told everything it runs (its reports came before this): once all have, reconcile.</summary>
    private void OnNodeSynced(string node)
    {
        if (!_unsynced.Remove(node) || _unsynced.Count > 0) return;
        Reconcile();
        Changed();
    }

    private void OnSyncDeadline()
    {
        if (_unsynced.Count == 0) return;
        _log.Warning("Nodes {0} did not tell what they run within {1}; reconciling without them", string.Join(", ", _unsynced), _options.NodeSyncTimeout);
        _unsynced.Clear();
        Reconcile();
        Changed();
    }

    /// <summary>The node for a new pod: the one with the fewest pods among those that run pods (the first such on a tie).</summary>
    private NodeSlot? PlacePod()
    {
        NodeSlot? best = null;
        foreach (var n in _nodes)
            if ((n.Roles & NodeRoles.Pods) != 0 && (best is null || n.Pods < best.Pods)) best = n;
        return best;
    }

    /// <summary>Starts every gateway not yet placed on the first node that runs gateways (the edge), or on a pod node if none does.</summary>
    private void PlaceGateways()
    {
        var node = _nodes.Find(n => (n.Roles & NodeRoles.Gateways) != 0) ?? PlacePod();
        if (node is null) return;
        foreach (var g in _desired!.Gateways)
        {
            if (!_gatewayNodes.TryAdd(g.Name, node)) continue;
            node.Agent.Tell(new StartGateway(g, Self), Self);
        }
    }

    /// <summary>The node an agent's message came from (its agent, or a child of it, lives at the node's address).</summary>
    private NodeSlot? SlotOf(IActorRef sender)
    {
        if (_nodes.Count == 1) return _nodes[0];
        var address = sender.Path.Address;
        foreach (var n in _nodes) if (n.Agent.Path.Address.Equals(address)) return n;
        return null;
    }

    /// <summary>A registered workload stopped (its pod did): stop pushing to it and waiting for its answers.</summary>
    private void OnWorkloadTerminated(IActorRef target)
    {
        foreach (var workload in _workloads.Where(w => w.Value.Equals(target)).Select(w => w.Key).ToList())
        {
            _workloads.Remove(workload);
            _answered.Remove(workload);
            if (_awaitingAnswer.Remove(workload)) CheckConverged();
        }
    }

    private void OnGatewayReady(GatewayReady gateway)
    {
        _gateways[gateway.Name] = gateway.Gateway;
        Subscribe(gateway.Name, gateway.Gateway);
        CheckReady();
    }

    // ---- pushes ------------------------------------------------------------------------------

    private void Subscribe(string workload, IActorRef target)
    {
        _workloads[workload] = target;
        // A new workload fetches the current config at once (xDS's initial request).
        if (_snapshot is not null) _runtime.Network.Send(_snapshot.Topology.Network.Latency, _random, target, new ConfigPush(_snapshot), Self);
    }

    private void Changed()
    {
        _dirty = true;
        if (_snapshot is null)
        {
            // Initial sync: this incarnation's first version goes out once every desired pod is up.
            if (AllPodsReady()) Push();
            return;
        }
        if (_pushScheduled) return;
        _pushScheduled = true;
        _runtime.Clock.Schedule(_options.PushDebounce.Ticks, Self, PushDue.Instance, Self);
    }

    private void Push()
    {
        if (_desired is null || (!_dirty && _snapshot is not null)) return;
        _dirty = false;
        _snapshot = new ConfigSnapshot(++_stats.Version, _desired, Endpoints());
        _apiServer.Tell(new VersionPushed(_snapshot.Version, Status(up: true, downSeconds: 0)), Self);
        _stats.Pushes++;
        _pushStartedAt = _runtime.Clock.Now;
        _awaitingAnswer.Clear();
        var push = new ConfigPush(_snapshot);
        // Config crosses the network like any other message: convergence takes at least a round trip.
        foreach (var (workload, target) in _workloads)
        {
            _awaitingAnswer.Add(workload);
            _runtime.Network.Send(_desired.Network.Latency, _random, target, push, Self);
        }
        CheckConverged();
    }

    private ImmutableDictionary<string, ImmutableArray<Endpoint>> Endpoints()
    {
        var builder = ImmutableDictionary.CreateBuilder<string, ImmutableArray<Endpoint>>(StringComparer.Ordinal);
        foreach (var group in _pods.Values.Where(p => p.Endpoint is not null && !p.Leaving).GroupBy(p => p.Spec.Service.Name))
            builder[group.Key] = [.. group.OrderBy(p => p.Spec.Index).Select(p => p.Endpoint!)];
        return builder.ToImmutable();
    }

    private void OnAnswer(long version, string workload, string? nack)
    {
        if (nack is null) _stats.Acks++;
        else
        {
            _stats.Nacks++;
            _stats.LastNack = $"{workload} rejected v{version}: {nack}";
            _log.Warning("Config v{0} NACKed by {1}: {2}", version, workload, nack);
        }
        if (_workloads.ContainsKey(workload) && version > _answered.GetValueOrDefault(workload)) _answered[workload] = version;
        if (version == _stats.Version && _awaitingAnswer.Remove(workload)) CheckConverged();
        else if (version == _stats.Version) CheckReady();
    }

    private void CheckConverged()
    {
        if (_snapshot is null || _awaitingAnswer.Count > 0 || _pushStartedAt < 0) return;
        _stats.ConvergenceMs.Add(MeshClock.ToMilliseconds(_runtime.Clock.Now - _pushStartedAt));
        Checkpoint();
        _pushStartedAt = -1;
        CheckReady();
    }

    /// <summary>Leaves the counters with the API server, for a successor on another node (see <see cref="DesiredState.Checkpoint"/>).</summary>
    private void Checkpoint()
    {
        if (_stats.Version > 0) _apiServer.Tell(new VersionPushed(_stats.Version, Status(up: true, downSeconds: 0)), Self);
    }

    private bool AllPodsReady()
    {
        if (_desired is null) return false;
        // A necessary condition first: at start-up this is called on every PodReady, and the full
        // check below builds an id and looks it up for every desired pod (10,000 pods: 10^8 lookups).
        var desired = 0L;
        foreach (var service in _desired.Services) desired += service.Replicas;
        if (_withEndpoint < desired) return false;
        foreach (var service in _desired.Services)
            for (var i = 0; i < service.Replicas; i++)
                if (!_pods.TryGetValue(PodId(service.Name, i), out var r) || r.Endpoint is null) return false;
        return true;
    }

    private void CheckReady()
    {
        if (_readyWaiters.Count == 0 || _snapshot is null || _awaitingAnswer.Count > 0 || _dirty) return;
        if (!AllPodsReady() || _gateways.Count < _desired!.Gateways.Length) return;
        foreach (var workload in _workloads.Keys)
            if (_answered.GetValueOrDefault(workload) < _stats.Version) return;
        var ready = new MeshReady(_stats.Version, _pods.Count, new Dictionary<string, IActorRef>(_gateways));
        foreach (var w in _readyWaiters) w.Tell(ready, Self);
        _readyWaiters.Clear();
    }

    private ControlPlaneStatus Status(bool up, double downSeconds)
    {
        var instances = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in _desired?.Services ?? []) instances[s.Name] = 0;
        foreach (var p in _pods.Values)
            if (p.Endpoint is not null && !p.Leaving) instances[p.Spec.Service.Name] = instances.GetValueOrDefault(p.Spec.Service.Name) + 1;
        _stats.Instances = instances;
        return ControlPlaneStatus.From(_stats, up, downSeconds);
    }

    private sealed class PodRecord(PodSpec spec, NodeSlot node)
    {
        public PodSpec Spec { get; } = spec;
        public NodeSlot Node { get; } = node;
        public Endpoint? Endpoint { get; set; }
        public bool Leaving { get; set; }
        public long CreatedAt { get; init; }
    }

    private sealed class Rollout(string from, string to, long startedAt)
    {
        public string From { get; } = from;
        public string To { get; } = to;
        public long StartedAt { get; } = startedAt;
        public bool RolledBack { get; set; }
        public int Replaced { get; set; }
    }

    /// <summary>A node the control plane places pods (or gateways) on, with how many pods it runs.</summary>
    private sealed class NodeSlot(RegisterNode node)
    {
        public string Name { get; } = node.Node;
        public IActorRef Agent { get; } = node.Agent;
        public NodeRoles Roles { get; } = node.Roles;
        public int Pods { get; set; }
        public bool Up { get; set; } = true;
    }
}
