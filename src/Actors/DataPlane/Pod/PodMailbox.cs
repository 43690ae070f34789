using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorMesh.DataPlane.Pod;

/// <summary>
/// The mailbox of a pod's actors in a large mesh: a ring of envelopes that starts with room for 4
/// and doubles when full, under a lock. Akka's default queue (a <see cref="System.Collections.Concurrent.ConcurrentQueue{T}"/>)
/// starts with a segment of 32 slots, about 1 KB per actor before its first message; with three
/// actors per pod that is a third of a pod's memory. The ring costs about 100 bytes, and an
/// uncontended lock per message (some tens of nanoseconds) instead of a lock-free queue, so it is
/// used only from <see cref="FromPods"/> pods up (see <see cref="MeshRuntime.CompactMailboxes"/>).
/// </summary>
internal sealed class PodMailbox(Akka.Actor.Settings settings, Config config) : MailboxType(settings, config)
{
    /// <summary>The mailbox's path in the Akka configuration.</summary>
    public const string Path = "actormesh.pod-mailbox";

    /// <summary>Meshes of at least this many pods use it. 10,000.</summary>
    public const int FromPods = 10_000;

    private static readonly Config Declaration = ConfigurationFactory.ParseString($"{Path}.mailbox-type = \"{typeof(PodMailbox).AssemblyQualifiedName}\"");
    private static readonly Lock Configuring = new();

    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new RingMessageQueue();

    /// <summary>Declares the mailbox in <paramref name="system"/>'s configuration, once.</summary>
    public static void Declare(ActorSystem system)
    {
        lock (Configuring)
            if (!system.Settings.Config.HasPath(Path)) system.Settings.InjectTopLevelFallback(Declaration);
    }
}

/// <summary>An unbounded FIFO of envelopes in a growable ring, under a lock (see <see cref="PodMailbox"/>).</summary>
internal sealed class RingMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private readonly Lock _lock = new();
    private Envelope[] _items = new Envelope[4];
    private int _head, _count;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_lock)
        {
            if (_count == _items.Length) Grow();
            _items[(_head + _count) & (_items.Length - 1)] = envelope;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                envelope = default;
                return false;
            }
            envelope = _items[_head];
            _items[_head] = default;
            _head = (_head + 1) & (_items.Length - 1);
            Volatile.Write(ref _count, _count - 1);
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }

    private void Grow()
    {
        var bigger = new Envelope[_items.Length * 2];
        for (var i = 0; i < _count; i++) bigger[i] = _items[(_head + i) & (_items.Length - 1)];
        _items = bigger;
        _head = 0;
    }
}
