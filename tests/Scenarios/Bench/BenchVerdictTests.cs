using ActorMesh.Scenarios.Bench;

namespace ActorMesh.Tests.Scenarios.Bench;

/// <summary>When <c>bench</c> says its figures can be trusted, and the reasons it gives when they cannot.</summary>
public class BenchVerdictTests
{
    private static BenchSeries Rate(string name, params double[] values) => new(name, FigureCheck.Rate, 0, values);
    private static BenchSeries Ratio(string name, params double[] values) => new(name, FigureCheck.Ratio, 3, values);

    private static readonly BenchSeries[] Agreeing =
    [
        Rate("meshRps", 690_000, 700_000, 670_000, 710_000, 695_000),
        Rate("rawActorRps", 1_450_000, 1_500_000, 1_420_000, 1_480_000, 1_470_000),
        Ratio("meshVsRaw", 0.476, 0.467, 0.472, 0.480, 0.473),
        new("delayP99ErrorMs", FigureCheck.Delay, 3, [0.12, 0.13, 0.11, 0.125, 0.14]),
    ];

    [Fact]
    public void Five_rounds_that_agree_are_trustworthy()
    {
        var verdict = BenchVerdict.Judge(5, Agreeing);
        Assert.True(verdict.Trustworthy, string.Join("\n", verdict.Warnings));
        Assert.Empty(verdict.Warnings);
    }

    [Fact]
    public void Fewer_than_five_rounds_are_never_trustworthy()
    {
        var verdict = BenchVerdict.Judge(2, [Ratio("meshVsRaw", 0.47, 0.47)]);
        Assert.False(verdict.Trustworthy);
        Assert.Contains(verdict.Warnings, w => w.Contains("only 2 rounds") && w.Contains("--rounds 5"));
    }

    [Fact]
    public void A_ratio_whose_middle_half_spans_more_than_a_quarter_of_its_median_is_not_trusted()
    {
        var verdict = BenchVerdict.Judge(5, [.. Agreeing, Ratio("meshVsNoSidecar", 0.50, 0.75, 0.60, 0.85, 0.55)]);
        Assert.False(verdict.Trustworthy);
        var warning = Assert.Single(verdict.Warnings);
        Assert.StartsWith("meshVsNoSidecar varies too much between rounds", warning);
        Assert.Contains("0.550–0.750", warning);
    }

    [Fact]
    public void The_issues_ratios_from_four_runs_and_one_more_disagree_even_where_their_middle_half_is_tight()
    {
        // meshVsRaw 0.99, 0.50, 0.30 and 0.43 from four quiet runs (issue 11), and a fifth at 0.45.
        var verdict = BenchVerdict.Judge(5, [Ratio("meshVsRaw", 0.99, 0.50, 0.30, 0.43, 0.45)]);
        Assert.False(verdict.Trustworthy);
        Assert.Contains(verdict.Warnings, w => w.StartsWith("meshVsRaw: the rounds disagree, from 0.300 to 0.990"));
    }

    [Fact]
    public void Rates_that_fall_round_after_round_mean_the_hosts_load_changed()
    {
        var verdict = BenchVerdict.Judge(5, [Rate("meshRps", 700_000, 650_000, 600_000, 550_000, 500_000)]);
        Assert.False(verdict.Trustworthy);
        Assert.Contains(verdict.Warnings, w => w.StartsWith("meshRps fell by") && w.Contains("the host's load changed"));
    }

    [Fact]
    public void A_trend_in_a_ratio_is_judged_by_its_spread_only()
    {
        var verdict = BenchVerdict.Judge(5, [Ratio("meshVsRaw", 0.44, 0.45, 0.46, 0.47, 0.48)]);
        Assert.True(verdict.Trustworthy, string.Join("\n", verdict.Warnings));
    }

    [Fact]
    public void Delay_errors_closer_together_than_the_timers_jitter_are_never_too_spread()
    {
        var verdict = BenchVerdict.Judge(5, [new BenchSeries("delayP99ErrorMs", FigureCheck.Delay, 3, [0.02, 0.03, 0.04, 0.05, 0.06])]);
        Assert.True(verdict.Trustworthy, string.Join("\n", verdict.Warnings));
        var wide = BenchVerdict.Judge(5, [new BenchSeries("delayP99ErrorMs", FigureCheck.Delay, 3, [0.05, 0.1, 0.2, 0.4, 0.5])]);
        Assert.Contains(wide.Warnings, w => w.StartsWith("delayP99ErrorMs varies too much"));
    }

    [Fact]
    public void Counts_and_allocations_are_reported_but_not_judged()
    {
        var verdict = BenchVerdict.Judge(5, [.. Agreeing, new BenchSeries("bytesPerRequest", FigureCheck.None, 0, [100, 5_000, 20, 900, 1])]);
        Assert.True(verdict.Trustworthy, string.Join("\n", verdict.Warnings));
    }
}
