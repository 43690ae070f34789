namespace ActorMesh.Time;

/// <summary>One scheduled delivery: a struct so that scheduling allocates nothing.</summary>
internal readonly struct TimedDelivery(long due, IActorRef target, object message, IActorRef sender)
{
    public readonly long Due = due;
    public readonly IActorRef Target = target;
    public readonly object Message = message;
    public readonly IActorRef Sender = sender;
}

/// <summary>A binary min-heap of deliveries ordered by due time, then by insertion order.</summary>
internal sealed class DeliveryHeap
{
    private TimedDelivery[] _items = new TimedDelivery[1024];
    private long[] _order = new long[1024];
    private long _sequence;

    public int Count { get; private set; }

    public long PeekDue => _items[0].Due;

    public void Push(in TimedDelivery item)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
            Array.Resize(ref _order, _order.Length * 2);
        }
        var i = Count++;
        var seq = _sequence++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Less(item.Due, seq, _items[parent].Due, _order[parent])) break;
            _items[i] = _items[parent];
            _order[i] = _order[parent];
            i = parent;
        }
        _items[i] = item;
        _order[i] = seq;
    }

    public TimedDelivery Pop()
    {
        var top = _items[0];
        var last = --Count;
        var item = _items[last];
        var seq = _order[last];
        _items[last] = default;
        if (last > 0)
        {
            var i = 0;
            while (true)
            {
                var child = (i << 1) + 1;
                if (child >= last) break;
                if (child + 1 < last && Less(_items[child + 1].Due, _order[child + 1], _items[child].Due, _order[child])) child++;
                if (!Less(_items[child].Due, _order[child], item.Due, seq)) break;
                _items[i] = _items[child];
                _order[i] = _order[child];
                i = child;
            }
            _items[i] = item;
            _order[i] = seq;
        }
        return top;
    }

    private static bool Less(long dueA, long seqA, long dueB, long seqB) => dueA < dueB || (dueA == dueB && seqA < seqB);
}
