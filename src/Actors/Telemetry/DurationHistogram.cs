namespace ActorMesh.Telemetry;

/// <summary>
/// Request durations in Envoy's default histogram buckets, with their exact count and sum: the shape
/// of <c>istio_request_duration_milliseconds</c> (Envoy's <c>supportedBuckets</c>,
/// source/common/stats/histogram_impl.cc: 0.5 ms to 1 hour), so a Prometheus export reads it as it is.
/// Small and fixed (20 counters), unlike an HDR histogram, so one per destination per thread costs
/// nothing to keep; the mean is exact.
/// </summary>
internal sealed class DurationHistogram
{
    /// <summary>The buckets' upper bounds (Prometheus <c>le</c>), in ms; a last bucket, +Inf, takes the rest.</summary>
    public static readonly double[] BoundsMs = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000];

    private static readonly long[] BoundsTicks = [.. BoundsMs.Select(MeshClock.FromMilliseconds)];

    /// <summary>Durations per bucket (not cumulative): [i] holds those above bound i − 1 and at most bound i; the last, those above every bound.</summary>
    public long[] Buckets { get; } = new long[BoundsMs.Length + 1];

    /// <summary>Durations recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Their sum, in ticks (100 ns).</summary>
    public long SumTicks { get; private set; }

    /// <summary>Records one duration of <paramref name="ticks"/>.</summary>
    public void Record(long ticks)
    {
        if (ticks < 0) ticks = 0;
        var i = 0;
        while (i < BoundsTicks.Length && ticks > BoundsTicks[i]) i++;
        Buckets[i]++;
        Count++;
        SumTicks += ticks;
    }

    /// <summary>Adds <paramref name="other"/> into this one.</summary>
    public void Add(DurationHistogram other) => Add(other.Buckets, other.Count, other.SumTicks);

    /// <summary>Adds buckets, a count and a sum (merging a snapshot).</summary>
    public void Add(long[] buckets, long count, long sumTicks)
    {
        if (buckets.Length != Buckets.Length) throw new InvalidDataException($"a duration histogram has {Buckets.Length} buckets, not {buckets.Length}: the nodes run different builds");
        for (var i = 0; i < buckets.Length; i++) Buckets[i] += buckets[i];
        Count += count;
        SumTicks += sumTicks;
    }

    /// <summary>Mean duration in ms (0 when nothing was recorded).</summary>
    public double MeanMs => Count == 0 ? 0 : MeshClock.ToMilliseconds(SumTicks) / Count;
}
