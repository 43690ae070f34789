using System.Collections.Concurrent;

namespace ActorMesh.Clustering;

/// <summary>
/// Delivers the messages of <see cref="CrossNodeBatch"/>es on the receiving node: each straight to its
/// target, in order, with its original sender (a reference to the actor on the sending node). The
/// serializer calls it as it reads an envelope off the wire (on the thread of that peer's Akka.Remote
/// reader: no actor of ours in between, and peers are decoded in parallel). It keeps one table of actors
/// and one of strings (service names, paths, identities: each crosses once) per sending outbox, found by
/// the name the envelope carries; <see cref="CrossNodeInbound"/> drops them when that outbox's batcher stops.
/// </summary>
internal sealed class CrossNodeDelivery(IActorRefProvider provider)
{
    private readonly ConcurrentDictionary<string, Origin> _origins = new();
    private long _undeliverable;

    /// <summary>Messages that could not be delivered (an actor id the table does not know; a damaged batch).</summary>
    public long Undeliverable => Interlocked.Read(ref _undeliverable);

    /// <summary>Sending outboxes whose tables are held.</summary>
    public int Origins => _origins.Count;

    /// <summary>
    /// Delivers every message of <paramref name="payload"/> (an envelope that crossed through Akka.Remote, found its
    /// tables by the outbox name it carries); returns that name.
    /// </summary>
    public string Deliver(ReadOnlySpan<byte> payload)
    {
        var (count, epoch, name, at) = Header(payload);
        var origin = _origins.GetOrAdd(name, static _ => new Origin());
        // One Akka.Remote reader per peer reads its envelopes in order; the lock only guards against a second association.
        lock (origin) Deliver(payload[at..], count, epoch, origin);
        return name;
    }

    /// <summary>
    /// Delivers every message of <paramref name="frame"/>, read off a direct link (<see cref="CrossNodeListener"/>)
    /// whose tables are <paramref name="origin"/>: the link's own, kept by its one reader thread.
    /// </summary>
    public void Deliver(ReadOnlySpan<byte> frame, Origin origin)
    {
        var (count, epoch, _, at) = Header(frame); // the name is empty: the link is the origin
        Deliver(frame[at..], count, epoch, origin);
    }

    // The envelope's header (CrossNodeBatch): its length (which frames it on a direct link; skipped here), its
    // messages, its epoch and its outbox's name; and where the messages start.
    private static (int Count, int Epoch, string Name, int At) Header(ReadOnlySpan<byte> envelope)
    {
        var header = new ByteReader(envelope);
        header.Int();
        var count = header.Int();
        var epoch = header.Int();
        var name = header.Path();
        return (count, epoch, name, header.At);
    }

    private void Deliver(ReadOnlySpan<byte> messages, int count, int epoch, Origin origin)
    {
        if (epoch != origin.Epoch)
        {
            origin.Actors.Clear();
            origin.Names.Clear();
            origin.Epoch = epoch;
        }
        var r = new ByteReader(messages, origin.Names);
        for (var i = 0; i < count; i++)
        {
            var target = Resolve(ref r, origin);
            var sender = Resolve(ref r, origin);
            var message = DataPlaneCodec.Read(ref r, r.Byte());
            if (message is null)
            {
                Interlocked.Add(ref _undeliverable, count - i); // the rest of the batch cannot be read
                break;
            }
            if (target is null) Interlocked.Increment(ref _undeliverable);
            else target.Tell(message, sender);
        }
    }

    /// <summary>Counts <paramref name="messages"/> that could not be delivered (a damaged frame on a direct link).</summary>
    public void CountUndeliverable(int messages) => Interlocked.Add(ref _undeliverable, messages);

    /// <summary>Drops the tables of the outbox named <paramref name="name"/> (its batcher has stopped).</summary>
    public void Forget(string name) => _origins.TryRemove(name, out _);

    private IActorRef? Resolve(ref ByteReader r, Origin origin)
    {
        var code = r.Int();
        if (code == CrossNodeBatch.NoSender) return ActorRefs.NoSender;
        if (code >= 0) return code < origin.Actors.Count ? origin.Actors[code] : null;
        var id = CrossNodeBatch.IdOfNew(code);
        var actor = provider.ResolveActorRef(r.Path());
        while (origin.Actors.Count <= id) origin.Actors.Add(null);
        origin.Actors[id] = actor;
        return actor;
    }

    /// <summary>The tables of one sending outbox: its actors and strings by id, and the epoch they belong to.</summary>
    internal sealed class Origin
    {
        public int Epoch;
        public readonly List<IActorRef?> Actors = [];
        public readonly List<string> Names = [];
    }
}

/// <summary>
/// The receiving end of every node pair, one per ActorSystem at <c>/system/cross-node-in</c>: an envelope
/// read off the wire has been delivered already (<see cref="CrossNodeDelivery"/>, by the serializer) and
/// only tells it who sent it; it watches each sending batcher and drops that outbox's tables when it stops.
/// An envelope told in this process without crossing the wire (tests) it delivers itself. It also tells the
/// other nodes' outboxes where this node's direct links connect (<see cref="DirectLink"/>).
/// </summary>
internal sealed class CrossNodeInbound(CrossNodeDelivery delivery, DirectLink.Offer offer) : UntypedActor
{
    /// <summary>The actor's name under <c>/system</c>.</summary>
    public const string Name = "cross-node-in";

    private readonly Dictionary<IActorRef, string> _senders = [];

    /// <summary>Props of the inbound actor delivering through <paramref name="delivery"/>; <paramref name="offer"/> is where its direct links connect.</summary>
    public static Props Props(CrossNodeDelivery delivery, DirectLink.Offer? offer = null) =>
        Akka.Actor.Props.Create(() => new CrossNodeInbound(delivery, offer ?? new DirectLink.Offer("", 0)));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case CrossNodeBatch batch:
                var origin = batch.Origin ?? delivery.Deliver(batch.Payload);
                if (!Sender.IsNobody() && _senders.TryAdd(Sender, origin)) Context.Watch(Sender);
                break;
            case DirectLink.Query:
                Sender.Tell(offer);
                break;
            case Terminated gone:
                if (_senders.Remove(gone.ActorRef, out var name)) delivery.Forget(name);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}

/// <summary>Starts the <see cref="CrossNodeInbound"/> of an ActorSystem (listed in <c>akka.extensions</c> of every mesh node).</summary>
internal sealed class CrossNodeInboundExtension : IExtension
{
    internal CrossNodeInboundExtension(ExtendedActorSystem system)
    {
        Delivery = new CrossNodeDelivery(system.Provider);
        Listener = DirectLink.Listen(system, Delivery);
        var offer = Listener is null ? null : new DirectLink.Offer(system.Provider.DefaultAddress.Host!, Listener.Port, Listener.UnixPath);
        Inbound = system.SystemActorOf(CrossNodeInbound.Props(Delivery, offer), CrossNodeInbound.Name);
    }

    /// <summary>This system's listener for direct links; null without remoting or with direct links off.</summary>
    public CrossNodeListener? Listener { get; }

    /// <summary>This system's inbound actor.</summary>
    public IActorRef Inbound { get; }

    /// <summary>Where this system's direct links and its serializer deliver the envelopes they read.</summary>
    public CrossNodeDelivery Delivery { get; }

    /// <summary>The extension of <paramref name="system"/>, started on first use.</summary>
    public static CrossNodeInboundExtension Get(ActorSystem system) => system.WithExtension<CrossNodeInboundExtension, CrossNodeInboundProvider>();

    /// <summary>The path of the inbound actor on the node at <paramref name="address"/>.</summary>
    public static ActorPath PathAt(Address address) => new RootActorPath(address) / "system" / CrossNodeInbound.Name;
}

/// <summary>Akka's factory of <see cref="CrossNodeInboundExtension"/>.</summary>
internal sealed class CrossNodeInboundProvider : ExtensionIdProvider<CrossNodeInboundExtension>
{
    /// <inheritdoc />
    public override CrossNodeInboundExtension CreateExtension(ExtendedActorSystem system) => new(system);
}
