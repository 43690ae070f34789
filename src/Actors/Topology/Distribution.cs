namespace ActorMesh.Topology;

/// <summary>The shape of a <see cref="Distribution"/>.</summary>
public enum DistributionKind
{
    /// <summary>Always <c>A</c> ms.</summary>
    Constant,
    /// <summary>Uniform between <c>A</c> (min) and <c>B</c> (max) ms.</summary>
    Uniform,
    /// <summary>Normal with mean <c>A</c> and standard deviation <c>B</c> ms, cut at zero.</summary>
    Normal,
    /// <summary>Log-normal with median <c>A</c> ms and shape sigma <c>B</c> (the standard deviation of ln x).</summary>
    LogNormal,
    /// <summary>Exponential with mean <c>A</c> ms.</summary>
    Exponential,
    /// <summary>Pareto with scale (minimum) <c>A</c> ms and shape alpha <c>B</c>: a heavy tail for small alpha.</summary>
    Pareto,
}

/// <summary>
/// A distribution of durations in milliseconds: service times, network hop latencies, think times.
/// One immutable record with a kind and two parameters, so sampling is a switch with no virtual call
/// or allocation, and the record serializes as plain data.
/// </summary>
public sealed record Distribution(DistributionKind Kind, double A, double B = 0)
{
    /// <summary>Samples are capped here so that a heavy tail cannot overflow time arithmetic.</summary>
    public const double MaxSampleMilliseconds = 3_600_000;

    /// <summary>Zero: no delay at all.</summary>
    public static readonly Distribution Zero = new(DistributionKind.Constant, 0);

    /// <summary>Always <paramref name="ms"/>.</summary>
    public static Distribution Constant(double ms) => new(DistributionKind.Constant, ms);
    /// <summary>Uniform in [<paramref name="minMs"/>, <paramref name="maxMs"/>].</summary>
    public static Distribution Uniform(double minMs, double maxMs) => new(DistributionKind.Uniform, minMs, maxMs);
    /// <summary>Normal, cut at zero.</summary>
    public static Distribution Normal(double meanMs, double stdDevMs) => new(DistributionKind.Normal, meanMs, stdDevMs);
    /// <summary>Log-normal with the given median and sigma (shape).</summary>
    public static Distribution LogNormal(double medianMs, double sigma) => new(DistributionKind.LogNormal, medianMs, sigma);
    /// <summary>Exponential with the given mean.</summary>
    public static Distribution Exponential(double meanMs) => new(DistributionKind.Exponential, meanMs);
    /// <summary>Pareto with scale (minimum) and shape alpha.</summary>
    public static Distribution Pareto(double scaleMs, double shape) => new(DistributionKind.Pareto, scaleMs, shape);

    /// <summary>True when every sample is zero.</summary>
    public bool IsZero => Kind == DistributionKind.Constant && A == 0;

    /// <summary>The distribution's mean in ms (infinite for Pareto with alpha ≤ 1).</summary>
    public double MeanMilliseconds => Kind switch
    {
        DistributionKind.Constant => A,
        DistributionKind.Uniform => (A + B) / 2,
        DistributionKind.Normal => A,
        DistributionKind.LogNormal => A * Math.Exp(B * B / 2),
        DistributionKind.Exponential => A,
        DistributionKind.Pareto => B <= 1 ? double.PositiveInfinity : B * A / (B - 1),
        _ => 0,
    };

    /// <summary>One sample in milliseconds (never negative).</summary>
    internal double SampleMilliseconds(MeshRandom random)
    {
        double ms;
        switch (Kind)
        {
            case DistributionKind.Constant: return A;
            case DistributionKind.Uniform: ms = A + (B - A) * random.NextDouble(); break;
            case DistributionKind.Normal: ms = A + B * random.NextGaussian(); break;
            case DistributionKind.LogNormal: ms = A * Math.Exp(B * random.NextGaussian()); break;
            case DistributionKind.Exponential: ms = -A * Math.Log(1 - random.NextDouble()); break;
            case DistributionKind.Pareto: ms = A / Math.Pow(1 - random.NextDouble(), 1 / B); break;
            default: ms = 0; break;
        }
        return ms < 0 ? 0 : ms > MaxSampleMilliseconds ? MaxSampleMilliseconds : ms;
    }

    /// <summary>One sample in clock ticks (100 ns).</summary>
    internal long SampleTicks(MeshRandom random) =>
        Kind == DistributionKind.Constant ? (long)(A * MeshClock.TicksPerMillisecond) : (long)(SampleMilliseconds(random) * MeshClock.TicksPerMillisecond);

    /// <summary>Problems with the parameters, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (double.IsNaN(A) || double.IsInfinity(A) || double.IsNaN(B) || double.IsInfinity(B))
        {
            yield return "parameters must be finite numbers";
            yield break;
        }
        switch (Kind)
        {
            case DistributionKind.Constant when A < 0: yield return "value must be ≥ 0 ms"; break;
            case DistributionKind.Uniform when A < 0 || B < A: yield return "needs 0 ≤ min ≤ max"; break;
            case DistributionKind.Normal when A < 0 || B < 0: yield return "needs mean ≥ 0 and stddev ≥ 0"; break;
            case DistributionKind.LogNormal when A <= 0 || B < 0: yield return "needs median > 0 and sigma ≥ 0"; break;
            case DistributionKind.Exponential when A <= 0: yield return "needs mean > 0"; break;
            case DistributionKind.Pareto when A <= 0 || B <= 0: yield return "needs scale > 0 and shape > 0"; break;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        DistributionKind.Constant => $"{A:0.###}ms",
        DistributionKind.Uniform => $"uniform({A:0.###}..{B:0.###}ms)",
        DistributionKind.Normal => $"normal(mean {A:0.###}ms, stddev {B:0.###}ms)",
        DistributionKind.LogNormal => $"lognormal(median {A:0.###}ms, sigma {B:0.###})",
        DistributionKind.Exponential => $"exponential(mean {A:0.###}ms)",
        DistributionKind.Pareto => $"pareto(scale {A:0.###}ms, shape {B:0.###})",
        _ => Kind.ToString(),
    };
}
