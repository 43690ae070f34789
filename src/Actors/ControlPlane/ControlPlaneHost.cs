using ActorMesh.Time;
using Akka.Actor;

namespace ActorMesh.ControlPlane;

/// <summary>Stop the control plane (an outage): the data plane keeps running on its last config.</summary>
public sealed class StopControlPlane : IMeshMessage
{
    /// <summary>The one instance.</summary>
    public static readonly StopControlPlane Instance = new();
    private StopControlPlane() { }
}

/// <summary>Start the control plane again after an outage.</summary>
public sealed class StartControlPlane : IMeshMessage
{
    /// <summary>The one instance.</summary>
    public static readonly StartControlPlane Instance = new();
    private StartControlPlane() { }
}

/// <summary>
/// Where the control plane lives: it runs control-plane incarnations one at a time, keeps their
/// counters across restarts, measures outages, and answers for the control plane while it is down
/// (status at once; readiness questions wait for the next incarnation). On one node it is a child
/// of the mesh's host; on a cluster it is the cluster singleton, so it moves when its node dies.
/// </summary>
internal sealed class ControlPlaneHost : UntypedActor
{
    private readonly IActorRef _apiServer;
    private readonly IReadOnlyList<IActorRef> _nodes;
    private readonly MeshRuntime _runtime;
    private readonly ControlPlaneOptions? _options;
    private readonly ControlPlaneStats _stats = new();
    private readonly List<(IActorRef Asker, object Question)> _waiting = [];
    private IActorRef _controlPlane = ActorRefs.Nobody;
    private int _incarnation;
    private long _downSince = -1;
    private long _downTicks;

    public ControlPlaneHost(IActorRef apiServer, IReadOnlyList<IActorRef> nodes, MeshRuntime runtime, ControlPlaneOptions? options)
    {
        _apiServer = apiServer;
        _nodes = nodes;
        _runtime = runtime;
        _options = options;
    }

    public static Props Props(IActorRef apiServer, IReadOnlyList<IActorRef> nodes, MeshRuntime runtime, ControlPlaneOptions? options) =>
        runtime.Place(Akka.Actor.Props.Create(() => new ControlPlaneHost(apiServer, nodes, runtime, options)));

    protected override void PreStart() => Start();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StopControlPlane:
                if (_controlPlane.IsNobody()) return;
                Context.Stop(_controlPlane);
                _controlPlane = ActorRefs.Nobody;
                _downSince = _runtime.Clock.Now;
                break;
            case StartControlPlane:
                if (_controlPlane.IsNobody()) Start();
                break;
            case GetControlPlaneStatus when _controlPlane.IsNobody():
                Sender.Tell(ControlPlaneStatus.From(_stats, up: false, DownSeconds()));
                break;
            case GetControlPlaneStatus:
                // The control plane answers from the shared counters; the outage time is added here.
                Context.ActorOf(_runtime.Place(Akka.Actor.Props.Create(() => new StatusRelay(_controlPlane, Sender, DownSeconds()))));
                break;
            case AwaitReady or GetGateways when _controlPlane.IsNobody():
                _waiting.Add((Sender, message));
                break;
            default:
                if (_controlPlane.IsNobody()) Unhandled(message);
                else _controlPlane.Forward(message);
                break;
        }
    }

    private void Start()
    {
        if (_downSince >= 0)
        {
            _downTicks += _runtime.Clock.Now - _downSince;
            _downSince = -1;
        }
        _controlPlane = Context.ActorOf(ControlPlane.Props(_apiServer, _nodes, _runtime, _stats, _options), $"control-plane-{++_incarnation}");
        foreach (var (asker, question) in _waiting) _controlPlane.Tell(question, asker);
        _waiting.Clear();
    }

    private double DownSeconds() =>
        MeshClock.ToMilliseconds(_downTicks + (_downSince >= 0 ? _runtime.Clock.Now - _downSince : 0)) / 1000;

    private sealed class StatusRelay(IActorRef controlPlane, IActorRef asker, double downSeconds) : UntypedActor
    {
        protected override void PreStart() => controlPlane.Tell(GetControlPlaneStatus.Instance, Self);

        protected override void OnReceive(object message)
        {
            if (message is ControlPlaneStatus status) asker.Tell(status with { DownSeconds = downSeconds });
            Context.Stop(Self);
        }
    }
}
