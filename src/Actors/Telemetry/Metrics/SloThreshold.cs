using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ActorMesh.Telemetry.Metrics;

/// <summary>How a threshold compares the measured value with its limit.</summary>
public enum SloOperator
{
    /// <summary><c>&lt;</c></summary>
    Less,
    /// <summary><c>&lt;=</c></summary>
    LessOrEqual,
    /// <summary><c>&gt;</c></summary>
    Greater,
    /// <summary><c>&gt;=</c></summary>
    GreaterOrEqual,
    /// <summary><c>==</c></summary>
    Equal,
    /// <summary><c>!=</c></summary>
    NotEqual,
}

/// <summary>
/// A service-level objective a run must meet, as k6's thresholds: <c>metric operator value</c>, e.g.
/// <c>okRate &gt;= 99%</c> or <c>services.payments.p99 &lt;= 50ms</c>. A run that misses one exits with code 3.
/// Written in a topology file's <c>slo</c> list or with <c>run --assert</c>; read by
/// <c>ActorMesh.Scenarios.Metrics.MetricExpressions.Threshold</c>.
/// </summary>
/// <param name="Expression">The threshold as written.</param>
/// <param name="Metric">The metric's name (see <see cref="ReportMetrics"/>).</param>
/// <param name="Operator">How the measured value compares with <paramref name="Value"/>.</param>
/// <param name="Value">The limit in the metric's unit: a ratio from 0 to 1, milliseconds for a latency, seconds for a <c>...Seconds</c> metric.</param>
public sealed record SloThreshold(string Expression, string Metric, SloOperator Operator, double Value)
{
    /// <summary>
    /// A threshold made in code: <paramref name="metric"/> (a name <see cref="MetricNames.Problems(string)"/> accepts) compared by
    /// <paramref name="op"/> with <paramref name="value"/> in the metric's unit (a ratio from 0 to 1, milliseconds for a latency).
    /// </summary>
    public static SloThreshold Of(string metric, SloOperator op, double value)
    {
        var problems = MetricNames.Problems(metric);
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(metric));
        var unit = ReportMetrics.UnitOf(metric) switch
        {
            MetricUnit.Milliseconds => "ms",
            MetricUnit.Seconds => "s",
            _ => "",
        };
        return new SloThreshold(string.Create(CultureInfo.InvariantCulture, $"{metric} {Symbol(op)} {value}{unit}"), metric, op, value);
    }

    /// <summary>The operators as written, longest first (the order a reader must try them in).</summary>
    public static IReadOnlyList<(string Symbol, SloOperator Operator)> Symbols { get; } =
    [
        ("<=", SloOperator.LessOrEqual), (">=", SloOperator.GreaterOrEqual), ("==", SloOperator.Equal), ("!=", SloOperator.NotEqual),
        ("<", SloOperator.Less), (">", SloOperator.Greater),
    ];

    /// <summary>True when <paramref name="measured"/> meets the threshold. Equality allows for the rounding of the report's numbers (one part in a billion).</summary>
    public bool Holds(double measured)
    {
        var equal = Math.Abs(measured - Value) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(measured), Math.Abs(Value)));
        return Operator switch
        {
            SloOperator.Less => measured < Value && !equal,
            SloOperator.LessOrEqual => measured < Value || equal,
            SloOperator.Greater => measured > Value && !equal,
            SloOperator.GreaterOrEqual => measured > Value || equal,
            SloOperator.Equal => equal,
            _ => !equal,
        };
    }

    /// <summary>The operator as written.</summary>
    public static string Symbol(SloOperator op)
    {
        foreach (var (symbol, o) in Symbols) if (o == op) return symbol;
        throw new ArgumentOutOfRangeException(nameof(op));
    }
}

/// <summary>One threshold's verdict on a run.</summary>
/// <param name="Expression">The threshold as written.</param>
/// <param name="Metric">The metric it checks.</param>
/// <param name="Measured">The metric's value in the run (in its unit), or null when not measured.</param>
/// <param name="Passed">True when the value meets the threshold; a metric not measured fails.</param>
/// <param name="NotMeasured">Why the run has no value for the metric ("no service 'x' in the report"); null when measured.</param>
public sealed record SloResult(
    string Expression, string Metric, double? Measured, bool Passed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NotMeasured = null);

/// <summary>Checks thresholds against a run's report.</summary>
public static class SloCheck
{
    /// <summary>Each threshold's verdict on <paramref name="report"/> (a report's JSON), in order.</summary>
    public static IReadOnlyList<SloResult> Evaluate(JsonNode report, IEnumerable<SloThreshold> thresholds)
    {
        var results = new List<SloResult>();
        foreach (var t in thresholds)
        {
            var m = ReportMetrics.Measure(report, t.Metric);
            results.Add(m.Value is { } v
                ? new SloResult(t.Expression, t.Metric, v, t.Holds(v))
                : new SloResult(t.Expression, t.Metric, null, false, $"not measured: {m.Missing}"));
        }
        return results;
    }

    /// <summary>
    /// <paramref name="report"/> with the verdicts of <paramref name="thresholds"/> in its <c>slo</c> section and
    /// <c>sloPassed</c> set; unchanged when there is no threshold.
    /// </summary>
    public static RunReport Apply(RunReport report, IReadOnlyList<SloThreshold> thresholds)
    {
        if (thresholds.Count == 0) return report;
        var results = Evaluate(ReportMetrics.Json(report), thresholds);
        return report with { Slo = results, SloPassed = results.All(r => r.Passed) };
    }

    /// <summary>Reports each threshold of <paramref name="topology"/>'s <c>slo</c> that names a service or request kind the topology does not have.</summary>
    internal static void Validate(MeshTopology topology, ValidationContext root)
    {
        for (var i = 0; i < topology.Slo.Length; i++)
        {
            if (topology.Slo[i] is not { } threshold) continue; // a stand-in for one the reader reported
            foreach (var problem in MetricNames.Problems(threshold.Metric, topology)) root.At("slo", i).Error(problem);
        }
    }
}
