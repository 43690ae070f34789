using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorMesh.Telemetry;

/// <summary>
/// Counts every message delivered to every actor of an ActorSystem configured with
/// <see cref="Config"/>, so a benchmark can report messages per request without touching any actor.
/// Each thread counts in its own slot (no contention; a thread-static field, cheaper per message than a
/// <see cref="ThreadLocal{T}"/>); <see cref="Total"/> sums them, a thread's count staying in after the thread
/// ends. One slot per thread that ever counted. Process-wide: measure one system at a time.
/// </summary>
internal static class MessageCounting
{
    [ThreadStatic] private static Slot? _slot;

    /// <summary>Every thread's slot; written under its own lock when a thread counts its first message.</summary>
    private static readonly List<Slot> Slots = [];

    /// <summary>Akka configuration that makes every mailbox count its messages.</summary>
    public static readonly Config Config = ConfigurationFactory.ParseString(
        $"akka.actor.default-mailbox.mailbox-type = \"{typeof(CountingMailbox).AssemblyQualifiedName}\"");

    /// <summary>Messages counted so far.</summary>
    public static long Total
    {
        get
        {
            long sum = 0;
            lock (Slots)
            {
                foreach (var slot in Slots) sum += Volatile.Read(ref slot.Count);
            }
            return sum;
        }
    }

    internal static void Increment() => (_slot ?? NewSlot()).Count++;

    private static Slot NewSlot()
    {
        var slot = new Slot();
        lock (Slots) Slots.Add(slot);
        return _slot = slot;
    }

    private sealed class Slot
    {
        public long Count;
    }

    /// <summary>An unbounded mailbox whose queue counts what it is given.</summary>
    public sealed class CountingMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<CountingQueue>
    {
        /// <inheritdoc />
        public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CountingQueue();
    }

    /// <summary>An unbounded queue that counts enqueued messages.</summary>
    public sealed class CountingQueue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        private readonly UnboundedMessageQueue _inner = new();

        /// <inheritdoc />
        public bool HasMessages => _inner.HasMessages;

        /// <inheritdoc />
        public int Count => _inner.Count;

        /// <inheritdoc />
        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            Increment();
            _inner.Enqueue(receiver, envelope);
        }

        /// <inheritdoc />
        public bool TryDequeue(out Envelope envelope) => _inner.TryDequeue(out envelope);

        /// <inheritdoc />
        public void CleanUp(IActorRef owner, IMessageQueue deadletters) => _inner.CleanUp(owner, deadletters);
    }
}
