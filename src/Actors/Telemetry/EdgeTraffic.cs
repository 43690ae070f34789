using ActorMesh.DataPlane;

namespace ActorMesh.Telemetry;

/// <summary>
/// The raw material of Istio's standard metrics for one destination service: per reporter and source
/// workload, per combination of status, response flags and mTLS, a count and histograms of duration and
/// sizes in Istio's default buckets. Recorded on the owning thread (a telemetry shard): array look-ups and
/// increments; an allocation only the first time an edge or a combination is seen.
/// </summary>
internal sealed class EdgeTraffic
{
    /// <summary>Istio's default buckets of <c>istio_request_duration_milliseconds</c> (upper bounds, ms; +Inf follows).</summary>
    public static readonly double[] DurationBucketsMs = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

    /// <summary>Istio's default buckets of <c>istio_request_bytes</c> and <c>istio_response_bytes</c> (upper bounds; +Inf follows).</summary>
    public static readonly double[] ByteBuckets = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

    /// <summary>Combinations kept per edge; past them the rest count in the last one (never seen in practice: a few statuses and flags per edge).</summary>
    public const int MaxCombinations = 64;

    // Per reporter (0 source, 1 destination), by source workload index.
    private readonly Row?[][] _rows = [[], []];

    /// <summary>Counts one request from workload <paramref name="source"/> as <paramref name="reporter"/> saw it.</summary>
    public void Record(EdgeReporter reporter, int source, int status, ResponseFlags flags, bool mtls, long durationTicks, long requestBytes, long responseBytes)
    {
        ref var rows = ref _rows[(int)reporter];
        if (source >= rows.Length) Array.Resize(ref rows, Math.Max(16, source + 8));
        var row = rows[source] ??= new Row();
        row.Cell(status, ResponseFlagNames.Shown(flags), mtls).Record(durationTicks, requestBytes, responseBytes);
    }

    /// <summary>Adds <paramref name="other"/> into this one (merging shards or nodes).</summary>
    public void Add(EdgeTraffic other)
    {
        foreach (var (reporter, source, status, flags, mtls, cell) in other.Cells())
        {
            ref var rows = ref _rows[(int)reporter];
            if (source >= rows.Length) Array.Resize(ref rows, Math.Max(16, source + 8));
            (rows[source] ??= new Row()).Cell(status, flags, mtls).Add(cell);
        }
    }

    /// <summary>Every combination recorded: reporter, source workload index, status, flags, mTLS, and its counts.</summary>
    public IEnumerable<(EdgeReporter Reporter, int Source, int Status, ResponseFlags Flags, bool Mtls, EdgeCell Cell)> Cells()
    {
        for (var r = 0; r < _rows.Length; r++)
        {
            var rows = _rows[r];
            for (var source = 0; source < rows.Length; source++)
            {
                if (rows[source] is not { } row) continue;
                for (var i = 0; i < row.Count; i++)
                    if (row.Cells[i] is { } cell) yield return ((EdgeReporter)r, source, row.Status[i], row.Flags[i], row.Mtls[i], cell);
            }
        }
    }

    private sealed class Row
    {
        public int Count;
        public int[] Status = new int[4];
        public ResponseFlags[] Flags = new ResponseFlags[4];
        public bool[] Mtls = new bool[4];
        public EdgeCell?[] Cells = new EdgeCell?[4];

        public EdgeCell Cell(int status, ResponseFlags flags, bool mtls)
        {
            for (var i = 0; i < Count; i++)
                if (Status[i] == status && Flags[i] == flags && Mtls[i] == mtls) return Cells[i]!;
            if (Count == MaxCombinations) return Cells[Count - 1]!;
            if (Count == Cells.Length)
            {
                // The arrays grow before the new entry is published, so a live reader sees whole entries.
                var n = Count * 2;
                Array.Resize(ref Status, n);
                Array.Resize(ref Flags, n);
                Array.Resize(ref Mtls, n);
                Array.Resize(ref Cells, n);
            }
            (Status[Count], Flags[Count], Mtls[Count]) = (status, flags, mtls);
            var cell = Cells[Count] = new EdgeCell();
            Count++;
            return cell;
        }
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

/// <summary>One label combination's requests: a count, and per bucket the count and the sum of durations and sizes.</summary>
internal sealed class EdgeCell
{
    /// <summary>Requests.</summary>
    public long Count;
    /// <summary>Requests per duration bucket (<see cref="EdgeTraffic.DurationBucketsMs"/>, then +Inf).</summary>
    public readonly long[] Duration = new long[EdgeTraffic.DurationBucketsMs.Length + 1];
    /// <summary>Their durations' sum per bucket, in ms.</summary>
    public readonly double[] DurationSumMs = new double[EdgeTraffic.DurationBucketsMs.Length + 1];
    /// <summary>Requests per request-size bucket (<see cref="EdgeTraffic.ByteBuckets"/>, then +Inf).</summary>
    public readonly long[] RequestBytes = new long[EdgeTraffic.ByteBuckets.Length + 1];
    /// <summary>Their request sizes' sum per bucket.</summary>
    public readonly long[] RequestBytesSum = new long[EdgeTraffic.ByteBuckets.Length + 1];
    /// <summary>Requests per response-size bucket.</summary>
    public readonly long[] ResponseBytes = new long[EdgeTraffic.ByteBuckets.Length + 1];
    /// <summary>Their response sizes' sum per bucket.</summary>
    public readonly long[] ResponseBytesSum = new long[EdgeTraffic.ByteBuckets.Length + 1];

    internal void Record(long durationTicks, long requestBytes, long responseBytes)
    {
        Count++;
        var ms = durationTicks / (double)TimeSpan.TicksPerMillisecond;
        var d = Bucket(EdgeTraffic.DurationBucketsMs, ms);
        Duration[d]++;
        DurationSumMs[d] += ms;
        var q = Bucket(EdgeTraffic.ByteBuckets, requestBytes);
        RequestBytes[q]++;
        RequestBytesSum[q] += requestBytes;
        var r = Bucket(EdgeTraffic.ByteBuckets, responseBytes);
        ResponseBytes[r]++;
        ResponseBytesSum[r] += responseBytes;
    }

    /// <summary>Adds <paramref name="other"/> into this one.</summary>
    public void Add(EdgeCell other)
    {
        Count += other.Count;
        for (var i = 0; i < Duration.Length; i++) { Duration[i] += other.Duration[i]; DurationSumMs[i] += other.DurationSumMs[i]; }
        for (var i = 0; i < RequestBytes.Length; i++)
        {
            RequestBytes[i] += other.RequestBytes[i];
            RequestBytesSum[i] += other.RequestBytesSum[i];
            ResponseBytes[i] += other.ResponseBytes[i];
            ResponseBytesSum[i] += other.ResponseBytesSum[i];
        }
    }

    /// <summary>The first bucket whose upper bound holds <paramref name="value"/> (Prometheus's le: value ≤ bound).</summary>
    private static int Bucket(double[] bounds, double value)
    {
        var i = 0;
        while (i < bounds.Length && value > bounds[i]) i++;
        return i;
    }
}
