namespace ActorMesh.Gateway;

/// <summary>What a cache entry is stored under: method and path, and the client id when the cache is per client.</summary>
internal readonly record struct CacheKey(string Method, string Path, string? Client);

/// <summary>
/// A route's response cache (<see cref="CacheSpec"/>): entries live for the TTL by the mesh clock
/// and are bounded in number. Entries are queued in the order they were stored; as every entry of a
/// route has the same TTL, that is also the order they expire in, so the head of the queue is both
/// the next to expire and the one to evict when the cache is full. A plain single-threaded class.
/// </summary>
internal sealed class ResponseCache
{
    private readonly long _ttl;
    private readonly int _maxEntries;
    private readonly Dictionary<CacheKey, Entry> _entries = new();
    private readonly Queue<(CacheKey Key, long StoredAt)> _order = new();

    public ResponseCache(CacheSpec spec)
    {
        _ttl = spec.Ttl.Ticks;
        _maxEntries = spec.MaxEntries;
        PerClient = spec.PerClient;
    }

    /// <summary>True when entries are per client id.</summary>
    public bool PerClient { get; }

    /// <summary>Entries held (some may have expired and not been dropped yet).</summary>
    public int Count => _entries.Count;

    /// <summary>Live entries evicted to make room.</summary>
    public long Evictions { get; private set; }

    /// <summary>True for the methods an HTTP cache stores: GET and HEAD.</summary>
    public static bool IsCacheable(string method) =>
        string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase) || string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase);

    /// <summary>The key of a request for <paramref name="method"/> <paramref name="path"/> by <paramref name="client"/>.</summary>
    public CacheKey KeyOf(string method, string path, string? client) => new(method, path, PerClient ? client : null);

    /// <summary>A live entry's response size; false when there is none (a miss).</summary>
    public bool TryGet(in CacheKey key, long now, out int bytes)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (now < entry.StoredAt + _ttl)
            {
                bytes = entry.Bytes;
                return true;
            }
            _entries.Remove(key);
        }
        bytes = 0;
        return false;
    }

    /// <summary>Stores a response; a live entry already there stays (the first answer wins until it expires).</summary>
    public void Store(in CacheKey key, int bytes, long now)
    {
        DropExpired(now);
        if (_entries.TryGetValue(key, out var existing) && now < existing.StoredAt + _ttl) return;
        if (!_entries.ContainsKey(key))
        {
            while (_entries.Count >= _maxEntries && _order.TryDequeue(out var oldest))
            {
                if (!IsCurrent(oldest)) continue;
                _entries.Remove(oldest.Key);
                Evictions++;
            }
        }
        _entries[key] = new Entry(now, bytes);
        _order.Enqueue((key, now));
    }

    /// <summary>Pops the head of the queue while it is expired or stale (replaced or already dropped).</summary>
    private void DropExpired(long now)
    {
        while (_order.TryPeek(out var head) && (!IsCurrent(head) || now >= head.StoredAt + _ttl))
        {
            _order.Dequeue();
            if (IsCurrent(head)) _entries.Remove(head.Key);
        }
    }

    private bool IsCurrent((CacheKey Key, long StoredAt) queued) =>
        _entries.TryGetValue(queued.Key, out var entry) && entry.StoredAt == queued.StoredAt;

    private readonly record struct Entry(long StoredAt, int Bytes);
}
