using ActorMesh.DataPlane.Pod;

namespace ActorMesh.ControlPlane;

/// <summary>
/// The parent of some of a node's pods, on behalf of its <see cref="NodeAgent"/>: it starts and stops
/// them, delivers messages to them, restarts a pod that fails (one-for-one, as the agent did), and
/// tells the agent when one has stopped. It exists for size: Akka keeps a parent's children in an
/// immutable dictionary, so each pod added under one parent of 100,000 copied a path of ~20 tree
/// nodes (5 KB of garbage and tens of µs per pod, a third of a large mesh's start); under
/// <see cref="NodeAgent.PodGroups"/> groups a parent keeps a few hundred.
/// </summary>
internal sealed class PodGroup(MeshRuntime runtime) : UntypedActor
{
    /// <summary>Props for a group.</summary>
    public static Props Props(MeshRuntime runtime) => runtime.Place(Akka.Actor.Props.Create(() => new PodGroup(runtime)));

    /// <summary>One-for-one, always restart: how a node restarts its pods and gateways (its agent supervises with it too).</summary>
    public static SupervisorStrategy RestartAlways() =>
        new OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, localOnlyDecider: _ => Directive.Restart);

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => RestartAlways();

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StartPodIn start:
                Context.Watch(Context.ActorOf(start.Props, start.PodId));
                break;
            case StopPod stop:
                if (Context.Child(stop.PodId) is { } victim && !victim.IsNobody()) Context.Stop(victim);
                break;
            case ForwardToPod forward:
                if (Context.Child(forward.PodId) is { } pod && !pod.IsNobody()) pod.Forward(forward.Message);
                else Sender.Tell(new Status.Failure(new InvalidOperationException($"no pod '{forward.PodId}' on {runtime.Node}")));
                break;
            case PodFinished finished:
                // A stopped pod's final counters, then (below) its stop: the agent gets both, in that order.
                Context.Parent.Forward(finished);
                break;
            case Terminated terminated:
                Context.Parent.Tell(new PodStopped(terminated.ActorRef.Path.Name, terminated.ActorRef));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}

/// <summary>Node agent → pod group: start a pod of <paramref name="Props"/> named <paramref name="PodId"/>.</summary>
internal sealed record StartPodIn(string PodId, Props Props) : INoSerializationVerificationNeeded;

/// <summary>Pod group → node agent: the pod <paramref name="PodId"/> (<paramref name="Pod"/>) has stopped.</summary>
internal sealed record PodStopped(string PodId, IActorRef Pod) : INoSerializationVerificationNeeded;
