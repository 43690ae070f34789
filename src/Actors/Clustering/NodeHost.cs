using ActorMesh.Hosting;
using Akka.Event;

namespace ActorMesh.Clustering;

/// <summary>
/// The mesh on one cluster node that runs pods (at <c>/user/node</c>): it offers the node to the
/// control plane every second and runs a <see cref="NodeAgent"/> for the current run. A run is named
/// by the <see cref="AttachControlPlane"/> that starts it: a new one stops the last run's pods and
/// starts with a fresh runtime (seeded from the run's seed and the node's name, service indices in
/// the topology's order), so a long-lived node serves one run after another. It crashes its node on
/// <see cref="CrashNode"/>: the ActorSystem stops at once, without leaving the cluster.
/// </summary>
internal sealed class NodeHost : UntypedActor
{
    private readonly string _name;
    private readonly MeshClock _clock;
    private readonly Action<MeshRuntime> _onRuntime;
    private readonly IActorRef _controlPlane;
    private MeshRuntime? _runtime;
    private IActorRef _agent = ActorRefs.Nobody;
    private long _runId = -1;
    private CrossNodeTotals _trafficAtStart;
    private int _runs;

    public NodeHost(string name, MeshClock clock, IActorRef controlPlane, Action<MeshRuntime> onRuntime)
    {
        _name = name;
        _clock = clock;
        _controlPlane = controlPlane;
        _onRuntime = onRuntime;
    }

    public static Props Props(string name, MeshClock clock, IActorRef controlPlane, Action<MeshRuntime> onRuntime) =>
        Akka.Actor.Props.Create(() => new NodeHost(name, clock, controlPlane, onRuntime));

    protected override void PreStart() => Register();

    private void Register()
    {
        _controlPlane.Tell(new RegisterNode(_name, Self, NodeRoles.Pods), Self);
        _clock.Schedule(TimeSpan.FromSeconds(1).Ticks, Self, RegisterAgain.Instance, Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RegisterAgain:
                Register();
                break;
            case AttachControlPlane attach:
                if (attach.RunId != _runId) NewRun(attach);
                _agent.Forward(attach);
                break;
            case CrashNode:
                // As a killed process: no leave, no hand-over. The others find out from missed heartbeats.
                Context.System.Terminate();
                break;
            case Telemetry.GetNodeTelemetry:
                var traffic = CrossNodeTraffic.Total().Since(_trafficAtStart);
                var telemetry = _runtime is null ? new Telemetry.NodeTelemetry(_name, [], [], 0) : Telemetry.NodeTelemetry.Of(_runtime);
                Sender.Tell(telemetry with { CrossNode = traffic });
                break;
            case GetPods when _agent.IsNobody():
                Sender.Tell(new NodePods(_name, [], []));
                break;
            default:
                if (!_agent.TryForward(message)) Unhandled(message);
                break;
        }
    }

    private void NewRun(AttachControlPlane attach)
    {
        if (!_agent.IsNobody()) Context.Stop(_agent);
        _runId = attach.RunId;
        _trafficAtStart = CrossNodeTraffic.Total();
        _runtime = new MeshRuntime(_clock, unchecked(attach.Seed * 1_000_003 + StableHash(_name)), _name) { OwnsClock = false };
        _runtime.Network.CrossNode = new CrossNodeLinks(Context.System, _clock);
        _onRuntime(_runtime);
        _agent = Context.ActorOf(NodeAgent.Props(_runtime), $"node-agent-{++_runs}");
    }

    private static long StableHash(string s)
    {
        long h = 17;
        foreach (var c in s) h = unchecked(h * 31 + c);
        return h;
    }

    private sealed class RegisterAgain : Signal<RegisterAgain>, INoSerializationVerificationNeeded, IDeadLetterSuppression;
}
