using ActorMesh.Scenarios.Bench;

namespace ActorMesh.Tests.Scenarios.Bench;

/// <summary>The statistics behind <c>bench</c>'s medians and spreads, as plain functions.</summary>
public class BenchStatisticsTests
{
    [Fact]
    public void The_median_is_the_middle_value_or_the_mean_of_the_two_middle_ones()
    {
        Assert.Equal(3, BenchStatistics.Median([5, 1, 3, 2, 4]));
        Assert.Equal(2.5, BenchStatistics.Median([4, 1, 3, 2]));
        Assert.Equal(7, BenchStatistics.Median([7]));
    }

    [Fact]
    public void Quartiles_interpolate_between_the_closest_ranks_so_with_five_rounds_they_are_the_second_and_fourth()
    {
        var s = BenchStatistics.Summarize([50, 10, 40, 20, 30]);
        Assert.Equal(new Spread(Median: 30, Min: 10, Max: 50, Q1: 20, Q3: 40), s);
        Assert.Equal(1.75, BenchStatistics.Quantile([1, 2, 3, 4], 0.25), 12);
        Assert.Equal(3.25, BenchStatistics.Quantile([1, 2, 3, 4], 0.75), 12);
    }

    [Fact]
    public void Relative_spread_is_the_interquartile_range_over_the_median_and_relative_range_is_max_minus_min_over_it()
    {
        var s = BenchStatistics.Summarize([0.30, 0.43, 0.45, 0.50, 0.99]);
        Assert.Equal(0.07 / 0.45, s.RelativeSpread, 9);
        Assert.Equal(0.69 / 0.45, s.RelativeRange, 9);
    }

    [Fact]
    public void Identical_rounds_have_no_spread_even_at_zero_and_differing_rounds_around_zero_have_no_finite_one()
    {
        Assert.Equal(0, BenchStatistics.Summarize([0, 0, 0]).RelativeSpread);
        Assert.Equal(0, BenchStatistics.Summarize([2, 2, 2, 2, 2]).RelativeRange);
        Assert.True(double.IsNaN(BenchStatistics.Summarize([-1, 0, 1]).RelativeRange));
    }

    [Fact]
    public void Drift_is_the_change_from_the_first_round_to_the_last_as_a_share_of_the_median()
    {
        // Falls by 100 a round over 4 rounds from 900 to 500: 400 / median 700.
        Assert.Equal(-400.0 / 700, BenchStatistics.Drift([900, 800, 700, 600, 500]), 9);
        Assert.Equal(400.0 / 700, BenchStatistics.Drift([500, 600, 700, 800, 900]), 9);
    }

    [Fact]
    public void One_odd_round_is_not_a_trend_but_a_step_in_the_hosts_load_is()
    {
        Assert.Equal(0, BenchStatistics.Drift([700, 700, 300, 700, 700]), 9);
        Assert.True(BenchStatistics.Drift([700, 690, 700, 400, 410]) < -0.4);
    }

    [Fact]
    public void Steady_noise_has_little_drift()
    {
        Assert.True(Math.Abs(BenchStatistics.Drift([700, 650, 720, 680, 690])) < 0.05);
    }

    [Fact]
    public void Fewer_than_three_rounds_cannot_tell_a_trend_from_a_difference()
    {
        Assert.True(double.IsNaN(BenchStatistics.Drift([100, 200])));
        Assert.True(double.IsNaN(BenchStatistics.Drift([100])));
    }

    [Fact]
    public void No_values_have_no_median()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BenchStatistics.Median([]));
    }
}
