using System.Text.Json.Serialization;

namespace ActorMesh.Telemetry.Metrics;

/// <summary>
/// A regression check of <c>compare --fail-on</c>: <c>metric:change</c>, where the change's sign says which way is
/// worse and its size how much of it is allowed: <c>p99:+10%</c> (B's p99 more than 10 % above A's is a
/// regression), <c>okRate:-1%</c> (more than 1 % below), <c>p99:+5ms</c> (more than 5 ms above).
/// Read by <c>ActorMesh.Scenarios.Metrics.MetricExpressions.Regression</c>.
/// </summary>
/// <param name="Expression">The rule as written.</param>
/// <param name="Metric">The metric it checks (see <see cref="ReportMetrics"/>).</param>
/// <param name="Increase">True: an increase is the regression (<c>+</c>); false: a decrease is (<c>-</c>).</param>
/// <param name="Limit">How much change is allowed (not negative): a fraction of A's value when <paramref name="Relative"/>, else in the metric's unit.</param>
/// <param name="Relative">True for a percentage of A's value; false for an amount.</param>
public sealed record RegressionRule(string Expression, string Metric, bool Increase, double Limit, bool Relative)
{
    /// <summary>
    /// True when going from <paramref name="a"/> to <paramref name="b"/> changes the metric by more than the limit in the
    /// worse direction. Relative to an A of 0, any change that way is more than any percentage.
    /// </summary>
    public bool Regressed(double a, double b)
    {
        var change = Increase ? b - a : a - b;
        if (change <= 0) return false;
        if (!Relative) return change > Limit * (1 + 1e-12);
        return a == 0 || change / Math.Abs(a) > Limit * (1 + 1e-12);
    }

    /// <summary>Checks this rule on two reports' JSON.</summary>
    public RegressionResult Check(System.Text.Json.Nodes.JsonNode a, System.Text.Json.Nodes.JsonNode b)
    {
        var ma = ReportMetrics.Measure(a, Metric);
        var mb = ReportMetrics.Measure(b, Metric);
        if (ma.Value is { } va && mb.Value is { } vb) return new RegressionResult(Expression, Metric, va, vb, Regressed(va, vb));
        var missing = ma.Missing is { } inA ? $"not measured in A: {inA}" : $"not measured in B: {mb.Missing}";
        return new RegressionResult(Expression, Metric, ma.Value, mb.Value, true, missing);
    }
}

/// <summary>One regression rule's verdict on two reports.</summary>
/// <param name="Rule">The rule as written.</param>
/// <param name="Metric">The metric it checks.</param>
/// <param name="A">The metric in A (the baseline), or null when not measured.</param>
/// <param name="B">The metric in B, or null when not measured.</param>
/// <param name="Regressed">True when B is worse than A by more than the rule allows; a metric not measured in either counts as regressed.</param>
/// <param name="NotMeasured">Why a value is missing; null when both were measured.</param>
public sealed record RegressionResult(
    string Rule, string Metric, double? A, double? B, bool Regressed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NotMeasured = null);
