namespace ActorMesh.Time;

/// <summary>One scheduled delivery: a struct so that scheduling allocates nothing.</summary>
internal readonly struct TimedDelivery(long due, IActorRef target, object message, IActorRef sender)
{
    public readonly long Due = due;
    public readonly IActorRef Target = target;
    public readonly object Message = message;
    public readonly IActorRef Sender = sender;
}

/// <summary>
/// A min-heap of deliveries ordered by due time, then by insertion order. The heap orders small keys
/// that hold no references (due time, sequence, slot); each delivery stays in its slot from push to pop.
/// Moving a key is a plain copy, where moving a delivery (three references) costs three GC write
/// barriers: a virtual-time run pushes and pops millions of deliveries, each moving ~log2(n) times.
/// </summary>
internal sealed class DeliveryHeap
{
    private Key[] _keys = new Key[1024];
    private TimedDelivery[] _slots = new TimedDelivery[1024];
    private int[] _free = new int[1024];
    private int _freeCount;
    private int _slotsUsed;
    private long _sequence;

    public int Count { get; private set; }

    public long PeekDue => _keys[0].Due;

    public void Push(in TimedDelivery item)
    {
        if (Count == _keys.Length) Grow();
        var slot = _freeCount > 0 ? _free[--_freeCount] : _slotsUsed++;
        _slots[slot] = item;
        var key = new Key(item.Due, _sequence++, slot);
        var keys = _keys;
        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!key.Before(keys[parent])) break;
            keys[i] = keys[parent];
            i = parent;
        }
        keys[i] = key;
    }

    public TimedDelivery Pop()
    {
        var keys = _keys;
        var slot = keys[0].Slot;
        var top = _slots[slot];
        _slots[slot] = default;
        _free[_freeCount++] = slot;
        var last = --Count;
        if (last > 0)
        {
            var key = keys[last];
            var i = 0;
            while (true)
            {
                var child = (i << 1) + 1;
                if (child >= last) break;
                if (child + 1 < last && keys[child + 1].Before(keys[child])) child++;
                if (!keys[child].Before(key)) break;
                keys[i] = keys[child];
                i = child;
            }
            keys[i] = key;
        }
        return top;
    }

    private void Grow()
    {
        Array.Resize(ref _keys, _keys.Length * 2);
        Array.Resize(ref _slots, _slots.Length * 2);
        Array.Resize(ref _free, _free.Length * 2);
    }

    private readonly struct Key(long due, long sequence, int slot)
    {
        public readonly long Due = due;
        public readonly long Sequence = sequence;
        public readonly int Slot = slot;

        public bool Before(in Key other) => Due < other.Due || (Due == other.Due && Sequence < other.Sequence);
    }
}
