using Akka.Actor;

namespace ActorMesh.DataPlane.Proxy;

/// <summary>
/// Requests a sidecar has handed to its app and not yet answered: who to answer and when the
/// request arrived. Pooled slots; a handle is negative (bit 63) so it never collides with an
/// outbound router handle, and carries a generation so stale answers are recognised.
/// Bounded: <see cref="TryAdd"/> fails when full.
/// </summary>
internal sealed class InboundTable(int capacity)
{
    private const long InboundBit = long.MinValue;
    private Entry[] _entries = new Entry[Math.Min(capacity, 64)];
    private int[] _free = new int[Math.Min(capacity, 64)];
    private int _freeCount;
    private int _highWater;

    public int Count { get; private set; }

    public static bool IsInbound(long handle) => handle < 0;

    public bool TryAdd(IActorRef replyTo, long correlationId, string source, long start, out long handle)
    {
        int slot;
        if (_freeCount > 0) slot = _free[--_freeCount];
        else if (_highWater < capacity)
        {
            if (_highWater == _entries.Length)
            {
                var size = Math.Min(capacity, _entries.Length * 2);
                Array.Resize(ref _entries, size);
                Array.Resize(ref _free, size);
            }
            slot = _highWater++;
        }
        else
        {
            handle = 0;
            return false;
        }
        ref var e = ref _entries[slot];
        e.InUse = true;
        e.ReplyTo = replyTo;
        e.CorrelationId = correlationId;
        e.Source = source;
        e.Start = start;
        Count++;
        handle = InboundBit | ((long)e.Generation << 32) | (uint)slot;
        return true;
    }

    public bool TryRemove(long handle, out IActorRef replyTo, out long correlationId, out string source, out long start)
    {
        var slot = (int)(handle & 0xFFFFFFFF);
        var generation = (int)((handle >> 32) & 0x7FFFFFFF);
        if (slot < _highWater)
        {
            ref var e = ref _entries[slot];
            if (e.InUse && e.Generation == generation)
            {
                replyTo = e.ReplyTo!;
                correlationId = e.CorrelationId;
                source = e.Source!;
                start = e.Start;
                Release(slot);
                return true;
            }
        }
        replyTo = ActorRefs.Nobody;
        correlationId = 0;
        source = "";
        start = 0;
        return false;
    }

    /// <summary>Removes every entry, calling <paramref name="each"/> for it (on app restart or shutdown).</summary>
    public void Drain(Action<IActorRef, long, string, long> each)
    {
        for (var i = 0; i < _highWater; i++)
        {
            ref var e = ref _entries[i];
            if (!e.InUse) continue;
            var (replyTo, id, source, start) = (e.ReplyTo!, e.CorrelationId, e.Source!, e.Start);
            Release(i);
            each(replyTo, id, source, start);
        }
    }

    private void Release(int slot)
    {
        ref var e = ref _entries[slot];
        e.InUse = false;
        e.ReplyTo = null;
        e.Source = null;
        e.Generation = (e.Generation + 1) & 0x7FFFFFFF;
        _free[_freeCount++] = slot;
        Count--;
    }

    private struct Entry
    {
        public bool InUse;
        public int Generation;
        public IActorRef? ReplyTo;
        public long CorrelationId;
        public string? Source;
        public long Start;
    }
}
