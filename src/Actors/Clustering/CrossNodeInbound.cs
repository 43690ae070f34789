namespace ActorMesh.Clustering;

/// <summary>
/// The inbound side of every node pair, one per ActorSystem at <c>/system/cross-node-in</c>: unpacks each
/// <see cref="CrossNodeBatch"/> and delivers its messages locally, in order, each with its original
/// sender (a reference to the actor on the sending node). It keeps one table of actors and one of
/// strings (service names, paths, identities: each crosses once) per sending batcher, and drops them
/// when that batcher stops.
/// </summary>
internal sealed class CrossNodeInbound : UntypedActor
{
    /// <summary>The actor's name under <c>/system</c>.</summary>
    public const string Name = "cross-node-in";

    private readonly IActorRefProvider _provider = ((ExtendedActorSystem)Context.System).Provider;
    private readonly Dictionary<IActorRef, Origin> _origins = [];

    public static Props Props() => Akka.Actor.Props.Create(() => new CrossNodeInbound());

    /// <summary>Messages that could not be delivered (an actor id the table does not know; a damaged batch).</summary>
    public long Undeliverable { get; private set; }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case CrossNodeBatch batch:
                Deliver(batch, OriginOf(Sender));
                break;
            case Terminated gone:
                _origins.Remove(gone.ActorRef);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private Origin OriginOf(IActorRef batcher)
    {
        if (_origins.TryGetValue(batcher, out var origin)) return origin;
        origin = new Origin();
        _origins.Add(batcher, origin);
        if (!batcher.IsNobody()) Context.Watch(batcher);
        return origin;
    }

    private void Deliver(CrossNodeBatch batch, Origin origin)
    {
        var r = new ByteReader(batch.Payload, origin.Names);
        var count = r.Int();
        var epoch = r.Int();
        if (epoch != origin.Epoch)
        {
            origin.Actors.Clear();
            origin.Names.Clear();
            origin.Epoch = epoch;
        }
        for (var i = 0; i < count; i++)
        {
            var target = Resolve(ref r, origin);
            var sender = Resolve(ref r, origin);
            var message = DataPlaneCodec.Read(ref r, r.Byte());
            if (message is null)
            {
                Undeliverable += count - i; // the rest of the batch cannot be read
                return;
            }
            if (target is null) Undeliverable++;
            else target.Tell(message, sender);
        }
    }

    private IActorRef? Resolve(ref ByteReader r, Origin origin)
    {
        var code = r.Int();
        if (code == CrossNodeBatch.NoSender) return ActorRefs.NoSender;
        if (code >= 0) return code < origin.Actors.Count ? origin.Actors[code] : null;
        var id = CrossNodeBatch.IdOfNew(code);
        var actor = _provider.ResolveActorRef(r.Path());
        while (origin.Actors.Count <= id) origin.Actors.Add(null);
        origin.Actors[id] = actor;
        return actor;
    }

    private sealed class Origin
    {
        public int Epoch;
        public readonly List<IActorRef?> Actors = [];
        public readonly List<string> Names = [];
    }
}

/// <summary>Starts the <see cref="CrossNodeInbound"/> of an ActorSystem (listed in <c>akka.extensions</c> of every mesh node).</summary>
internal sealed class CrossNodeInboundExtension : IExtension
{
    internal CrossNodeInboundExtension(ExtendedActorSystem system) =>
        Inbound = system.SystemActorOf(CrossNodeInbound.Props(), CrossNodeInbound.Name);

    /// <summary>This system's inbound actor.</summary>
    public IActorRef Inbound { get; }

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
