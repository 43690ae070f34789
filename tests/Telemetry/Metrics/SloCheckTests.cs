using System.Text.Json.Nodes;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Tests.Telemetry.Metrics;

/// <summary>
/// Thresholds and regression rules checked on reports' JSON: the metric names of <see cref="ReportMetrics"/>
/// measure the same numbers the report holds, a metric the run did not measure fails its threshold with the
/// reason, and a rule's sign says which way is worse.
/// </summary>
public class SloCheckTests
{
    /// <summary>A report's JSON as the runner writes it: 1,000 sent, 970 ok, 20 failed, 10 timed out.</summary>
    internal static JsonNode Report(double p99 = 42.5, long ok = 970, long retries = 12) => JsonNode.Parse($$"""
        {
          "scenario": "shop",
          "requests": { "sent": 1000, "ok": {{ok}}, "failed": {{990 - ok}}, "timedOut": 10, "rejected": 0, "inFlight": 0 },
          "outcomes": { "degraded": 5 },
          "latencyMs": { "p50": 3.5, "p90": 20, "p99": {{p99}}, "p999": 60, "max": 80, "mean": 6 },
          "throughputRps": 100, "goodputRps": {{ok / 10.0}},
          "mesh": { "retries": {{retries}}, "timeouts": 3 },
          "controlPlane": { "downSeconds": 2.5 },
          "services": {
            "payments": { "instances": 3, "requests": 400, "ok": 380, "errors": 20, "latencyMs": { "p50": 1.5, "p99": 9 }, "upstream": { "retries": 7 } },
            "pay.v2": { "instances": 1, "requests": 10, "ok": 10, "errors": 0 }
          },
          "requestKinds": { "buy": { "requests": { "sent": 100, "ok": 90, "failed": 10, "timedOut": 0 }, "degraded": 0, "latencyMs": { "p99": 30 } } },
          "figures": { "okRateDuringOutage": 0.8, "hopLatencyMs": { "sidecar": 0.2 }, "takeaway": "text" }
        }
        """)!;

    [Theory]
    [InlineData("okRate", 0.97)]
    [InlineData("errorRate", 0.03)]
    [InlineData("failedRate", 0.02)]
    [InlineData("degradedRate", 0.005)]
    [InlineData("p99", 42.5)]
    [InlineData("goodputRps", 97)]
    [InlineData("mesh.retries", 12)]
    [InlineData("controlPlane.downSeconds", 2.5)]
    [InlineData("services.payments.errorRate", 0.05)]
    [InlineData("services.payments.okRate", 0.95)]
    [InlineData("services.payments.p99", 9)]
    [InlineData("services.payments.retries", 7)]            // an upstream counter by its own name
    [InlineData("services.payments.upstream.retries", 7)]
    [InlineData("services.pay.v2.requests", 10)]             // a service name with a dot
    [InlineData("requestKinds.buy.okRate", 0.9)]
    [InlineData("requestKinds.buy.p99", 30)]
    [InlineData("figures.okRateDuringOutage", 0.8)]
    [InlineData("figures.hopLatencyMs.sidecar", 0.2)]
    public void A_metric_measures_the_number_the_report_holds(string metric, double expected)
    {
        var m = ReportMetrics.Measure(Report(), metric);

        Assert.Null(m.Missing);
        Assert.Equal(expected, m.Value!.Value, 9);
    }

    [Theory]
    [InlineData("services.orders.p99", "no service 'orders' in the report")]
    [InlineData("figures.convergenceMs", "the run has no figure 'convergenceMs'")]
    [InlineData("figures.takeaway", "'figures.takeaway' is text, not a number")]
    [InlineData("failedP99", "the report has no 'failedLatencyMs.p99'")]
    [InlineData("gateway.rateLimited", "the report has no 'gateway.rateLimited'")]
    public void A_metric_the_run_did_not_measure_says_why(string metric, string why)
    {
        var m = ReportMetrics.Measure(Report(), metric);

        Assert.Null(m.Value);
        Assert.Equal(why, m.Missing);
    }

    [Fact]
    public void Each_threshold_passes_or_fails_on_its_measured_value_and_one_not_measured_fails()
    {
        SloThreshold[] thresholds =
        [
            new("okRate >= 99%", "okRate", SloOperator.GreaterOrEqual, 0.99),
            new("p99 <= 50ms", "p99", SloOperator.LessOrEqual, 50),
            new("services.payments.errorRate < 5%", "services.payments.errorRate", SloOperator.Less, 0.05),
            new("figures.nothing > 0", "figures.nothing", SloOperator.Greater, 0),
        ];

        var results = SloCheck.Evaluate(Report(), thresholds);

        Assert.Equal(
        [
            new SloResult("okRate >= 99%", "okRate", 0.97, false),
            new SloResult("p99 <= 50ms", "p99", 42.5, true),
            new SloResult("services.payments.errorRate < 5%", "services.payments.errorRate", 0.05, false), // 5 % is not below 5 %
            new SloResult("figures.nothing > 0", "figures.nothing", null, false, "not measured: the run has no figure 'nothing'"),
        ], results);
    }

    [Theory]
    [InlineData(SloOperator.Less, 0.05, 0.05, false)]
    [InlineData(SloOperator.LessOrEqual, 0.05, 0.05, true)]
    [InlineData(SloOperator.LessOrEqual, 0.1 + 0.2, 0.3, true)]    // the report's rounding is not a miss
    [InlineData(SloOperator.Greater, 1, 0.999, true)]
    [InlineData(SloOperator.GreaterOrEqual, 0.98, 0.99, false)]
    [InlineData(SloOperator.Equal, 3, 3, true)]
    [InlineData(SloOperator.NotEqual, 3, 3, false)]
    public void A_threshold_holds_by_its_operator(SloOperator op, double measured, double limit, bool holds) =>
        Assert.Equal(holds, new SloThreshold("t", "m", op, limit).Holds(measured));

    [Theory]
    [InlineData(true, 0.10, true, 40, 44, false)]     // +10 % exactly is allowed
    [InlineData(true, 0.10, true, 40, 44.1, true)]
    [InlineData(true, 0.10, true, 40, 30, false)]     // better is never a regression
    [InlineData(false, 0.01, true, 0.99, 0.98, true)] // okRate:-1 % from 99 %: 0.98 is 1.01 % below
    [InlineData(false, 0.01, false, 0.99, 0.98, false)] // okRate:-0.01: one point is allowed
    [InlineData(true, 5, false, 40, 45, false)]
    [InlineData(true, 5, false, 40, 45.5, true)]
    [InlineData(true, 0.5, true, 0, 1, true)]         // from 0, any increase is more than any percentage
    public void A_regression_is_a_change_the_worse_way_beyond_the_limit(bool increase, double limit, bool relative, double a, double b, bool regressed) =>
        Assert.Equal(regressed, new RegressionRule("r", "m", increase, limit, relative).Regressed(a, b));

    [Fact]
    public void A_rule_on_a_metric_one_report_lacks_counts_as_a_regression_and_says_which()
    {
        var result = new RegressionRule("figures.x:+1%", "figures.x", true, 0.01, true).Check(Report(), Report());

        Assert.True(result.Regressed);
        Assert.Equal("not measured in A: the run has no figure 'x'", result.NotMeasured);
    }
}
