using System.Collections.Concurrent;
using ActorMesh.DataPlane.Network;

namespace ActorMesh.Clustering;

/// <summary>
/// The outbound links of one run's network on one node: a <see cref="CrossNodeOutbox"/> and its
/// <see cref="CrossNodeBatcher"/> per other node (with its direct link, unless <c>actormesh.cross-node.transport</c> is
/// <c>remoting</c>), started the first time a mesh message goes there,
/// stopped (flushing what they hold) when the run's runtime is disposed. Read from every actor of the
/// run; links are started under a lock.
/// </summary>
internal sealed class CrossNodeLinks(ActorSystem system, MeshClock clock, CrossNodeBatchingOptions? options = null) : ICrossNodeLinks
{
    // Distinct Address objects remembered by reference before the table starts again (remote refs share a few).
    private const int MaxRememberedAddresses = 1024;
    private static int _started;
    private readonly ConcurrentDictionary<Address, Link> _outbound = new();
    // The same look-up by the Address object itself: no hashing of its protocol, system, host and port per message.
    private readonly ConcurrentDictionary<object, Link> _byReference = new(ReferenceEqualityComparer.Instance);
    private readonly CrossNodeBatchingOptions _options = (options ?? new CrossNodeBatchingOptions()).Validate();
    private readonly Address _localAddress = ((ExtendedActorSystem)system).Provider.DefaultAddress;
    private readonly bool _direct = DirectLink.Enabled(system.Settings.Config);
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <inheritdoc />
    public ICrossNodeOutbox? OutboxFor(IActorRef target)
    {
        if (target is not IInternalActorRef { IsLocal: false }) return null;
        var address = target.Path.Address;
        if (_byReference.TryGetValue(address, out var link)) return link;
        if (!_outbound.TryGetValue(address, out link) && (link = Start(address)) is null) return null;
        if (_byReference.Count >= MaxRememberedAddresses) _byReference.Clear();
        _byReference[address] = link;
        return link;
    }

    /// <summary>The batcher of the link to <paramref name="address"/>, if it has started (for tests and benchmarks).</summary>
    internal IActorRef? BatcherFor(Address address) => _outbound.TryGetValue(address, out var link) ? link.Batcher : null;

    private Link? Start(Address address)
    {
        lock (_lock)
        {
            if (_disposed) return null;
            if (_outbound.TryGetValue(address, out var link)) return link;
            var inbound = ((ExtendedActorSystem)system).Provider.ResolveActorRef(CrossNodeInboundExtension.PathAt(address));
            var outbox = new CrossNodeOutbox(inbound, _localAddress, clock, _options);
            outbox.Batcher = ((ExtendedActorSystem)system).SystemActorOf(CrossNodeBatcher.Props(outbox, _direct), $"cross-node-out-{Interlocked.Increment(ref _started)}");
            link = new Link(outbox);
            _outbound[address] = link;
            return link;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var link in _outbound.Values) system.Stop(link.Batcher);
            _outbound.Clear();
            _byReference.Clear();
        }
    }

    /// <summary>One other node: its outbox, written by the senders, and its batcher.</summary>
    private sealed class Link(CrossNodeOutbox outbox) : ICrossNodeOutbox
    {
        public IActorRef Batcher => outbox.Batcher;

        public void Send(IActorRef target, object message, IActorRef sender) => outbox.Send(target, message, sender);
    }
}
