using HdrHistogram;

namespace ActorMesh.Telemetry;

/// <summary>
/// The shape of the end-to-end latency of the measured window, for ok requests and for the answered
/// ones that were not ok (failed, or rejected with an answer): counts per latency bucket and a
/// percentile curve each. Read from the load generator's histograms once, at the end of the run.
/// </summary>
public sealed record LatencyDistributionReport
{
    /// <summary>Buckets with fixed bounds (1-2-5 per decade, ms), up to the first that holds the slowest answer; each counts latencies above the previous bound up to <c>upToMs</c>.</summary>
    public IReadOnlyList<LatencyBucket> Buckets { get; init; } = [];
    /// <summary>The percentile curve of the ok requests (ms at each of <see cref="LatencyDistribution.Percentiles"/>); empty when none.</summary>
    public IReadOnlyList<PercentilePoint> Ok { get; init; } = [];
    /// <summary>The same for the answered requests that were not ok; empty when none.</summary>
    public IReadOnlyList<PercentilePoint> NotOk { get; init; } = [];
}

/// <summary>Latencies above the previous bucket's bound up to <paramref name="UpToMs"/>: <paramref name="Ok"/> of ok requests, <paramref name="NotOk"/> of the others answered.</summary>
public sealed record LatencyBucket(double UpToMs, long Ok, long NotOk);

/// <summary>The latency (ms) at a percentile.</summary>
public sealed record PercentilePoint(double Percentile, double Ms);

/// <summary>Builds a <see cref="LatencyDistributionReport"/> from histograms of microseconds.</summary>
public static class LatencyDistribution
{
    /// <summary>The percentiles of each curve.</summary>
    public static readonly double[] Percentiles = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

    /// <summary>Bucket bounds in ms: 1-2-5 per decade from 0.1 ms to 1000 s.</summary>
    private static readonly double[] Bounds = [.. Enumerable.Range(-1, 7).SelectMany(d => new[] { 1.0, 2, 5 }.Select(m => Math.Round(m * Math.Pow(10, d), 1)))];

    /// <summary>The distribution of <paramref name="ok"/> and of <paramref name="all"/> less <paramref name="ok"/> (both µs, same layout).</summary>
    public static LatencyDistributionReport From(HistogramBase ok, HistogramBase all)
    {
        var notOk = new LongHistogram(all.HighestTrackableValue, all.NumberOfSignificantValueDigits);
        foreach (var v in all.RecordedValues())
        {
            var n = v.CountAtValueIteratedTo - ok.GetCountAtValue(v.ValueIteratedTo);
            if (n > 0) notOk.RecordValueWithCount(v.ValueIteratedTo, n);
        }
        if (all.TotalCount == 0) return new LatencyDistributionReport();
        var maxMs = all.GetMaxValue() / 1000.0;
        var buckets = new List<LatencyBucket>();
        var lowUs = -1L;
        foreach (var bound in Bounds)
        {
            var highUs = (long)(bound * 1000);
            buckets.Add(new LatencyBucket(bound, Between(ok, lowUs, highUs), Between(notOk, lowUs, highUs)));
            lowUs = highUs;
            if (bound >= maxMs) break;
        }
        return new LatencyDistributionReport { Buckets = buckets, Ok = Curve(ok), NotOk = Curve(notOk) };
    }

    /// <summary>Recorded values above <paramref name="lowUs"/> up to <paramref name="highUs"/> (by HdrHistogram's equivalent value ranges).</summary>
    private static long Between(HistogramBase h, long lowUs, long highUs)
    {
        if (h.TotalCount == 0) return 0;
        var n = 0L;
        foreach (var v in h.RecordedValues())
            if (v.ValueIteratedTo > lowUs && v.ValueIteratedTo <= highUs) n += v.CountAtValueIteratedTo;
        return n;
    }

    private static IReadOnlyList<PercentilePoint> Curve(HistogramBase h) =>
        h.TotalCount == 0 ? [] : [.. Percentiles.Select(p => new PercentilePoint(p, Math.Round(h.GetValueAtPercentile(p) / 1000.0, 3)))];
}
