using ActorMesh.ControlPlane;
using Akka.Actor;

namespace ActorMesh.Tests.Support;

/// <summary>
/// Registers with the control plane as a data-plane workload, so that it receives what every sidecar
/// receives: <paramref name="first"/> completes with the current snapshot. It ACKs every push.
/// </summary>
internal sealed class ConfigTap(IActorRef controlPlane, TaskCompletionSource<ConfigSnapshot> first) : UntypedActor
{
    public const string Workload = "config-tap";

    protected override void PreStart() => controlPlane.Tell(new RegisterWorkload(Workload, Self));

    protected override void OnReceive(object message)
    {
        if (message is not ConfigPush push) return;
        first.TrySetResult(push.Snapshot);
        Sender.Tell(new ConfigAck(push.Snapshot.Version, Workload));
    }
}
