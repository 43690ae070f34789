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
    /// When a message sent at mesh time <paramref name="from"/> arrives: one sample of
    /// <paramref name="latency"/> plus <paramref name="extraTicks"/> later. The sender puts it in the
    /// message and hands both to <see cref="Deliver"/>, so a hop starts from the sender's due time, not
    /// from when it got to run.
    /// </summary>
    public long DueAfter(long from, Distribution latency, MeshRandom random, long extraTicks = 0) =>
        from + extraTicks + (latency.IsZero ? 0 : latency.SampleTicks(random));

    /// <summary>Delivers <paramref name="message"/> to <paramref name="target"/> at <paramref name="due"/> (at once when that has passed).</summary>
    public void Deliver(long due, IActorRef target, object message, IActorRef sender) => Clock.ScheduleAt(due, target, message, sender);

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
