using System.Collections.Concurrent;
using ActorMesh.DataPlane.Network;

namespace ActorMesh.Clustering;

/// <summary>
/// The outbound links of one run's network on one node: a <see cref="CrossNodeBatcher"/> per other
/// node, started the first time a mesh message goes there, stopped (flushing what they hold) when the
/// run's runtime is disposed. Read from every actor of the run; batchers are started under a lock.
/// </summary>
internal sealed class CrossNodeLinks(ActorSystem system, MeshClock clock, CrossNodeBatchingOptions? options = null) : ICrossNodeLinks
{
    private static int _started;
    private readonly ConcurrentDictionary<Address, IActorRef> _outbound = new();
    private readonly CrossNodeBatchingOptions _options = (options ?? new CrossNodeBatchingOptions()).Validate();
    private readonly Address _localAddress = ((ExtendedActorSystem)system).Provider.DefaultAddress;
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <inheritdoc />
    public IActorRef? OutboundFor(IActorRef target)
    {
        if (target is not IInternalActorRef { IsLocal: false }) return null;
        var address = target.Path.Address;
        return _outbound.TryGetValue(address, out var batcher) ? batcher : Start(address);
    }

    private IActorRef? Start(Address address)
    {
        lock (_lock)
        {
            if (_disposed) return null;
            if (_outbound.TryGetValue(address, out var batcher)) return batcher;
            var inbound = ((ExtendedActorSystem)system).Provider.ResolveActorRef(CrossNodeInboundExtension.PathAt(address));
            batcher = ((ExtendedActorSystem)system).SystemActorOf(CrossNodeBatcher.Props(inbound, _localAddress, clock, _options),
                $"cross-node-out-{Interlocked.Increment(ref _started)}");
            _outbound[address] = batcher;
            return batcher;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var batcher in _outbound.Values) system.Stop(batcher);
            _outbound.Clear();
        }
    }
}
