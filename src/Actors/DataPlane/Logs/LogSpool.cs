namespace ActorMesh.DataPlane.Logs;

/// <summary>
/// One structured log event as the app records it: a small struct copied into the pod's buffer, so
/// the app's hot path builds no strings, allocates nothing and never calls Serilog.
/// </summary>
/// <param name="At">Mesh time the request was answered, in ticks.</param>
/// <param name="Path">Request path.</param>
/// <param name="Status">Status the app answered.</param>
/// <param name="DurationTicks">Time from arrival at the app to the answer (queueing included).</param>
/// <param name="TraceId">The request's trace id.</param>
/// <param name="SettingsVersion">Version of the app's settings in force when it answered.</param>
internal readonly record struct LogRecord(long At, string Path, int Status, long DurationTicks, long TraceId, long SettingsVersion);

/// <summary>
/// The pod's bounded log buffer (the log volume the app writes and the collector tails). It belongs to
/// the pod, not to the collector, so it survives collector restarts. The app appends, the collector
/// peeks a batch, ships it and then commits it, so a batch interrupted by a crash is shipped again
/// rather than lost. An append to a full buffer drops that event and counts it. Thread-safe: the app
/// and the collector are different actors; at any moment emitted = shipped + dropped + buffered.
/// </summary>
internal sealed class LogSpool
{
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private LogRecord[] _items;
    private int _head;
    private int _count;
    private int _peak;
    private long _emitted;
    private long _shipped;
    private long _dropped;

    public LogSpool(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _items = new LogRecord[Math.Min(capacity, 64)];
    }

    /// <summary>The bound.</summary>
    public int Capacity => _capacity;

    /// <summary>Appends <paramref name="record"/>; returns how many events wait now, or -1 when the buffer was full and the event was dropped.</summary>
    public int Append(in LogRecord record)
    {
        lock (_lock)
        {
            _emitted++;
            if (_count == _capacity)
            {
                _dropped++;
                return -1;
            }
            if (_count == _items.Length) Grow();
            _items[(_head + _count) % _items.Length] = record;
            _count++;
            if (_count > _peak) _peak = _count;
            return _count;
        }
    }

    /// <summary>Copies the oldest waiting events (up to the length of <paramref name="into"/>) without removing them; returns how many.</summary>
    public int Peek(LogRecord[] into)
    {
        lock (_lock)
        {
            var n = Math.Min(_count, into.Length);
            for (var i = 0; i < n; i++) into[i] = _items[(_head + i) % _items.Length];
            return n;
        }
    }

    /// <summary>Removes the <paramref name="shipped"/> oldest events, which have reached the central store.</summary>
    public void Commit(int shipped)
    {
        lock (_lock)
        {
            if (shipped < 0 || shipped > _count) throw new ArgumentOutOfRangeException(nameof(shipped), shipped, $"only {_count} events wait");
            for (var i = 0; i < shipped; i++) _items[(_head + i) % _items.Length] = default;
            _head = (_head + shipped) % _items.Length;
            _count -= shipped;
            _shipped += shipped;
        }
    }

    /// <summary>A consistent reading of the counters.</summary>
    public LogCounts Counts()
    {
        lock (_lock) return new LogCounts(_emitted, _shipped, _dropped, _count, _peak, _capacity);
    }

    private void Grow()
    {
        var larger = new LogRecord[Math.Min(_capacity, _items.Length * 2)];
        for (var i = 0; i < _count; i++) larger[i] = _items[(_head + i) % _items.Length];
        _items = larger;
        _head = 0;
    }
}

/// <summary>A pod's log pipeline counts: <see cref="Emitted"/> = <see cref="Shipped"/> + <see cref="Dropped"/> + <see cref="Buffered"/>.</summary>
/// <param name="Emitted">Events the app emitted.</param>
/// <param name="Shipped">Events that reached the central log store.</param>
/// <param name="Dropped">Events that found the buffer full.</param>
/// <param name="Buffered">Events waiting in the buffer now.</param>
/// <param name="Peak">Most events that waited at once.</param>
/// <param name="Capacity">The buffer's bound.</param>
public sealed record LogCounts(long Emitted, long Shipped, long Dropped, long Buffered, int Peak, int Capacity);
