using ActorMesh.DataPlane.Network;
using Akka.Event;

namespace ActorMesh.Clustering;

/// <summary>
/// The outbound side of one node pair: collects the mesh messages this node sends to actors on one
/// other node and sends them as one <see cref="CrossNodeBatch"/> to that node's <see cref="CrossNodeInbound"/>,
/// when the batch holds <see cref="CrossNodeBatchingOptions.MaxMessages"/> or when
/// <see cref="CrossNodeBatchingOptions.FlushInterval"/> has passed on the mesh clock since its first
/// message, whichever comes first, and (with <see cref="CrossNodeBatchingOptions.FlushWhenIdle"/>) as
/// soon as the messages that waited in its mailbox when the batch opened are in it. Messages keep the order they arrived in; when the batcher stops
/// (the run ends, the node shuts down) the open batch is flushed.
/// </summary>
internal sealed class CrossNodeBatcher : UntypedActor
{
    private readonly IActorRef _inbound;
    private readonly Address _localAddress;
    private readonly MeshClock _clock;
    private readonly CrossNodeBatchingOptions _options;
    private readonly ByteWriter _batch = new(4096, []);
    private readonly Dictionary<IActorRef, int> _ids = [];
    private readonly UntypedReceive _empty, _filling;
    private int _count, _epoch;

    public CrossNodeBatcher(IActorRef inbound, Address localAddress, MeshClock clock, CrossNodeBatchingOptions options)
    {
        _inbound = inbound;
        _localAddress = localAddress;
        _clock = clock;
        _options = options.Validate();
        _empty = Empty;
        _filling = Filling;
        Become(_empty);
    }

    /// <summary>Props of a batcher to <paramref name="inbound"/> (the other node's <see cref="CrossNodeInbound"/>).</summary>
    public static Props Props(IActorRef inbound, Address localAddress, MeshClock clock, CrossNodeBatchingOptions options) =>
        Akka.Actor.Props.Create(() => new CrossNodeBatcher(inbound, localAddress, clock, options));

    protected override void OnReceive(object message) => Unhandled(message);

    /// <summary>No batch open: the first message opens one and starts its flush timer.</summary>
    private void Empty(object message)
    {
        if (message is not CrossNodeSend send) return; // a flush tick of a batch already flushed by count
        if (!Batchable(send)) return;
        Open();
        Append(send);
        if (_count >= _options.MaxMessages) Flush();
        else Become(_filling);
    }

    /// <summary>A batch is open: add to it until it is full or its time is up.</summary>
    private void Filling(object message)
    {
        switch (message)
        {
            case CrossNodeSend send:
                if (!Batchable(send)) return;
                Append(send);
                if (_count < _options.MaxMessages) return;
                break;
            case FlushTick:
                break;
            default:
                Unhandled(message);
                return;
        }
        Flush();
        Become(_empty);
    }

    private static bool Batchable(CrossNodeSend send)
    {
        if (DataPlaneCodec.KindOf(send.Message) != DataPlaneCodec.None) return true;
        send.Target.Tell(send.Message, send.Sender); // not a message the batch format carries: it goes alone
        return false;
    }

    private void Open()
    {
        if (_ids.Count + _batch.Names!.Count >= _options.MaxActorIds)
        {
            _ids.Clear();
            _batch.Names.Clear();
            _epoch++;
        }
        _batch.Int(0);
        _batch.Int(_epoch);
        // A stale tick (of a batch flushed by count) may flush a later batch early, never late.
        _clock.Schedule(_options.FlushInterval.Ticks, Self, FlushTick.Instance, Self);
        // Queued behind what already waits in the mailbox: it arrives when they are all in the batch.
        if (_options.FlushWhenIdle) Self.Tell(FlushTick.Instance, Self);
    }

    private void Append(CrossNodeSend send)
    {
        Name(send.Target);
        Name(send.Sender);
        _batch.Byte(DataPlaneCodec.KindOf(send.Message));
        DataPlaneCodec.Write(_batch, send.Message);
        _count++;
    }

    private void Name(IActorRef? actor)
    {
        if (actor is null || actor.IsNobody())
        {
            _batch.Int(CrossNodeBatch.NoSender);
            return;
        }
        if (_ids.TryGetValue(actor, out var id))
        {
            _batch.Int(id);
            return;
        }
        id = _ids.Count;
        _ids.Add(actor, id);
        _batch.Int(CrossNodeBatch.NewId(id));
        _batch.Path(actor.Path.ToSerializationFormatWithAddress(_localAddress));
    }

    private void Flush()
    {
        _batch.IntAt(0, _count);
        _inbound.Tell(new CrossNodeBatch(_batch.ToArray()), Self);
        _batch.Reset();
        _count = 0;
    }

    protected override void PostStop()
    {
        if (_count > 0) Flush();
        base.PostStop();
    }

    /// <summary>Time is up for the open batch, or the mailbox has been drained into it.</summary>
    internal sealed class FlushTick : Signal<FlushTick>, INoSerializationVerificationNeeded, IDeadLetterSuppression;
}
