using ActorMesh.Randomness;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Actor;

namespace ActorMesh.DataPlane.Network;

/// <summary>
/// The network: the one place where hop latency is applied to messages crossing between
/// workloads. A send samples the link's latency with the sender's own random stream and hands the
/// message to the clock's delay service.
/// </summary>
public sealed class MeshNetwork(MeshClock clock)
{
    /// <summary>The clock deliveries are scheduled on.</summary>
    public MeshClock Clock { get; } = clock;

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> after one sample of <paramref name="latency"/> plus <paramref name="extraTicks"/>.</summary>
    public void Send(Distribution latency, MeshRandom random, IActorRef target, object message, IActorRef sender, long extraTicks = 0)
    {
        var delay = latency.IsZero ? extraTicks : latency.SampleTicks(random) + extraTicks;
        Clock.Schedule(delay, target, message, sender);
    }

    /// <summary>
    /// Answers a config push (ACK or NACK) over the network: control-plane traffic crosses it too,
    /// with the mesh's default hop latency, so convergence takes a round trip.
    /// </summary>
    public void Answer(ControlPlane.ConfigSnapshot snapshot, MeshRandom random, IActorRef controlPlane, object answer, IActorRef sender) =>
        Send(snapshot.Topology.Network.Latency, random, controlPlane, answer, sender);

    /// <summary>
    /// True when <paramref name="target"/> is known to be gone (a stopped local actor): a connection
    /// attempt to it fails. Remote endpoints are never known gone here; their requests time out.
    /// </summary>
    public static bool IsUnreachable(IActorRef target)
    {
        // Akka discourages IsTerminated in favour of DeathWatch; a watch per endpoint per proxy would
        // cost far more, and here a stale "alive" answer is harmless (the attempt then times out).
#pragma warning disable CS0618
        return target is IInternalActorRef { IsTerminated: true };
#pragma warning restore CS0618
    }
}
