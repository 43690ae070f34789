using ActorMesh.DataPlane.Network;
using Akka.Event;

namespace ActorMesh.Clustering;

/// <summary>
/// The actor of one node pair's <see cref="CrossNodeOutbox"/> (one per other node, under <c>/system</c>):
/// senders write their messages into the outbox themselves; the batcher flushes it when told a batch
/// opened (by then the messages sent meanwhile are in it: Envoy's flush at the end of an event-loop pass)
/// and when the flush timer goes off, takes the messages the network delays (a hop's latency: they are
/// written when due), and flushes what is open when it stops (the run ends, the node shuts down).
/// It is also the envelopes' sender: the receiving node drops its tables of this link when it stops.
/// </summary>
internal sealed class CrossNodeBatcher(CrossNodeOutbox outbox) : UntypedActor
{
    /// <summary>Props of the batcher of <paramref name="outbox"/>.</summary>
    public static Props Props(CrossNodeOutbox outbox) => Akka.Actor.Props.Create(() => new CrossNodeBatcher(outbox));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case CrossNodeSend send: // a message the network held back for its hop's latency, now due
                outbox.Send(send.Target, send.Message, send.Sender);
                break;
            case FlushTick:
                outbox.FlushNow();
                break;
            case FlushTimer:
                outbox.TimerFired();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop()
    {
        outbox.Close();
        base.PostStop();
    }

    /// <summary>A batch has opened: flush it when this is handled.</summary>
    internal sealed class FlushTick : Signal<FlushTick>, INoSerializationVerificationNeeded, IDeadLetterSuppression;

    /// <summary>The flush interval has passed since a batch opened.</summary>
    internal sealed class FlushTimer : Signal<FlushTimer>, INoSerializationVerificationNeeded, IDeadLetterSuppression;
}
