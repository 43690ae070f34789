using ActorMesh.DataPlane;

namespace ActorMesh.Telemetry;

/// <summary>
/// One edge's traffic (a source workload → a destination service), recorded at ONE end: the caller's
/// router, on the telemetry shard of the thread it runs on, under integer ids resolved when the router was
/// built (the destination's telemetry index, then the source's). Per call: its outcome per combination of
/// status, response flags and mTLS (Istio's <c>reporter="source"</c>), its duration for percentiles; and its
/// retries. Per attempt the destination answered: the answer as the destination sent it (Istio's
/// <c>reporter="destination"</c>, derived at the source, for destinations with a sidecar). The one source
/// of the report's per-edge figures and of the Prometheus export. No allocation per request: a new edge or
/// combination allocates once.
/// </summary>
internal sealed class EdgeTraffic
{
    /// <summary>Calls started (as <c>upstream.calls</c> counts them).</summary>
    public long Calls;
    /// <summary>Retries the source's router made on this edge (counted as each starts, like <c>upstream.retries</c>).</summary>
    public long Retries;
    /// <summary>Times the source's circuit breaker for the destination opened.</summary>
    public long CircuitOpened;
    /// <summary>The calls' outcomes, as the source reported them.</summary>
    public readonly EdgeCells Source = new();
    /// <summary>The answers the destination's sidecar sent, per attempt (derived at the source).</summary>
    public readonly EdgeCells Destination = new();
    /// <summary>The calls' durations (<see cref="EdgeDurations"/> buckets), retries included, as the source saw them.</summary>
    public readonly long[] Latency = new long[EdgeDurations.Buckets];

    /// <summary>Records one call's one outcome at its source.</summary>
    public void RecordCall(int status, ResponseFlags flags, bool mtls, long durationTicks, long requestBytes, long responseBytes)
    {
        Source.Cell(status, flags, mtls).Record(durationTicks, requestBytes, responseBytes);
        Latency[EdgeDurations.Index(durationTicks)]++;
    }

    /// <summary>Records one answer the destination sent, as it sent it.</summary>
    public void RecordAnswer(int status, ResponseFlags flags, bool mtls, long durationTicks, long requestBytes, long responseBytes) =>
        Destination.Cell(status, flags, mtls).Record(durationTicks, requestBytes, responseBytes);

    /// <summary>Adds <paramref name="other"/> into this one (merging shards or nodes).</summary>
    public void Add(EdgeTraffic other)
    {
        Calls += other.Calls;
        Retries += other.Retries;
        CircuitOpened += other.CircuitOpened;
        Source.Add(other.Source);
        Destination.Add(other.Destination);
        for (var i = 0; i < Latency.Length; i++) Latency[i] += other.Latency[i];
    }
}

/// <summary>
/// An edge's requests per combination of status, response flags (as Istio's label shows them) and mTLS.
/// A look-up compares one 64-bit key, the last one hit first; a new combination is published after its
/// entry is whole, so a live reader (a scrape) sees whole entries.
/// </summary>
internal sealed class EdgeCells
{
    /// <summary>Combinations kept; past them the rest count in the last one (never seen in practice: a few statuses and flags per edge).</summary>
    public const int MaxCombinations = 64;

    private long[] _keys = new long[4];
    private EdgeCell[] _cells = new EdgeCell[4];
    private int _count, _last;

    /// <summary>The cell of one combination, made on first use.</summary>
    public EdgeCell Cell(int status, ResponseFlags flags, bool mtls)
    {
        var key = ((long)status << 33) | (mtls ? 1L << 32 : 0) | (uint)ResponseFlagNames.Shown(flags);
        if (_count > 0 && _keys[_last] == key) return _cells[_last];
        for (var i = 0; i < _count; i++)
            if (_keys[i] == key)
            {
                _last = i;
                return _cells[i];
            }
        if (_count == MaxCombinations) return _cells[_count - 1];
        if (_count == _keys.Length)
        {
            // New arrays, whole before they are published.
            var keys = new long[_count * 2];
            var cells = new EdgeCell[_count * 2];
            Array.Copy(_keys, keys, _count);
            Array.Copy(_cells, cells, _count);
            (_keys, _cells) = (keys, cells);
        }
        _keys[_count] = key;
        var cell = _cells[_count] = new EdgeCell();
        _last = _count;
        Volatile.Write(ref _count, _count + 1);
        return cell;
    }

    /// <summary>Every combination recorded, with its counts.</summary>
    public IEnumerable<(int Status, ResponseFlags Flags, bool Mtls, EdgeCell Cell)> All()
    {
        var count = Volatile.Read(ref _count);
        var (keys, cells) = (_keys, _cells);
        for (var i = 0; i < Math.Min(count, keys.Length); i++)
            yield return ((int)(keys[i] >> 33), (ResponseFlags)(uint)keys[i], (keys[i] & (1L << 32)) != 0, cells[i]);
    }

    /// <summary>Adds <paramref name="other"/> into this one.</summary>
    public void Add(EdgeCells other)
    {
        foreach (var (status, flags, mtls, cell) in other.All()) Cell(status, flags, mtls).Add(cell);
    }
}

/// <summary>One label combination's requests: a count, and per Istio bucket the count and the sum of durations and sizes.</summary>
internal sealed class EdgeCell
{
    /// <summary>Requests.</summary>
    public long Count;
    /// <summary>Requests per duration bucket (<see cref="EdgeBuckets.DurationBoundsMs"/>, then +Inf).</summary>
    public readonly long[] Duration = new long[EdgeBuckets.Duration.Count];
    /// <summary>Their durations' sum per bucket, in ticks.</summary>
    public readonly long[] DurationSumTicks = new long[EdgeBuckets.Duration.Count];
    /// <summary>Requests per request-size bucket (<see cref="EdgeBuckets.ByteBounds"/>, then +Inf).</summary>
    public readonly long[] RequestBytes = new long[EdgeBuckets.Size.Count];
    /// <summary>Their request sizes' sum per bucket.</summary>
    public readonly long[] RequestBytesSum = new long[EdgeBuckets.Size.Count];
    /// <summary>Requests per response-size bucket.</summary>
    public readonly long[] ResponseBytes = new long[EdgeBuckets.Size.Count];
    /// <summary>Their response sizes' sum per bucket.</summary>
    public readonly long[] ResponseBytesSum = new long[EdgeBuckets.Size.Count];

    /// <summary>Counts one request.</summary>
    public void Record(long durationTicks, long requestBytes, long responseBytes)
    {
        Count++;
        if (durationTicks < 0) durationTicks = 0;
        var d = EdgeBuckets.Duration.Of(durationTicks);
        Duration[d]++;
        DurationSumTicks[d] += durationTicks;
        var q = EdgeBuckets.Size.Of(requestBytes);
        RequestBytes[q]++;
        RequestBytesSum[q] += requestBytes;
        var r = EdgeBuckets.Size.Of(responseBytes);
        ResponseBytes[r]++;
        ResponseBytesSum[r] += responseBytes;
    }

    /// <summary>The durations' sum, in ticks.</summary>
    public long SumTicks
    {
        get
        {
            long sum = 0;
            foreach (var s in DurationSumTicks) sum += s;
            return sum;
        }
    }

    /// <summary>Adds <paramref name="other"/> into this one.</summary>
    public void Add(EdgeCell other)
    {
        Count += other.Count;
        Add(Duration, other.Duration);
        Add(DurationSumTicks, other.DurationSumTicks);
        Add(RequestBytes, other.RequestBytes);
        Add(RequestBytesSum, other.RequestBytesSum);
        Add(ResponseBytes, other.ResponseBytes);
        Add(ResponseBytesSum, other.ResponseBytesSum);
    }

    private static void Add(long[] into, long[] from)
    {
        for (var i = 0; i < into.Length; i++) into[i] += from[i];
    }
}

/// <summary>Who reports an edge's request, as Istio's <c>reporter</c> label says.</summary>
internal enum EdgeReporter
{
    /// <summary>The caller's sidecar or gateway (<c>reporter="source"</c>).</summary>
    Source,
    /// <summary>The destination's sidecar (<c>reporter="destination"</c>).</summary>
    Destination,
}
