using ActorMesh.Randomness;
using ActorMesh.Time;

namespace ActorMesh.Tests.Topology;

public class DistributionTests
{
    private const int N = 200_000;

    /// <summary>Draws <see cref="N"/> samples from a fixed seed, sorted.</summary>
    private static double[] Sample(Distribution d, ulong seed = 12345)
    {
        var random = new MeshRandom(seed);
        var samples = new double[N];
        for (var i = 0; i < N; i++) samples[i] = d.SampleMilliseconds(random);
        Array.Sort(samples);
        return samples;
    }

    private static double Mean(double[] xs) => xs.Average();

    private static double StdDev(double[] xs)
    {
        var mean = Mean(xs);
        return Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / xs.Length);
    }

    private static double Median(double[] sorted) => sorted[sorted.Length / 2];

    private static void Near(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= Math.Abs(expected) * relative,
            $"expected {expected} ± {relative:P1}, got {actual}");

    [Fact]
    public void Constant_always_returns_its_value()
    {
        var d = Distribution.Constant(7.5);
        var random = new MeshRandom(1);

        for (var i = 0; i < 100; i++) Assert.Equal(7.5, d.SampleMilliseconds(random));
        Assert.Equal(75_000, d.SampleTicks(random));
        Assert.Equal(7.5, d.MeanMilliseconds);
    }

    [Fact]
    public void Zero_is_zero()
    {
        Assert.True(Distribution.Zero.IsZero);
        Assert.False(Distribution.Constant(0.1).IsZero);
        Assert.Equal(0, Distribution.Zero.SampleTicks(new MeshRandom(1)));
    }

    [Fact]
    public void Uniform_stays_within_min_and_max_with_the_mean_and_spread_of_a_uniform()
    {
        var s = Sample(Distribution.Uniform(10, 30));

        Assert.True(s[0] >= 10 && s[^1] <= 30);
        Assert.True(s[0] < 10.01 && s[^1] > 29.99, "covers the whole range");
        Near(20, Mean(s), 0.005);
        Near(20 / Math.Sqrt(12), StdDev(s), 0.01);
    }

    [Fact]
    public void Normal_has_its_mean_and_standard_deviation()
    {
        var s = Sample(Distribution.Normal(100, 10));

        Near(100, Mean(s), 0.002);
        Near(10, StdDev(s), 0.01);
        Near(100, Median(s), 0.005);
    }

    [Fact]
    public void Normal_is_cut_at_zero_and_never_negative()
    {
        var s = Sample(Distribution.Normal(1, 5));

        Assert.Equal(0, s[0]);
        Assert.All(s, x => Assert.True(x >= 0));
        // P(1 + 5Z < 0) = P(Z < -0.2) ≈ 42 %: those samples become exactly zero.
        var zeros = s.Count(x => x == 0) / (double)N;
        Assert.InRange(zeros, 0.41, 0.43);
    }

    [Fact]
    public void LogNormal_has_its_median_and_sigma()
    {
        var s = Sample(Distribution.LogNormal(20, 0.5));

        Near(20, Median(s), 0.01);
        var logs = s.Select(x => Math.Log(x)).ToArray();
        Near(Math.Log(20), Mean(logs), 0.002);
        Near(0.5, StdDev(logs), 0.01);
        Near(Distribution.LogNormal(20, 0.5).MeanMilliseconds, Mean(s), 0.01);
        Assert.True(s[0] > 0);
    }

    [Fact]
    public void Exponential_has_its_mean_and_a_standard_deviation_equal_to_it()
    {
        var s = Sample(Distribution.Exponential(10));

        Near(10, Mean(s), 0.01);
        Near(10, StdDev(s), 0.02);
        Near(10 * Math.Log(2), Median(s), 0.01);
        Assert.True(s[0] >= 0);
    }

    [Fact]
    public void Pareto_never_goes_below_its_scale_and_has_mean_alpha_xm_over_alpha_minus_one()
    {
        const double scale = 2, alpha = 3;
        var s = Sample(Distribution.Pareto(scale, alpha));

        Assert.True(s[0] >= scale);
        Assert.True(s[0] < scale * 1.001, "the minimum is reached");
        Near(alpha * scale / (alpha - 1), Mean(s), 0.01);
        Near(alpha * scale / (alpha - 1), Distribution.Pareto(scale, alpha).MeanMilliseconds, 1e-12);
        Near(scale * Math.Pow(2, 1 / alpha), Median(s), 0.01);
    }

    [Fact]
    public void Pareto_with_alpha_at_most_one_has_an_infinite_mean_and_samples_stay_capped()
    {
        var d = Distribution.Pareto(1, 0.5);
        var s = Sample(d);

        Assert.Equal(double.PositiveInfinity, d.MeanMilliseconds);
        Assert.True(s[^1] <= Distribution.MaxSampleMilliseconds);
        Assert.True(s[0] >= 1);
    }

    [Fact]
    public void SampleTicks_is_the_millisecond_sample_in_ticks_from_the_same_stream()
    {
        var d = Distribution.Exponential(3);
        var a = new MeshRandom(77);
        var b = new MeshRandom(77);

        for (var i = 0; i < 1000; i++)
            Assert.Equal((long)(d.SampleMilliseconds(a) * MeshClock.TicksPerMillisecond), d.SampleTicks(b));
    }

    [Fact]
    public void The_same_seed_gives_the_same_samples()
    {
        var d = Distribution.LogNormal(5, 1);

        Assert.Equal(Sample(d, 99), Sample(d, 99));
        Assert.NotEqual(Sample(d, 99), Sample(d, 100));
    }

    public static TheoryData<Distribution> Valid => new()
    {
        Distribution.Zero,
        Distribution.Constant(3),
        Distribution.Uniform(0, 0),
        Distribution.Uniform(1, 2),
        Distribution.Normal(0, 0),
        Distribution.Normal(10, 3),
        Distribution.LogNormal(1, 0),
        Distribution.Exponential(0.1),
        Distribution.Pareto(1, 0.5),
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Problems_is_empty_for_valid_parameters(Distribution d) => Assert.Empty(d.Problems());

    public static TheoryData<Distribution, string> Invalid => new()
    {
        { Distribution.Constant(-1), "value must be ≥ 0 ms" },
        { Distribution.Uniform(-1, 2), "needs 0 ≤ min ≤ max" },
        { Distribution.Uniform(5, 2), "needs 0 ≤ min ≤ max" },
        { Distribution.Normal(-1, 2), "needs mean ≥ 0 and stddev ≥ 0" },
        { Distribution.Normal(1, -2), "needs mean ≥ 0 and stddev ≥ 0" },
        { Distribution.LogNormal(0, 1), "needs median > 0 and sigma ≥ 0" },
        { Distribution.LogNormal(1, -1), "needs median > 0 and sigma ≥ 0" },
        { Distribution.Exponential(0), "needs mean > 0" },
        { Distribution.Pareto(0, 2), "needs scale > 0 and shape > 0" },
        { Distribution.Pareto(1, 0), "needs scale > 0 and shape > 0" },
        { Distribution.Constant(double.NaN), "parameters must be finite numbers" },
        { Distribution.Uniform(0, double.PositiveInfinity), "parameters must be finite numbers" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Problems_names_what_is_wrong_with_bad_parameters(Distribution d, string problem) =>
        Assert.Equal([problem], d.Problems());
}
