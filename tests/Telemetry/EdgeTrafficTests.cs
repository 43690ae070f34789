using ActorMesh.DataPlane;
using ActorMesh.Time;

namespace ActorMesh.Tests.Telemetry;

/// <summary>
/// One edge's traffic as the caller's router records it: Istio's buckets found by bit operations, exactly
/// as a search would; percentiles within their bucket's precision; and the report's per-edge figures.
/// </summary>
public class EdgeTrafficTests
{
    private static long Ms(double ms) => MeshClock.FromMilliseconds(ms);

    /// <summary>The bucket a linear search finds: the first whose bound is ≥ the value (Prometheus's le).</summary>
    private static int Searched(double[] bounds, double value)
    {
        var i = 0;
        while (i < bounds.Length && value > bounds[i]) i++;
        return i;
    }

    [Fact]
    public void The_buckets_are_istios_defaults_from_half_a_millisecond_to_an_hour_and_from_1_byte_to_1_GB()
    {
        Assert.Equal([0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000], EdgeBuckets.DurationBoundsMs);
        Assert.Equal(EdgeBuckets.DurationBoundsMs.Length + 1, EdgeBuckets.Duration.Count);
        Assert.Equal(11, EdgeBuckets.Size.Count);
    }

    [Fact]
    public void The_bit_trick_finds_the_same_bucket_as_a_search_at_every_bound_and_beside_it()
    {
        var values = new List<long> { 0, 1, 2, 3, long.MaxValue, Ms(7_200_000) };
        foreach (var ms in EdgeBuckets.DurationBoundsMs)
            for (var d = -2; d <= 2; d++) values.Add(Ms(ms) + d);
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++) values.Add((long)Math.Pow(2, random.NextDouble() * 40));
        foreach (var ticks in values)
            Assert.Equal(Searched(EdgeBuckets.DurationBoundsMs, ticks / (double)TimeSpan.TicksPerMillisecond), EdgeBuckets.Duration.Of(ticks));
        foreach (var b in EdgeBuckets.ByteBounds)
            for (var d = -1; d <= 1; d++)
                Assert.Equal(Searched(EdgeBuckets.ByteBounds, b + d), EdgeBuckets.Size.Of((long)b + d));
        Assert.Equal(0, EdgeBuckets.Duration.Of(-5)); // a negative duration counts as zero
    }

    [Fact]
    public void Bounds_closer_than_a_factor_of_two_are_refused_as_an_octave_would_hold_two()
    {
        var e = Assert.Throws<ArgumentException>(() => new EdgeBuckets([10, 15]));
        Assert.Contains("at least twice", e.Message);
    }

    [Fact]
    public void Duration_buckets_tile_the_range_without_gaps_and_are_at_most_a_sixteenth_wide()
    {
        for (var i = 0; i + 1 < EdgeDurations.Buckets; i++)
        {
            var (low, width) = EdgeDurations.Range(i);
            Assert.Equal(i, EdgeDurations.Index(low));
            Assert.Equal(i, EdgeDurations.Index(low + width - 1));
            Assert.Equal(low + width, EdgeDurations.Range(i + 1).Low);
            Assert.True(width == 1 || width * 16 <= low, $"bucket {i}: {width} wide at {low}");
        }
        Assert.Equal(EdgeDurations.Buckets - 1, EdgeDurations.Index(long.MaxValue));
    }

    [Fact]
    public void An_edges_report_has_its_requests_errors_percentiles_retries_and_mtls()
    {
        var e = new EdgeTraffic { Calls = 101 };
        for (var i = 1; i <= 100; i++) e.RecordCall(i <= 90 ? 200 : 503, ResponseFlags.None, mtls: true, Ms(i), 1024, 10);
        (e.Retries, e.CircuitOpened) = (10, 1);

        var r = EdgeReport.Of("api", "pay", e, clientRequests: 50, seconds: 10);

        Assert.Equal((101L, 2.02), (r.Calls, r.PerRequest));
        Assert.Equal((100L, 10.0, 90L, 10L, 0.1), (r.Requests!.Value, r.Rps!.Value, r.Ok!.Value, r.Errors!.Value, r.ErrorRate!.Value));
        Assert.Equal(50.5, r.MeanMs!.Value, 6); // exact: the sum of the durations is kept
        Assert.InRange(r.P50Ms!.Value, 50 * 0.968, 50 * 1.032);
        Assert.InRange(r.P99Ms!.Value, 99 * 0.968, 99 * 1.032);
        Assert.Equal((10L, true, 1L), (r.Retries!.Value, r.Mtls!.Value, r.CircuitOpened!.Value));
    }

    [Fact]
    public void An_edge_with_a_plaintext_request_is_not_mtls_and_merging_adds_every_count()
    {
        var a = new EdgeTraffic();
        a.RecordCall(200, ResponseFlags.None, mtls: true, Ms(1), 1, 1);
        var b = new EdgeTraffic();
        b.RecordCall(200, ResponseFlags.None, mtls: false, Ms(3), 1, 1);
        b.Retries = 1;
        b.RecordAnswer(200, ResponseFlags.None, mtls: false, Ms(2), 1, 1);

        a.Add(b);

        var r = EdgeReport.Of("a", "b", a, 1, 1);
        Assert.Equal((2L, false, 1L, 2.0), (r.Requests!.Value, r.Mtls!.Value, r.Retries!.Value, r.MeanMs!.Value));
        Assert.Equal(2, a.Source.All().Count());
        Assert.Equal(1, Assert.Single(a.Destination.All()).Cell.Count);
    }

    [Fact]
    public void A_combination_is_found_again_by_status_flags_and_mtls_and_the_committed_flag_is_not_shown()
    {
        var cells = new EdgeCells();
        var ok = cells.Cell(200, ResponseFlags.None, true);
        Assert.Same(ok, cells.Cell(200, ResponseFlags.Committed, true));
        Assert.NotSame(ok, cells.Cell(200, ResponseFlags.None, false));
        Assert.NotSame(ok, cells.Cell(503, ResponseFlags.None, true));
        var flagged = cells.Cell(503, ResponseFlags.UpstreamOverflow, true);
        Assert.Same(flagged, cells.Cell(503, ResponseFlags.UpstreamOverflow, true));
        Assert.Equal([(200, ResponseFlags.None, true), (200, ResponseFlags.None, false), (503, ResponseFlags.None, true), (503, ResponseFlags.UpstreamOverflow, true)],
            cells.All().Select(c => (c.Status, c.Flags, c.Mtls)));
    }
}
