using ActorMesh.DataPlane.Pod;
using Akka.Actor;

namespace ActorMesh.ControlPlane;

/// <summary>
/// The node's agent (kubelet's role): runs the pods the control plane places on its node, and
/// reports pods that stop. One per node (ActorSystem).
/// </summary>
public sealed class NodeAgent : UntypedActor
{
    private readonly MeshRuntime _runtime;
    private readonly Dictionary<IActorRef, (string PodId, string Service, IActorRef ControlPlane)> _pods = new();
    private readonly Dictionary<string, IActorRef> _byId = new(StringComparer.Ordinal);

    /// <summary>Creates the agent for the node of <paramref name="runtime"/>.</summary>
    public NodeAgent(MeshRuntime runtime) => _runtime = runtime;

    /// <summary>Props for a node agent.</summary>
    public static Props Props(MeshRuntime runtime) => runtime.Place(Akka.Actor.Props.Create(() => new NodeAgent(runtime)));

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, localOnlyDecider: _ => Directive.Restart);

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StartPod start:
                if (_byId.ContainsKey(start.Spec.PodId)) return;
                var pod = Context.ActorOf(Pod.Props(start.Spec, _runtime, start.ControlPlane), start.Spec.PodId);
                Context.Watch(pod);
                _pods[pod] = (start.Spec.PodId, start.Spec.Service.Name, start.ControlPlane);
                _byId[start.Spec.PodId] = pod;
                break;
            case StartGateway start:
                var gateway = Context.ActorOf(Gateway.Gateway.Props(start.Spec, _runtime, start.ControlPlane), "gateway-" + start.Spec.Name);
                Context.Watch(gateway);
                break;
            case StopPod stop:
                if (_byId.TryGetValue(stop.PodId, out var victim)) Context.Stop(victim);
                break;
            case Terminated terminated:
                if (_pods.Remove(terminated.ActorRef, out var info))
                {
                    _byId.Remove(info.PodId);
                    info.ControlPlane.Tell(new PodTerminated(info.PodId, info.Service, _runtime.Node));
                }
                break;
            case ForwardToPod forward:
                if (_byId.TryGetValue(forward.PodId, out var target)) target.Forward(forward.Message);
                else Sender.Tell(new Status.Failure(new InvalidOperationException($"no pod '{forward.PodId}' on {_runtime.Node}")));
                break;
            case GetPods:
                Sender.Tell(new NodePods(_runtime.Node, [.. _byId.Keys.Order(StringComparer.Ordinal)]));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}

/// <summary>Delivers <paramref name="Message"/> to pod <paramref name="PodId"/> on this node.</summary>
public sealed record ForwardToPod(string PodId, object Message);

/// <summary>Ask a node agent which pods it runs.</summary>
public sealed class GetPods
{
    /// <summary>The one instance.</summary>
    public static readonly GetPods Instance = new();
    private GetPods() { }
}

/// <summary>The pods a node runs.</summary>
public sealed record NodePods(string Node, IReadOnlyList<string> PodIds);
