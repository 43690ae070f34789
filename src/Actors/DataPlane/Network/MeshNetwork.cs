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

    /// <summary>
    /// On a cluster node, the batchers that carry mesh messages to other nodes (null on one node: every
    /// message is delivered straight to its target). Set once, before the run's actors start.
    /// </summary>
    public ICrossNodeLinks? CrossNode { get; set; }

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="target"/> after one sample of <paramref name="latency"/> plus <paramref name="extraTicks"/>.
    /// A data-plane message to an actor on another node goes, after the same delay, through that node's batcher.
    /// </summary>
    public void Send(Distribution latency, MeshRandom random, IActorRef target, object message, IActorRef sender, long extraTicks = 0)
    {
        var delay = latency.IsZero ? extraTicks : latency.SampleTicks(random) + extraTicks;
        if (CrossNode is { } links && message is DataPlane.IDataPlaneMessage && links.OutboundFor(target) is { } batcher)
        {
            Clock.Schedule(delay, batcher, new CrossNodeSend(target, message, sender), sender);
            return;
        }
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

    /// <summary>
    /// Delivers <paramref name="message"/> to <paramref name="target"/> at <paramref name="due"/> (at once when that has passed).
    /// A data-plane message to an actor on another node goes, at the same due time, through that node's batcher.
    /// </summary>
    public void Deliver(long due, IActorRef target, object message, IActorRef sender)
    {
        if (CrossNode is { } links && message is DataPlane.IDataPlaneMessage && links.OutboundFor(target) is { } batcher)
        {
            Clock.ScheduleAt(due, batcher, new CrossNodeSend(target, message, sender), sender);
            return;
        }
        Clock.ScheduleAt(due, target, message, sender);
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

/// <summary>Where mesh messages to actors on other nodes go: one batcher per other node.</summary>
public interface ICrossNodeLinks : IDisposable
{
    /// <summary>The batcher for <paramref name="target"/>'s node; null when <paramref name="target"/> is on this node.</summary>
    IActorRef? OutboundFor(IActorRef target);
}

/// <summary>A mesh message on its way to a batcher: where it goes and who sent it.</summary>
internal sealed record CrossNodeSend(IActorRef Target, object Message, IActorRef Sender) : INoSerializationVerificationNeeded;
