using System.Globalization;

namespace ActorMesh.Scenarios.Bench;

/// <summary>What the trust verdict checks of a figure.</summary>
internal enum FigureCheck
{
    /// <summary>Not checked: counts and allocations, which do not depend on the host's load.</summary>
    None,

    /// <summary>A rate: its spread, and whether it trends over the rounds (the host's load changed).</summary>
    Rate,

    /// <summary>A ratio of two rates measured in the same round: its spread.</summary>
    Ratio,

    /// <summary>A delay error in ms: its spread, ignoring differences under <see cref="BenchVerdict.DelayFloorMs"/>.</summary>
    Delay,
}

/// <summary>The values one figure took, in round order.</summary>
/// <param name="Name">The figure's name in the report.</param>
/// <param name="Check">What the verdict checks of it.</param>
/// <param name="Digits">Decimals it is written with.</param>
/// <param name="Values">One value per round, in round order.</param>
internal sealed record BenchSeries(string Name, FigureCheck Check, int Digits, IReadOnlyList<double> Values)
{
    /// <summary>A value of this figure as text, with its decimals and thousands separators (invariant culture).</summary>
    public string Format(double value) => value.ToString("N" + Digits, CultureInfo.InvariantCulture);
}

/// <summary>
/// Whether <c>bench</c>'s rounds agree enough for their medians to be trusted, and if not, why: one
/// warning per reason, written for the reader of the console and of <c>figures.warnings</c>.
/// </summary>
/// <param name="Trustworthy">True when there is no warning.</param>
/// <param name="Warnings">Why the figures should not be trusted; empty when they can be.</param>
internal sealed record BenchVerdict(bool Trustworthy, IReadOnlyList<string> Warnings)
{
    /// <summary>Fewer rounds than this cannot show a spread worth judging. 5.</summary>
    public const int MinRounds = 5;

    /// <summary>A checked figure whose interquartile range exceeds this share of its median is too spread to trust. 0.25.</summary>
    public const double SpreadLimit = 0.25;

    /// <summary>A checked figure whose max − min exceeds this share of its median has rounds that disagree (a round at half or double the others). 1.0.</summary>
    public const double RangeLimit = 1.0;

    /// <summary>A rate whose <see cref="BenchStatistics.Drift"/> exceeds this share of its median, up or down, trends: the host's load changed. 0.20.</summary>
    public const double TrendLimit = 0.20;

    /// <summary>Delay errors closer together than this (ms) are within the timer's own jitter and never too spread. 0.05.</summary>
    public const double DelayFloorMs = 0.05;

    /// <summary>Judges the <paramref name="figures"/> measured over <paramref name="rounds"/> rounds.</summary>
    public static BenchVerdict Judge(int rounds, IReadOnlyList<BenchSeries> figures)
    {
        var warnings = new List<string>();
        if (rounds < MinRounds)
            warnings.Add($"only {rounds} round{(rounds == 1 ? "" : "s")}: too few to judge the spread (use --rounds {MinRounds} or more)");
        foreach (var figure in figures)
        {
            if (figure.Check == FigureCheck.None || figure.Values.Count == 0) continue;
            var s = BenchStatistics.Summarize(figure.Values);
            var floor = figure.Check == FigureCheck.Delay ? DelayFloorMs : 0;
            if (s.InterquartileRange > floor && !(s.RelativeSpread <= SpreadLimit))
                warnings.Add($"{figure.Name} varies too much between rounds: the middle half spans {figure.Format(s.Q1)}–{figure.Format(s.Q3)}, {Percent(s.RelativeSpread)} of the median {figure.Format(s.Median)} (limit {Percent(SpreadLimit)})");
            else if (s.Max - s.Min > floor && !(s.RelativeRange <= RangeLimit))
                warnings.Add($"{figure.Name}: the rounds disagree, from {figure.Format(s.Min)} to {figure.Format(s.Max)}, a range {Percent(s.RelativeRange)} of the median {figure.Format(s.Median)} (limit {Percent(RangeLimit)})");
            if (figure.Check != FigureCheck.Rate) continue;
            var drift = BenchStatistics.Drift(figure.Values);
            if (Math.Abs(drift) > TrendLimit)
                warnings.Add($"{figure.Name} {(drift < 0 ? "fell" : "rose")} by {Percent(Math.Abs(drift))} of its median from the first round to the last: the host's load changed during the bench");
        }
        return new BenchVerdict(warnings.Count == 0, warnings);
    }

    /// <summary>A share as a whole percentage, e.g. "25 %".</summary>
    public static string Percent(double share) => double.IsFinite(share) ? (share * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "n/a (median 0)";
}
