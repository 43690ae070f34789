using ActorMesh.Time;

namespace ActorMesh.Tests.Telemetry;

/// <summary>Call durations in Envoy's default histogram buckets, with an exact count, sum and mean.</summary>
public class DurationHistogramTests
{
    private static long Ms(double ms) => MeshClock.FromMilliseconds(ms);

    [Fact]
    public void The_buckets_are_Envoys_defaults_from_half_a_millisecond_to_an_hour()
    {
        Assert.Equal([0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000], DurationHistogram.BoundsMs);
        Assert.Equal(DurationHistogram.BoundsMs.Length + 1, new DurationHistogram().Buckets.Length);
    }

    [Fact]
    public void A_duration_lands_in_the_first_bucket_whose_bound_is_at_least_as_long_as_it_and_past_every_bound_in_the_last()
    {
        var h = new DurationHistogram();
        h.Record(Ms(0.5));        // le 0.5
        h.Record(Ms(0.5) + 1);    // le 1
        h.Record(Ms(7));          // le 10
        h.Record(Ms(7_200_000));  // +Inf (two hours)
        h.Record(-5);             // a negative duration counts as zero: le 0.5

        Assert.Equal(2, h.Buckets[0]);
        Assert.Equal(1, h.Buckets[1]);
        Assert.Equal(1, h.Buckets[3]);
        Assert.Equal(1, h.Buckets[^1]);
        Assert.Equal(5, h.Count);
    }

    [Fact]
    public void The_mean_is_exact_and_adding_histograms_adds_their_counts()
    {
        var a = new DurationHistogram();
        a.Record(Ms(1.5));
        a.Record(Ms(2.5));
        var b = new DurationHistogram();
        b.Record(Ms(5));

        a.Add(b);

        Assert.Equal(3, a.Count);
        Assert.Equal(3.0, a.MeanMs, 12);
        Assert.Equal(Ms(9), a.SumTicks);
    }

    [Fact]
    public void Buckets_of_another_layout_are_refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => new DurationHistogram().Add(new long[3], 1, 1));
        Assert.Contains("different builds", e.Message);
    }
}
