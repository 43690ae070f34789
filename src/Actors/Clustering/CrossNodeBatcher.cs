using ActorMesh.DataPlane.Network;
using Akka.Event;

namespace ActorMesh.Clustering;

/// <summary>
/// The actor of one node pair's <see cref="CrossNodeOutbox"/> (one per other node, under <c>/system</c>):
/// senders write their messages into the outbox themselves; the batcher flushes it when told a batch
/// opened (by then the messages sent meanwhile are in it: Envoy's flush at the end of an event-loop pass)
/// and when the flush timer goes off, takes the messages the network delays (a hop's latency: they are
/// written when due), and flushes what is open when it stops (the run ends, the node shuts down).
/// It is also the envelopes' sender: the receiving node drops its tables of this link when it stops. When it
/// starts it asks the other node where its direct link connects (<see cref="DirectLink"/>), and connects it.
/// </summary>
internal sealed class CrossNodeBatcher(CrossNodeOutbox outbox, bool direct) : UntypedActor
{
    private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Props of the batcher of <paramref name="outbox"/>; with <paramref name="direct"/>, it connects the outbox's direct link.</summary>
    public static Props Props(CrossNodeOutbox outbox, bool direct = false) => Akka.Actor.Props.Create(() => new CrossNodeBatcher(outbox, direct));

    protected override void PreStart()
    {
        // Where does the other node listen? Until its answer and the connection, batches cross through Akka.Remote.
        if (direct) outbox.Inbound.Tell(DirectLink.Query.Instance, Self);
        base.PreStart();
    }

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
            case DirectLink.Offer { Port: > 0 } offer:
                var timeout = Context.System.Settings.Config.GetTimeSpan("actormesh.cross-node.connect-timeout", DefaultConnectTimeout);
                _ = DirectLink.ConnectAsync(outbox, offer, timeout, Context.GetLogger());
                break;
            case DirectLink.Offer:
                break; // the other node takes no direct links: stay on Akka.Remote
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
