using System.Runtime.CompilerServices;

namespace ActorMesh.Pooling;

/// <summary>
/// A pooled table of entries addressed by <see cref="SlotHandle"/> ids: the one table behind the
/// data plane's request bookkeeping (a router's calls, a sidecar's inbound requests, a gateway's
/// exchanges, an app's jobs, the load generator's requests), with one id layout for them all:
/// slot (bits 0..23) | generation (24..55) | tag = kind and owner incarnation (56..62), bit 63 zero
/// (see <see cref="SlotHandle"/>). An id resolves only while it is current for its slot and its tag
/// is the table's, so late, duplicate and previous-incarnation answers are recognised without a
/// dictionary. Single-threaded (owned by one actor).
/// </summary>
/// <remarks>
/// <para>
/// Slots are reused last-freed first; a slot's generation moves on when it is freed and when its
/// holder re-keys it (<see cref="Rekey"/>: a router's next attempt, an app's next script step), so
/// only the newest id of a slot is current. <see cref="TryResolveHeld"/> also accepts the earlier ids
/// of the same holder (a call's token that outlives its attempts, an aggregation's parts).
/// </para>
/// <para>
/// The table allocates nothing until its first entry, then four slots, and doubles on demand up to
/// its capacity (an idle sidecar stays small: a mesh of 100,000 pods has 300,000 tables); when full, <see cref="TryAdd(out int)"/> fails and the caller counts the overflow. Entries
/// are pooled: a class entry stays in its slot when freed, to be reused by the next holder (which
/// resets it); a struct entry is cleared when freed, so that it keeps nothing alive. A
/// <c>ref</c> to an entry stays valid until the next add, which may grow the table.
/// </para>
/// <para>
/// <c>foreach (var slot in table)</c> visits the live slots in index order without allocating; the
/// current entry may be freed (and others added) on the way.
/// </para>
/// </remarks>
internal sealed class SlotTable<T>
{
    private const int InitialSlots = 4;

    private Slot[] _slots;
    private int[] _free;
    private int _freeCount;
    private int _highWater;

    /// <summary>A table of at most <paramref name="capacity"/> entries, of <paramref name="kind"/>, owned by incarnation <paramref name="incarnation"/> of its actor.</summary>
    public SlotTable(int capacity, SlotKind kind, int incarnation = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, SlotHandle.MaxSlots);
        if (kind == SlotKind.None) throw new ArgumentException("a table needs a kind", nameof(kind));
        Capacity = capacity;
        Tag = SlotHandle.TagOf(kind, incarnation);
        _slots = [];
        _free = [];
    }

    /// <summary>Entries the table holds at most.</summary>
    public int Capacity { get; }

    /// <summary>The tag in every id of this table (see <see cref="SlotHandle"/>).</summary>
    public int Tag { get; }

    /// <summary>Live entries.</summary>
    public int Count { get; private set; }

    /// <summary>Slots allocated so far (grows by doubling up to <see cref="Capacity"/>).</summary>
    public int Allocated => _slots.Length;

    /// <summary>The entry in <paramref name="slot"/> (live, or a class entry kept for reuse).</summary>
    public ref T this[int slot] => ref _slots[slot].Value;

    /// <summary>Takes a free slot; false when the table is full.</summary>
    public bool TryAdd(out int slot)
    {
        if (_freeCount > 0) slot = _free[--_freeCount];
        else if (_highWater < Capacity)
        {
            if (_highWater == _slots.Length) Grow();
            slot = _highWater++;
        }
        else
        {
            slot = -1;
            return false;
        }
        ref var s = ref _slots[slot];
        s.Live = true;
        s.First = s.Generation;
        Count++;
        return true;
    }

    /// <summary>Takes a free slot for <paramref name="value"/>; false when the table is full.</summary>
    public bool TryAdd(in T value, out SlotHandle handle)
    {
        if (!TryAdd(out int slot))
        {
            handle = SlotHandle.None;
            return false;
        }
        _slots[slot].Value = value;
        handle = HandleOf(slot);
        return true;
    }

    /// <summary>The current id of <paramref name="slot"/>.</summary>
    public SlotHandle HandleOf(int slot) => SlotHandle.Of(slot, _slots[slot].Generation, Tag);

    /// <summary>Gives the live <paramref name="slot"/> a new id; every earlier id of it stops being current.</summary>
    public SlotHandle Rekey(int slot)
    {
        _slots[slot].Generation++;
        return HandleOf(slot);
    }

    /// <summary>True when <paramref name="slot"/> holds a live entry.</summary>
    public bool IsLive(int slot) => (uint)slot < (uint)_highWater && _slots[slot].Live;

    /// <summary>True when <paramref name="handle"/> is the current id of a live slot of this table.</summary>
    public bool TryResolve(SlotHandle handle, out int slot)
    {
        slot = handle.Slot;
        if (handle.Tag == Tag && (uint)slot < (uint)_highWater)
        {
            ref var s = ref _slots[slot];
            if (s.Live && s.Generation == handle.Generation) return true;
        }
        slot = -1;
        return false;
    }

    /// <summary>
    /// True when <paramref name="handle"/> is an id handed to the current holder of a live slot: the
    /// one it got when it took the slot, or one of its re-keys since.
    /// </summary>
    public bool TryResolveHeld(SlotHandle handle, out int slot)
    {
        slot = handle.Slot;
        if (handle.Tag == Tag && (uint)slot < (uint)_highWater)
        {
            ref var s = ref _slots[slot];
            // Unsigned distances from the holder's first generation, so that a wrap of the counter is no matter.
            if (s.Live && handle.Generation - s.First <= s.Generation - s.First) return true;
        }
        slot = -1;
        return false;
    }

    /// <summary>Frees the slot of the current id <paramref name="handle"/>, giving back its entry; false when the id is not current.</summary>
    public bool TryRemove(SlotHandle handle, out T value)
    {
        if (!TryResolve(handle, out var slot))
        {
            value = default!;
            return false;
        }
        value = _slots[slot].Value;
        Free(slot);
        return true;
    }

    /// <summary>Frees the live <paramref name="slot"/>: its ids stop resolving and it is the next one taken.</summary>
    public void Free(int slot)
    {
        ref var s = ref _slots[slot];
        if (!s.Live) throw new InvalidOperationException($"slot {slot} is not live");
        s.Live = false;
        s.Generation++;
        if (typeof(T).IsValueType && RuntimeHelpers.IsReferenceOrContainsReferences<T>()) s.Value = default!;
        _free[_freeCount++] = slot;
        Count--;
    }

    /// <summary>Visits the live slots in index order.</summary>
    public Enumerator GetEnumerator() => new(this);

    private void Grow()
    {
        var size = (int)Math.Min(Capacity, Math.Max(InitialSlots, _slots.Length * 2L));
        Array.Resize(ref _slots, size);
        Array.Resize(ref _free, size);
    }

    /// <summary>The live slots of a table, in index order; allocation-free.</summary>
    public struct Enumerator(SlotTable<T> table)
    {
        private int _slot = -1;

        /// <summary>The current live slot.</summary>
        public readonly int Current => _slot;

        /// <summary>Moves to the next live slot.</summary>
        public bool MoveNext()
        {
            while (++_slot < table._highWater)
                if (table._slots[_slot].Live) return true;
            return false;
        }
    }

    private struct Slot
    {
        public uint Generation;
        // The generation at which the current holder took the slot (see TryResolveHeld).
        public uint First;
        public bool Live;
        public T Value;
    }
}
