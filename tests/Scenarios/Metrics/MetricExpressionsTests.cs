using ActorMesh.Scenarios.Metrics;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Tests.Scenarios.Metrics;

/// <summary>
/// The expressions that gate a run: SLO thresholds (<c>metric operator value</c>) and regression rules
/// (<c>metric:change</c>). Values are read in the metric's unit; every problem of one expression is
/// reported at once, each naming what is wrong and how to write it.
/// </summary>
public class MetricExpressionsTests
{
    private static SloThreshold Threshold(string text)
    {
        var read = MetricExpressions.Threshold(text);
        Assert.True(read.Problems.Count == 0, string.Join(Environment.NewLine, read.Problems));
        return read.Value!;
    }

    [Theory]
    [InlineData("okRate>=0.99", "okRate", SloOperator.GreaterOrEqual, 0.99)]
    [InlineData("okRate >= 99%", "okRate", SloOperator.GreaterOrEqual, 0.99)]
    [InlineData("p99<=50ms", "p99", SloOperator.LessOrEqual, 50)]
    [InlineData("p99 < 1.5s", "p99", SloOperator.Less, 1500)]
    [InlineData("services.payments.errorRate<0.05", "services.payments.errorRate", SloOperator.Less, 0.05)]
    [InlineData("requestKinds.buy.p50 > 200us", "requestKinds.buy.p50", SloOperator.Greater, 0.2)]
    [InlineData("controlPlane.downSeconds == 2s", "controlPlane.downSeconds", SloOperator.Equal, 2)]
    [InlineData("mesh.retries != 0", "mesh.retries", SloOperator.NotEqual, 0)]
    [InlineData("figures.okRateDuringOutage >= 90%", "figures.okRateDuringOutage", SloOperator.GreaterOrEqual, 0.9)]
    public void A_threshold_is_read_in_its_metrics_unit(string text, string metric, SloOperator op, double value)
    {
        var t = Threshold(text);

        Assert.Equal(metric, t.Metric);
        Assert.Equal(op, t.Operator);
        Assert.Equal(value, t.Value, 9);
        Assert.Equal(text, t.Expression);
    }

    [Fact]
    public void Every_problem_of_a_threshold_is_reported_at_once()
    {
        var read = MetricExpressions.Threshold("okRat => 150");

        Assert.Null(read.Value);
        Assert.Equal(
        [
            "'=>' is not an operator: did you mean '>='?",
            "unknown metric 'okRat' (did you mean 'okRate'?): a metric of the run (okRate, errorRate, p99, ...), services.<name>.<metric>, requestKinds.<name>.<metric>, figures.<name>, or the path of a number in the report (mesh.retries)",
        ], read.Problems);
    }

    [Theory]
    [InlineData("p99 <= 50", "'p99' is a time in milliseconds, so its value is a duration (50ms, 1.5s): '50' needs a unit, e.g. '50ms' or '50s'")]
    [InlineData("okRate >= 99", "'okRate' is a ratio from 0 to 1: write 0.99 or 99%")]
    [InlineData("okRate >= 5ms", "'5ms' is a duration, but 'okRate' is a ratio")]
    [InlineData("p99 <= 5%", "'5%' is a percentage, but 'p99' is a time in milliseconds")]
    [InlineData("sent = 10", "'=' is not an operator: use '==' to compare")]
    [InlineData("p99 50ms", "no comparison: write metric, operator")]
    [InlineData("<= 50ms", "no metric before '<='")]
    [InlineData("p99 <=", "no value after '<='")]
    [InlineData("services.payments <= 1", "a service's metric is missing: services.<name>.<metric>")]
    [InlineData("services.payments.latency <= 1ms", "'latency' is not a metric of a service")]
    [InlineData("requests <= 1", "'requests' is a section, not a number")]
    [InlineData("scenario == 1", "'scenario' is text, not a number")]
    [InlineData("", "the threshold is empty")]
    public void A_malformed_threshold_names_its_problem(string text, string problem)
    {
        var read = MetricExpressions.Threshold(text);

        Assert.Null(read.Value);
        Assert.Contains(read.Problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void With_a_topology_the_services_and_request_kinds_named_must_be_its_own()
    {
        var topology = MeshTopology.Create("shop").Service("payments").Service("orders").Build();

        Assert.Empty(MetricExpressions.Threshold("services.payments.p99 <= 5ms", topology).Problems);
        Assert.Equal(["no service 'paymnts' in the topology (did you mean 'payments'?)"],
            MetricExpressions.Threshold("services.paymnts.p99 <= 5ms", topology).Problems);
        Assert.Equal(["no request kind 'buy' in the topology"],
            MetricExpressions.Threshold("requestKinds.buy.okRate >= 99%", topology).Problems);
    }

    [Theory]
    [InlineData("p99:+10%", "p99", true, 0.10, true)]
    [InlineData("okRate:-1%", "okRate", false, 0.01, true)]
    [InlineData("p99:+5ms", "p99", true, 5, false)]
    [InlineData("okRate:-0.01", "okRate", false, 0.01, false)]
    [InlineData("services.payments.errorRate:+0.5%", "services.payments.errorRate", true, 0.005, true)]
    public void A_regression_rule_says_which_way_is_worse_and_how_much_is_allowed(string text, string metric, bool increase, double limit, bool relative)
    {
        var read = MetricExpressions.Regression(text);

        Assert.Empty(read.Problems);
        Assert.Equal(new RegressionRule(text, metric, increase, limit, relative), read.Value! with { Limit = limit });
        Assert.Equal(limit, read.Value!.Limit, 9);
    }

    [Theory]
    [InlineData("p99:10%", "'10%' needs a sign: '+' when an increase is the regression (p99:+10%)")]
    [InlineData("p99", "no change: write metric:change")]
    [InlineData(":+10%", "no metric before ':'")]
    [InlineData("p99:", "no change after ':'")]
    [InlineData("p99:+5", "'5' needs a unit")]
    [InlineData("p99:+ten%", "'+ten%' is not a change")]
    [InlineData("p9:+10%", "unknown metric 'p9' (did you mean 'p90'?)")]
    public void A_malformed_regression_rule_names_its_problem(string text, string problem)
    {
        var read = MetricExpressions.Regression(text);

        Assert.Null(read.Value);
        Assert.Contains(read.Problems, p => p.Contains(problem, StringComparison.Ordinal));
    }
}
