namespace ActorMesh.Scenarios.Bench;

/// <summary>How one figure varied over the bench's rounds.</summary>
/// <param name="Median">The middle value (the mean of the two middle ones for an even count): the headline figure.</param>
/// <param name="Min">The smallest value.</param>
/// <param name="Max">The largest value.</param>
/// <param name="Q1">The first quartile.</param>
/// <param name="Q3">The third quartile.</param>
internal sealed record Spread(double Median, double Min, double Max, double Q1, double Q3)
{
    /// <summary>The interquartile range, Q3 − Q1: where the middle half of the rounds fell.</summary>
    public double InterquartileRange => Q3 - Q1;

    /// <summary>The interquartile range over the median (0.25 = 25 %); NaN when the median is 0 and the rounds differ.</summary>
    public double RelativeSpread => Relative(InterquartileRange);

    /// <summary>Max − min over the median; NaN when the median is 0 and the rounds differ.</summary>
    public double RelativeRange => Relative(Max - Min);

    private double Relative(double width) => width == 0 ? 0 : Median == 0 ? double.NaN : width / Math.Abs(Median);
}

/// <summary>
/// The statistics behind <c>bench</c>'s medians, spreads and trust verdict: plain functions over the
/// values a figure took in each round, in round order.
/// </summary>
internal static class BenchStatistics
{
    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(IReadOnlyList<double> values) => Quantile(values, 0.5);

    /// <summary>
    /// The <paramref name="q"/>-quantile of <paramref name="values"/>, interpolating linearly between
    /// the closest ranks (Hyndman and Fan's type 7, the default of NumPy, R and Excel's QUARTILE.INC):
    /// with 5 values, Q1 is the 2nd smallest and Q3 the 4th.
    /// </summary>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count, nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1.0);
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>The median, extremes and quartiles of <paramref name="values"/>.</summary>
    public static Spread Summarize(IReadOnlyList<double> values) => new(
        Median(values), Quantile(values, 0), Quantile(values, 1), Quantile(values, 0.25), Quantile(values, 0.75));

    /// <summary>
    /// How far <paramref name="values"/> (in round order) moved from the first round to the last, as a
    /// share of their median: the Theil–Sen slope (the median of the slopes between every pair of
    /// rounds, so one odd round does not make a trend) times the rounds spanned. −0.3 means the
    /// figure fell by 30 % of its median over the run. NaN for fewer than 3 values, where a difference
    /// cannot be told from a trend, and when the median is 0.
    /// </summary>
    public static double Drift(IReadOnlyList<double> values)
    {
        var n = values.Count;
        if (n < 3) return double.NaN;
        var slopes = new double[n * (n - 1) / 2];
        var k = 0;
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
                slopes[k++] = (values[j] - values[i]) / (j - i);
        var median = Median(values);
        return median == 0 ? double.NaN : Median(slopes) * (n - 1) / Math.Abs(median);
    }
}
