using System.Text.Json.Nodes;
using ActorMesh.Host.Output;
using ActorMesh.Telemetry.Metrics;
using Spectre.Console;

namespace ActorMesh.Tests.Telemetry.Metrics;

/// <summary>
/// <c>compare</c>: two reports side by side, in groups (the run, each service, each request kind, the figures),
/// each metric with A, B, B − A and the change in %, and the verdict of each <c>--fail-on</c> rule.
/// </summary>
public class ReportComparisonTests
{
    private static readonly JsonNode A = SloCheckTests.Report(p99: 40, ok: 970, retries: 10);
    private static readonly JsonNode B = SloCheckTests.Report(p99: 50, ok: 960, retries: 0);

    private static string Render(ReportComparison comparison)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 160;
        CompareView.Write(comparison, console);
        return text.ToString();
    }

    [Fact]
    public void Each_metric_has_both_values_the_difference_and_the_change_in_percent()
    {
        var c = ReportComparison.Of(A, B, "a.json", "b.json");

        var p99 = c.Metrics.Single(m => m.Metric == "p99");
        Assert.Equal(new ComparedMetric("run", "p99", MetricUnit.Milliseconds, 40, 50, 10, 0.25), p99);
        var okRate = c.Metrics.Single(m => m.Metric == "okRate");
        Assert.Equal((0.97, 0.96), (okRate.A, okRate.B));
        Assert.Equal(-0.01, okRate.Delta!.Value, 9);
        var retries = c.Metrics.Single(m => m.Metric == "mesh.retries");
        Assert.Equal((10.0, 0.0, -1.0), (retries.A, retries.B, retries.RelativeDelta));
    }

    [Fact]
    public void The_groups_are_the_run_then_each_service_each_request_kind_when_there_are_several_and_the_figures()
    {
        var c = ReportComparison.Of(A, B, "a.json", "b.json");

        Assert.Equal(["run", "services.payments", "services.pay.v2", "figures"], c.Metrics.Select(m => m.Group).Distinct());
        Assert.Contains(c.Metrics, m => m.Metric == "services.payments.errorRate" && m.A == 0.05);
        Assert.Contains(c.Metrics, m => m.Metric == "figures.hopLatencyMs.sidecar" && m.Unit == MetricUnit.Milliseconds);
        Assert.DoesNotContain(c.Metrics, m => m.Metric == "figures.takeaway"); // text is not compared
    }

    [Fact]
    public void A_metric_only_one_report_has_shows_no_value_for_the_other()
    {
        var b = B.DeepClone();
        b["figures"]!.AsObject().Add("newFigure", 3);

        var c = ReportComparison.Of(A, b, "a.json", "b.json");

        Assert.Equal(new ComparedMetric("figures", "figures.newFigure", MetricUnit.Number, null, 3, null, null), c.Metrics.Single(m => m.Metric == "figures.newFigure"));
        Assert.Contains("│ newFigure ", Render(c));
    }

    [Fact]
    public void The_rules_verdicts_decide_whether_the_comparison_passed()
    {
        RegressionRule[] rules = [new("p99:+10%", "p99", true, 0.10, true), new("okRate:-2%", "okRate", false, 0.02, true)];

        var c = ReportComparison.Of(A, B, "a.json", "b.json", rules);

        Assert.Equal([true, false], c.Regressions.Select(r => r.Regressed));
        Assert.False(c.Passed);
        Assert.True(ReportComparison.Of(A, A, "a", "a", rules).Passed);
    }

    [Fact]
    public void The_table_shows_each_value_in_its_unit_with_signed_changes_and_the_verdicts()
    {
        var text = Render(ReportComparison.Of(A, B, "a.json (shop)", "b.json (shop)", [new("p99:+10%", "p99", true, 0.10, true)]));

        Assert.Contains("A: a.json (shop)", text);
        Assert.Contains("B: b.json (shop)", text);
        Assert.Matches(@"│ p99\s+│\s+40 ms │\s+50 ms │\s+\+10 ms │\s+\+25% │", text);
        Assert.Matches(@"│ okRate\s+│\s+97% │\s+96% │\s+-1 pp │\s+-1% │", text);
        Assert.Matches(@"│ errorRate\s+│\s+5% │\s+5% │\s+0 pp │\s+0% │", text);
        Assert.Contains("services.payments", text);
        Assert.Contains("--fail-on p99:+10%: A 40 ms → B 50 ms: REGRESSION", text);
    }
}
