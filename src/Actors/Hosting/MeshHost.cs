using ActorMesh.DataPlane;
using ActorMesh.DataPlane.App;
using Akka.Event;

namespace ActorMesh.Hosting;

/// <summary>Apply one timeline event now (from the timeline, or from an experiment).</summary>
internal sealed record ApplyEvent(TimelineEvent Event) : IMeshMessage;

/// <summary>What became of an applied event.</summary>
/// <param name="AtSeconds">Seconds since the load started (since the mesh started, before any load).</param>
/// <param name="Event">The event, described.</param>
/// <param name="Outcome">"applied", or why not.</param>
public sealed record AppliedEvent(double AtSeconds, string Event, string Outcome);

/// <summary>The events applied so far, in order.</summary>
internal sealed record AppliedEvents(IReadOnlyList<AppliedEvent> Events) : IMeshMessage;

/// <summary>Ask the host for the events applied so far (answer: <see cref="AppliedEvents"/>).</summary>
internal sealed class GetAppliedEvents : Signal<GetAppliedEvents>, IMeshMessage;

/// <summary>
/// The one top-level actor of a mesh. It creates the API server, the node agent and the control
/// plane, stops and restarts the control plane on request (the data plane keeps running), applies
/// timeline events, and creates every actor the mesh needs later (load generators, listeners) as its
/// children. Keeping a single top-level actor matters in virtual time: only top-level actors start
/// asynchronously, on Akka's own threads; children start in order on the mesh's dispatcher.
/// </summary>
/// <param name="topology">The mesh it runs.</param>
/// <param name="runtime">The run's clock, random source, network and telemetry.</param>
/// <param name="options">The control plane's options (null: its defaults).</param>
/// <param name="clustered">Whether it is the edge of a cluster (the control plane runs on the pod nodes).</param>
/// <param name="started">Completed with this node's agent once the host has created its children.</param>
/// <param name="joinNode">Starts a node that joins the cluster (an in-process cluster only).</param>
internal sealed class MeshHost(MeshTopology topology, MeshRuntime runtime, ControlPlaneOptions? options, bool clustered, TaskCompletionSource<IActorRef> started,
    Func<string, Task<Clustering.MeshClusterNode>>? joinNode) : UntypedActor
{
    private readonly List<AppliedEvent> _applied = [];
    // Applied events whose desired-state change awaits the API server's answer, in the order asked (it answers in order).
    private readonly Queue<int> _awaitingAnswer = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _apiServer = ActorRefs.Nobody;
    private IActorRef _nodeAgent = ActorRefs.Nobody;
    private IActorRef _controlPlane = ActorRefs.Nobody;
    private bool _controlPlaneDown;
    private long _loadStartedAt;

    /// <summary>
    /// Props for the host of a mesh. On one node (<paramref name="clustered"/> false) it runs the
    /// control plane itself; on a cluster it is the edge: it keeps the run's API server and the
    /// gateways, and reaches the control plane (a cluster singleton on the pod nodes) through a proxy;
    /// <paramref name="joinNode"/>, on an in-process cluster, starts the nodes that join it.
    /// </summary>
    public static Props Props(MeshTopology topology, MeshRuntime runtime, ControlPlaneOptions? options, bool clustered, TaskCompletionSource<IActorRef> started,
        Func<string, Task<Clustering.MeshClusterNode>>? joinNode = null) =>
        runtime.Place(Akka.Actor.Props.Create(() => new MeshHost(topology, runtime, options, clustered, started, joinNode)));

    protected override void PreStart()
    {
        _apiServer = Context.ActorOf(ApiServer.Props(topology, runtime), "api-server");
        _nodeAgent = Context.ActorOf(NodeAgent.Props(runtime), "node-agent");
        if (clustered)
        {
            _controlPlane = Context.ActorOf(Clustering.MeshClusterNode.ControlPlaneProxy(Context.System), "control-plane");
            Register();
        }
        else
        {
            _controlPlane = Context.ActorOf(ControlPlaneHost.Props(_apiServer, [new RegisterNode(runtime.Node, _nodeAgent, NodeRoles.All)], runtime, options), "control-plane");
        }
        started.TrySetResult(_nodeAgent);
    }

    /// <summary>On a cluster: offer the API server and the gateway node to the control plane, again every second (it may move).</summary>
    private void Register()
    {
        _controlPlane.Tell(new RegisterNode(runtime.Node, _nodeAgent, NodeRoles.Gateways), Self);
        _controlPlane.Tell(new RegisterEdge(_apiServer), Self);
        runtime.Clock.Schedule(TimeSpan.FromSeconds(1).Ticks, Self, RegisterAgain.Instance, Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Spawn spawn:
                spawn.Created.TrySetResult(Context.ActorOf(spawn.Props));
                break;
            case StartTimeline:
                _loadStartedAt = runtime.Clock.Now;
                _apiServer.Tell(ApiServer.LoadStarted.Instance);
                if (!topology.Timeline.IsEmpty) Context.ActorOf(TimelineRunner.Props(topology.Timeline, runtime, Self));
                break;
            case ApplyEvent apply:
                var at = Math.Round(MeshClock.ToMilliseconds(runtime.Clock.Now - _loadStartedAt) / 1000, 3);
                _applied.Add(new AppliedEvent(at, apply.Event.Describe(), Apply(apply.Event)));
                break;
            case ChangeAccepted:
                _awaitingAnswer.TryDequeue(out _);
                break;
            case ChangeRejected rejected:
                _log.Warning("A desired-state change was rejected: {0}", rejected.Reason);
                // The event's outcome says so: it was refused, not applied.
                if (_awaitingAnswer.TryDequeue(out var index)) _applied[index] = _applied[index] with { Outcome = "refused: " + rejected.Reason };
                break;
            case JoinFailed failed:
                _log.Warning("Node {0} could not join: {1}", failed.Node, failed.Reason);
                _applied[failed.Index] = _applied[failed.Index] with { Outcome = "failed: " + failed.Reason };
                break;
            case JoinStarted:
                break;
            case GetAppliedEvents:
                Sender.Tell(new AppliedEvents([.. _applied]));
                break;
            case GetControlPlaneStatus or AwaitReady or GetGateways or GetNodes or ToPod or ToAllNodes or CrashNode:
                _controlPlane.Forward(message);
                break;
            case RegisterAgain:
                Register();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private string Apply(TimelineEvent e)
    {
        switch (e)
        {
            case SetPolicyEvent or ScaleEvent or SetSettingsEvent or SetSecurityEvent or DeployEvent or RollbackEvent:
                _awaitingAnswer.Enqueue(_applied.Count); // the index this event is about to take
                _apiServer.Tell(new ChangeDesiredState(e), Self);
                return _controlPlaneDown ? "stored; takes effect when the control plane is back" : "applied";
            // Pod commands go to whichever node runs the pod, through the control plane's host (up even while the control plane is stopped).
            case KillPodEvent kill:
                _controlPlane.Tell(new ToPod(kill.PodId, new StopPod(kill.PodId)), Self);
                return "applied";
            case CrashContainerEvent crash:
                _controlPlane.Tell(new ToPod(crash.PodId, new ForwardToPod(crash.PodId, new CrashContainer(crash.Container))), Self);
                return "applied";
            case SetServiceTimeEvent time:
                _controlPlane.Tell(new ToAllNodes(new ChangeBehaviour(time.Service, time.Instance, time.ServiceTime, null)), Self);
                return "applied";
            case SetErrorsEvent errors:
                _controlPlane.Tell(new ToAllNodes(new ChangeBehaviour(errors.Service, errors.Instance, null, errors.Errors)), Self);
                return "applied";
            case NetworkFaultEvent fault:
                _controlPlane.Tell(new ToAllNodes(new DataPlane.Network.SetNetworkFault(fault.Fault, Active: true)), Self);
                if (fault.Fault.Until is { } until)
                    runtime.Clock.Schedule(Math.Max(0, until.Ticks - (runtime.Clock.Now - _loadStartedAt)), Self, new ApplyEvent(new EndNetworkFaultEvent(fault.Fault)), Self);
                return "applied";
            case EndNetworkFaultEvent end:
                _controlPlane.Tell(new ToAllNodes(new DataPlane.Network.SetNetworkFault(end.Fault, Active: false)), Self);
                return "applied";
            case CrashNodeEvent crashNode:
                if (!clustered) return "not applied: the mesh runs on one node (run it with nodes > 1 or --cluster)";
                _controlPlane.Tell(new CrashNode(crashNode.Node), Self);
                return "applied";
            case JoinNodeEvent join:
                if (!clustered) return "not applied: the mesh runs on one node (run it with nodes > 1)";
                if (joinNode is null) return "not applied: only an in-process cluster (nodes > 1) starts nodes; start a 'node' process with --seed to join a running cluster";
                var index = _applied.Count; // the index this event is about to take
                joinNode(join.Node).PipeTo(Self, success: _ => JoinStarted.Instance, failure: e => new JoinFailed(join.Node, index, e.GetBaseException().Message));
                return "applied";
            case StopControlPlaneEvent:
                if (_controlPlaneDown) return "already stopped";
                _controlPlaneDown = true;
                _controlPlane.Tell(StopControlPlane.Instance, Self);
                return "applied";
            case StartControlPlaneEvent:
                if (!_controlPlaneDown) return "already running";
                _controlPlaneDown = false;
                _controlPlane.Tell(StartControlPlane.Instance, Self);
                return "applied";
            default:
                _log.Warning("Timeline event '{0}' is not supported", e.Describe());
                return "not supported";
        }
    }

    /// <summary>Create a child from <paramref name="Props"/> and report its address.</summary>
    public sealed record Spawn(Props Props, TaskCompletionSource<IActorRef> Created) : INoSerializationVerificationNeeded;

    /// <summary>A joining node's ActorSystem runs; it registers with the control plane on its own.</summary>
    private sealed class JoinStarted : Signal<JoinStarted>, INoSerializationVerificationNeeded;

    /// <summary>The node of the event at <paramref name="Index"/> could not start.</summary>
    private sealed record JoinFailed(string Node, int Index, string Reason) : INoSerializationVerificationNeeded;

    private sealed class RegisterAgain : Signal<RegisterAgain>, INoSerializationVerificationNeeded, IDeadLetterSuppression;

    /// <summary>Start the topology's timeline now (the load has just started).</summary>
    public sealed class StartTimeline : Signal<StartTimeline>;
}

/// <summary>Plays a topology's timeline: each event at its time after the load started, through the host.</summary>
internal sealed class TimelineRunner : UntypedActor
{
    private readonly IReadOnlyList<TimelineEntry> _entries;
    private readonly MeshRuntime _runtime;
    private readonly IActorRef _host;

    public TimelineRunner(IReadOnlyList<TimelineEntry> entries, MeshRuntime runtime, IActorRef host)
    {
        _entries = entries;
        _runtime = runtime;
        _host = host;
    }

    public static Props Props(IReadOnlyList<TimelineEntry> entries, MeshRuntime runtime, IActorRef host) =>
        runtime.Place(Akka.Actor.Props.Create(() => new TimelineRunner(entries, runtime, host)));

    protected override void PreStart()
    {
        for (var i = 0; i < _entries.Count; i++) _runtime.Clock.Schedule(_entries[i].At.Ticks, Self, new Due(i), Self);
    }

    protected override void OnReceive(object message)
    {
        if (message is Due due) _host.Tell(new ApplyEvent(_entries[due.Index].Event));
        else Unhandled(message);
    }

    private sealed record Due(int Index) : INoSerializationVerificationNeeded, IDeadLetterSuppression;
}
