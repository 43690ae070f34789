using Akka.Event;

namespace ActorMesh.ControlPlane;

/// <summary>Control-plane timer: push the pending changes.</summary>
internal sealed class PushDue : Signal<PushDue>, INoSerializationVerificationNeeded;

/// <summary>Control-plane timer: a rollout's new pod should be ready by now.</summary>
internal sealed record ProgressCheck(string PodId, long CreatedAt) : INoSerializationVerificationNeeded;

/// <summary>Control-plane timer: nodes that have not told what they run by now are not waited for.</summary>
internal sealed class SyncDeadline : Signal<SyncDeadline>, INoSerializationVerificationNeeded;

/// <summary>Control-plane timer: tell the API server it is still alive.</summary>
internal sealed class AliveDue : Signal<AliveDue>, INoSerializationVerificationNeeded;

/// <summary>Control-plane timer: a pod taken out of service has had its grace period; stop it (on <paramref name="Node"/> when given: a moved pod's old side).</summary>
internal sealed record GraceOver(string PodId, string? Node = null) : INoSerializationVerificationNeeded;

/// <summary>
/// The control plane (istiod's role). It watches the desired state in the <see cref="ApiServer"/>,
/// reconciles the pods the node agents run toward it (a killed pod is replaced, scaling adds or
/// removes pods) and times each reconciliation, keeps the endpoint registry from what is actually
/// ready, and pushes versioned snapshots to every sidecar and gateway, counting ACKs and NACKs and
/// the time until a push has converged. The data plane never asks it anything per request, and
/// keeps serving on its last config while no control plane runs; a new incarnation learns the
/// running state from the node agents and continues the version sequence.
/// The policy lives in plain classes (<see cref="Placement"/>, <see cref="NodeSync"/>,
/// <see cref="Reconciler"/>, <see cref="ConfigServer"/>); this actor owns the messages and timers. Its
/// behaviours: <see cref="AwaitingDesiredState"/>, then <see cref="Syncing"/> while attached nodes have not
/// told what they run, then <see cref="Reconciling"/> (back to syncing when a node joins; once the node has
/// told what it runs, it takes its share of the pods: see ControlPlane.Rebalance.cs).
/// </summary>
internal sealed partial class ControlPlane : UntypedActor, IReconcilerOwner
{
    private readonly IActorRef _apiServer;
    private readonly MeshRuntime _runtime;
    private readonly ControlPlaneStats _stats;
    private readonly ControlPlaneOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Randomness.MeshRandom _random;
    private readonly ClockTimers _timers;
    private readonly Placement _placement = new();
    private readonly NodeSync _sync = new();
    private readonly Reconciler _reconciler;
    private readonly ConfigServer _config;
    private readonly List<IActorRef> _readyWaiters = [];
    private readonly LedgerWriter _ledger;
    // Outages before this incarnation started (the API server's ledger; none pass while it runs).
    private double _downSeconds;

    public ControlPlane(IActorRef apiServer, IReadOnlyList<RegisterNode> nodes, MeshRuntime runtime, ControlPlaneStats stats, ControlPlaneOptions? options)
    {
        _apiServer = apiServer;
        foreach (var node in nodes) _placement.Add(node);
        _runtime = runtime;
        _stats = stats;
        _options = options ?? new ControlPlaneOptions();
        _random = runtime.Random.Stream("control-plane");
        _timers = new ClockTimers(runtime.Clock, Self);
        _reconciler = new Reconciler(_placement, stats, runtime.Clock, this);
        _config = new ConfigServer(stats);
        _ledger = new LedgerWriter(stats);
    }

    public static Props Props(IActorRef apiServer, IReadOnlyList<RegisterNode> nodes, MeshRuntime runtime, ControlPlaneStats stats, ControlPlaneOptions? options) =>
        runtime.Place(Akka.Actor.Props.Create(() => new ControlPlane(apiServer, nodes, runtime, stats, options)));

    /// <inheritdoc />
    protected override void PreStart()
    {
        _apiServer.Tell(WatchDesiredState.Instance, Self);
        StartTimer(AliveDue.Instance, ControlPlaneAlive.Interval);
    }

    /// <summary>What this incarnation counted last reaches the API server; then it says it stops (an outage starts).</summary>
    protected override void PostStop()
    {
        Flush();
        _apiServer.Tell(ControlPlaneStopping.Instance, Self);
    }

    /// <summary>
    /// Timers fire through here: a current one's message goes to the behaviour, a stale one nowhere.
    /// Whatever a message made the control plane count goes to the API server's ledger before the next
    /// message: nothing counted is lost when this incarnation dies or its node is lost.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        bool handled;
        if (!_timers.TryTake(message, out var due)) handled = base.AroundReceive(receive, message);
        else if (due is AliveDue)
        {
            _apiServer.Tell(ControlPlaneAlive.Instance, Self);
            StartTimer(AliveDue.Instance, ControlPlaneAlive.Interval);
            handled = true;
        }
        else handled = due is null || base.AroundReceive(receive, due);
        Flush();
        return handled;
    }

    private void Flush()
    {
        if (_ledger.Take(_stats) is { } delta) _apiServer.Tell(delta, Self);
    }

    /// <inheritdoc />
    protected override void OnReceive(object message) => AwaitingDesiredState(message);

    // ---- behaviours ----------------------------------------------------------------------------

    /// <summary>Until the API server has told the desired state: nodes are recorded, questions answered.</summary>
    private void AwaitingDesiredState(object message)
    {
        switch (message)
        {
            case DesiredState desired: Start(desired); break;
            case RegisterNode node: if (Joined(node, lose: lost => Lose(lost))) _placement.Add(node); break;
            case NodeLost lost: Lose(lost); break;
            default: Answer(message); break;
        }
    }

    /// <summary>
    /// While attached nodes have not all told what they run: pods they report are adopted, none is
    /// placed or stopped, so a restarted control plane takes over the running pods instead of starting
    /// them again elsewhere.
    /// </summary>
    private void Syncing(object message)
    {
        switch (message)
        {
            case NodeSynced synced:
                // A node has told everything it runs (its reports came before this): once all have, reconcile.
                if (_sync.Synced(synced.Node)) StartReconciling();
                break;
            case SyncDeadline:
                _log.Warning("Nodes {0} did not tell what they run within {1}; reconciling without them", string.Join(", ", _sync.GiveUp()), _options.NodeSyncTimeout);
                StartReconciling();
                break;
            default:
                Handle(message, syncing: true);
                break;
        }
    }

    /// <summary>Every node attached has told what it runs: each change is reconciled.</summary>
    private void Reconciling(object message)
    {
        switch (message)
        {
            case NodeSynced or SyncDeadline: break; // a node given up on, or a deadline no longer needed
            default: Handle(message, syncing: false); break;
        }
    }

    private void StartReconciling()
    {
        Become(Reconciling);
        _reconciler.Reconcile();
        Rebalance();
        Changed();
    }

    /// <summary>What both running behaviours do; while <paramref name="syncing"/>, nothing is reconciled.</summary>
    private void Handle(object message, bool syncing)
    {
        switch (message)
        {
            case DesiredState desired:
                // Policies or other config changed: that alone is worth a push.
                _reconciler.Desired = desired.Topology;
                if (!syncing) _reconciler.Reconcile();
                Changed();
                break;
            case PodReady ready: OnPodReady(ready, syncing); break;
            case PodTerminated gone: OnPodTerminated(gone, syncing); break;
            case RegisterNode node: OnNodeJoined(node, syncing); break;
            case NodeLost lost: OnNodeLost(lost, syncing); break;
            case GatewayReady gateway:
                _placement.GatewayReady(gateway.Name, gateway.Gateway);
                Subscribe(gateway.Name, gateway.Gateway);
                CheckReady();
                break;
            case RegisterWorkload register: Context.Watch(register.Target); Subscribe(register.Workload, register.Target); break;
            case FetchConfig fetch: if (_reconciler.Pod(fetch.Workload) is not null) Subscribe(fetch.Workload, fetch.Target); break;
            case Terminated terminated: OnWorkloadTerminated(terminated.ActorRef); break;
            case ConfigAck ack: ReplacementAnswered(ack.Workload, refused: false); OnAnswer(ack.Version, ack.Workload, nack: null); break;
            case ConfigNack nack: ReplacementAnswered(nack.Workload, refused: true); OnAnswer(nack.Nonce, nack.Workload, nack.Reason); break;
            case PushDue: Push(); break;
            case ProgressCheck check: OnProgressCheck(check); break;
            case GraceOver over:
                if ((over.Node is null ? _reconciler.Pod(over.PodId) : _reconciler.Pod(over.PodId, over.Node)) is { } leaving) leaving.Node.Agent.Tell(new StopPod(over.PodId), Self);
                break;
            case ChangeAccepted: break;
            case ChangeRejected rejected: _log.Warning("The API server refused a change: {0}", rejected.Reason); break;
            default: Answer(message); break;
        }
    }

    /// <summary>Questions answered in every behaviour.</summary>
    private void Answer(object message)
    {
        switch (message)
        {
            case AwaitReady: _readyWaiters.Add(Sender); CheckReady(); break;
            case GetGateways: Sender.Tell(new Gateways(new Dictionary<string, IActorRef>(_placement.ReadyGateways))); break;
            case GetControlPlaneStatus: Sender.Tell(Status()); break;
            case LoadClock load: _reconciler.LoadStartedAt = _runtime.Clock.Now - (long)(load.StartedMsAgo * TimeSpan.TicksPerMillisecond); break;
            default: Unhandled(message); break;
        }
    }

    // ---- desired state and pods --------------------------------------------------------------

    private void Start(DesiredState desired)
    {
        _reconciler.Desired = desired.Topology;
        // Continue the version sequence of earlier incarnations, so proxies accept our pushes;
        // on a cluster, a control plane that moved to another node goes on counting where the last one checkpointed.
        // Every incarnation starts with empty counters and goes on from the ledger: what its predecessors counted.
        if (desired.Checkpoint is { } checkpoint) _stats.Restore(checkpoint);
        _stats.Version = Math.Max(_stats.Version, desired.LastPushedVersion);
        // What came from the ledger is in it already.
        _ledger.Mark(_stats);
        _downSeconds = desired.Checkpoint?.DownSeconds ?? 0;
        foreach (var node in _placement.Nodes) Attach(node);
        PlaceGateways();
        StartTimer(SyncDeadline.Instance, _options.NodeSyncTimeout);
        if (!_sync.Waiting)
        {
            StartReconciling();
            return;
        }
        Become(Syncing);
        Changed();
    }

    private void OnPodReady(PodReady ready, bool syncing)
    {
        var readiness = _reconciler.PodReady(ready.Endpoint, _placement.SlotOf(Sender));
        if (readiness == PodReadiness.Refused)
        {
            Sender.Tell(new StopPod(ready.Endpoint.PodId), Self);
            return;
        }
        if (readiness == PodReadiness.Replacement)
        {
            ReplacementReady(ready);
            return;
        }
        Subscribe(ready.Endpoint.PodId, ready.ConfigTarget);
        if (readiness == PodReadiness.ReadyReconcile && !syncing) _reconciler.Reconcile();
        Changed();
        _reconciler.CheckReconciled();
    }

    private void OnPodTerminated(PodTerminated gone, bool syncing)
    {
        if (_reconciler.Pod(gone.PodId, gone.Node) is not { } record) return;
        Forget(record);
        if (!syncing) _reconciler.Reconcile();
        Changed();
    }

    /// <summary>Drops a pod that stopped or went with its node: its endpoint, its workload, the answers awaited from it (not when it was the side of a move the other side replaced). True when it was the pod's current record.</summary>
    private bool Forget(PodRecord record)
    {
        if (!_reconciler.Forget(record)) return false;
        if (_config.Unsubscribe(record.Spec.PodId)) CheckConverged();
        ReplacementPromoted(record.Spec.PodId);
        return true;
    }

    /// <summary>A rollout's new pod is not ready by the progress deadline: roll the service back.</summary>
    private void OnProgressCheck(ProgressCheck check)
    {
        if (_reconciler.ProgressDue(check.PodId, check.CreatedAt) is not { } rollout) return;
        var service = _reconciler.Pod(check.PodId)!.Spec.Service.Name;
        _log.Warning("Rollout of {0} {1} failed: {2} not ready within {3}; rolling back", service, rollout.To, check.PodId, _options.ProgressDeadline);
        _apiServer.Tell(new ChangeDesiredState(new RollbackEvent(service)), Self);
    }

    void IReconcilerOwner.StartPod(NodeSlot node, PodSpec spec) => node.Agent.Tell(new StartPod(spec, Self), Self);

    void IReconcilerOwner.StopPod(NodeSlot node, string podId) => node.Agent.Tell(new StopPod(podId), Self);

    void IReconcilerOwner.StopAfterGrace(string podId, NodeSlot? on) => StartTimer(new GraceOver(podId, on?.Name), _options.TerminationGrace);

    void IReconcilerOwner.CheckProgress(string podId, long createdAt) => StartTimer(new ProgressCheck(podId, createdAt), _options.ProgressDeadline);

    /// <summary>Starts a timer keyed by its own message.</summary>
    private void StartTimer(object timer, TimeSpan delay) => _timers.StartSingleTimer(timer, timer, delay);

    // ---- nodes -------------------------------------------------------------------------------

    /// <summary>
    /// True when <paramref name="node"/> is new. A node that restarted under the same name is a new
    /// node: what ran on the old one is gone, and is <paramref name="lose"/>-t first.
    /// </summary>
    private bool Joined(RegisterNode node, Action<NodeLost> lose)
    {
        if (_placement.Find(node.Node) is not { } known) return true;
        if (known.Agent.Equals(node.Agent)) return false;
        lose(new NodeLost(node.Node, "restarted"));
        return true;
    }

    /// <summary>A node joined: attach it and wait until it has told what it runs (at most until the sync deadline).</summary>
    private void OnNodeJoined(RegisterNode node, bool syncing)
    {
        if (!Joined(node, lost => OnNodeLost(lost, syncing))) return;
        Attach(_placement.Add(node));
        _joiners.Add(node.Node);
        PlaceGateways();
        Become(Syncing);
        if (!_timers.IsTimerActive(SyncDeadline.Instance)) StartTimer(SyncDeadline.Instance, _options.NodeSyncTimeout);
    }

    /// <summary>A node is gone: drop its pods and gateways at once (their endpoints go in the next push) and place them elsewhere.</summary>
    private void OnNodeLost(NodeLost lost, bool syncing)
    {
        if (!Lose(lost)) return;
        // While syncing, losing the last node waited for ends the wait.
        var reconcile = !syncing || _sync.Lost(lost.Node);
        if (syncing && reconcile) Become(Reconciling);
        PlaceGateways();
        if (reconcile) _reconciler.Reconcile();
        Changed();
    }

    /// <summary>Forgets a lost node, its pods and its gateways; false when no such node is up.</summary>
    private bool Lose(NodeLost lost)
    {
        if (_placement.Find(lost.Node) is not { } slot) return false;
        var gateways = _placement.Remove(slot);
        _stats.NodesLost++;
        _log.Warning("Node {0} lost ({1}): placing its {2} pods elsewhere", lost.Node, lost.Reason, slot.Pods);
        foreach (var record in _reconciler.PodsOn(slot))
            if (Forget(record)) _stats.PodsReplaced++;
        foreach (var name in gateways)
            if (_config.Unsubscribe(name)) CheckConverged();
        return true;
    }

    private void Attach(NodeSlot node)
    {
        _sync.Expect(node.Name);
        var desired = _reconciler.Desired!;
        node.Agent.Tell(new AttachControlPlane(Self, _apiServer.Path.Uid, desired.Seed, [.. desired.Services.Select(s => s.Name)]), Self);
    }

    /// <summary>Starts every gateway not yet placed.</summary>
    private void PlaceGateways()
    {
        var desired = _reconciler.Desired!;
        foreach (var (node, gateway) in _placement.PlaceGateways(desired.Gateways.SelectMany(g => g.Instances(desired.Zones))))
            node.Agent.Tell(new StartGateway(gateway, Self), Self);
    }

    // ---- pushes ------------------------------------------------------------------------------

    private void Subscribe(string workload, IActorRef target)
    {
        // A new workload fetches the current config at once (xDS's initial request).
        if (_config.Subscribe(workload, target) is { } snapshot)
            _runtime.Network.Send(snapshot.Topology.Network.Latency, _random, target, new ConfigPush(snapshot), Self);
    }

    /// <summary>A registered workload stopped (its pod did): stop pushing to it and waiting for its answers.</summary>
    private void OnWorkloadTerminated(IActorRef target)
    {
        foreach (var workload in _config.WorkloadsAt(target))
            if (_config.Unsubscribe(workload)) CheckConverged();
    }

    /// <summary>Endpoints or config changed: push after the debounce; before this incarnation's first push, once every desired pod is up.</summary>
    private void Changed()
    {
        if (_config.Snapshot is null)
        {
            if (_reconciler.AllPodsReady()) Push();
            return;
        }
        if (!_timers.IsTimerActive(PushDue.Instance)) StartTimer(PushDue.Instance, _options.PushDebounce);
    }

    private void Push()
    {
        var desired = _reconciler.Desired!;
        var snapshot = _config.NextVersion(desired, _reconciler.Endpoints());
        var push = new ConfigPush(snapshot);
        // Config crosses the network like any other message: convergence takes at least a round trip.
        foreach (var target in _config.Push(_runtime.Clock.Now))
            _runtime.Network.Send(desired.Network.Latency, _random, target, push, Self);
        CheckConverged();
    }

    private void OnAnswer(long version, string workload, string? nack)
    {
        if (nack is not null) _log.Warning("Config v{0} NACKed by {1}: {2}", version, workload, nack);
        if (_config.Answer(version, workload, nack) && !CheckConverged()) CheckReady();
    }

    /// <summary>When the push under way has just been answered by all: records it, checkpoints, and tells whoever waits for readiness.</summary>
    private bool CheckConverged()
    {
        if (!_config.Converge(_runtime.Clock.Now)) return false;
        CheckReady();
        return true;
    }

    private void CheckReady()
    {
        if (_readyWaiters.Count == 0 || !_config.Settled || _timers.IsTimerActive(PushDue.Instance)) return;
        if (!_reconciler.AllPodsReady() || _placement.ReadyGateways.Count < _reconciler.Desired!.GatewayInstances || !_config.AllAnswered()) return;
        var ready = new MeshReady(_stats.Version, _reconciler.Count, new Dictionary<string, IActorRef>(_placement.ReadyGateways));
        foreach (var w in _readyWaiters) w.Tell(ready, Self);
        _readyWaiters.Clear();
    }

    private ControlPlaneStatus Status()
    {
        _stats.Instances = _reconciler.ReadyInstances();
        return ControlPlaneStatus.From(_stats, up: true, _downSeconds) with { ZoneNodes = _placement.ZoneNodes() };
    }
}
