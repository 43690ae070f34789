using Akka.Actor;

namespace ActorMesh.DataPlane.Proxy;

/// <summary>A request a sidecar has handed to its app: who to answer, when it arrived, and its trace.</summary>
/// <param name="ReplyTo">The caller's proxy (or gateway).</param>
/// <param name="CorrelationId">The caller's correlation id, echoed in the answer.</param>
/// <param name="Source">The calling workload.</param>
/// <param name="Start">Arrival at the sidecar (mesh clock).</param>
/// <param name="Trace">The request's trace context as it arrived.</param>
/// <param name="Span">The sidecar's own span id, for a sampled request.</param>
internal readonly record struct InboundEntry(IActorRef ReplyTo, long CorrelationId, string Source, long Start, TraceContext Trace, long Span);

/// <summary>
/// Requests a sidecar has handed to its app and not yet answered. Pooled slots; a handle is negative
/// (bit 63) so it never collides with an outbound router handle, and carries a generation so stale
/// answers are recognised. Bounded: <see cref="TryAdd"/> fails when full.
/// </summary>
internal sealed class InboundTable(int capacity)
{
    private const long InboundBit = long.MinValue;
    // Small at first and doubled on demand: 10,000 idle sidecars should not hold 64 slots (4.6 KB) each.
    private Slot[] _slots = new Slot[Math.Min(capacity, 4)];
    private int[] _free = new int[Math.Min(capacity, 4)];
    private int _freeCount;
    private int _highWater;

    public int Count { get; private set; }

    public static bool IsInbound(long handle) => handle < 0;

    public bool TryAdd(in InboundEntry entry, out long handle)
    {
        int slot;
        if (_freeCount > 0) slot = _free[--_freeCount];
        else if (_highWater < capacity)
        {
            if (_highWater == _slots.Length)
            {
                var size = Math.Min(capacity, _slots.Length * 2);
                Array.Resize(ref _slots, size);
                Array.Resize(ref _free, size);
            }
            slot = _highWater++;
        }
        else
        {
            handle = 0;
            return false;
        }
        ref var s = ref _slots[slot];
        s.InUse = true;
        s.Entry = entry;
        Count++;
        handle = InboundBit | ((long)s.Generation << 32) | (uint)slot;
        return true;
    }

    public bool TryRemove(long handle, out InboundEntry entry)
    {
        var slot = (int)(handle & 0xFFFFFFFF);
        var generation = (int)((handle >> 32) & 0x7FFFFFFF);
        if (slot < _highWater)
        {
            ref var s = ref _slots[slot];
            if (s.InUse && s.Generation == generation)
            {
                entry = s.Entry;
                Release(slot);
                return true;
            }
        }
        entry = default;
        return false;
    }

    /// <summary>Removes every entry, calling <paramref name="each"/> for it (on app restart or shutdown).</summary>
    public void Drain(Action<InboundEntry> each)
    {
        for (var i = 0; i < _highWater; i++)
        {
            ref var s = ref _slots[i];
            if (!s.InUse) continue;
            var entry = s.Entry;
            Release(i);
            each(entry);
        }
    }

    private void Release(int slot)
    {
        ref var s = ref _slots[slot];
        s.InUse = false;
        s.Entry = default;
        s.Generation = (s.Generation + 1) & 0x7FFFFFFF;
        _free[_freeCount++] = slot;
        Count--;
    }

    private struct Slot
    {
        public bool InUse;
        public int Generation;
        public InboundEntry Entry;
    }
}
