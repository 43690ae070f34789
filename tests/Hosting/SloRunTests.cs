using System.Text.Json.Nodes;
using ActorMesh.Scenarios.Lessons;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Tests.Hosting;

/// <summary>
/// SLO thresholds and comparisons from the library, on runs in virtual time: a topology's thresholds are
/// checked on its report, and the same topology run without the mesh shows what the sidecars cost, hop by hop.
/// </summary>
public class SloRunTests
{
    /// <summary>edge → api → payments, every time constant: 1 ms of service time each, 0.5 ms per hop, 0.2 ms per sidecar.</summary>
    private static TopologyBuilder Shop() => MeshTopology.Create("shop")
        .Gateway("edge", g => g.Route("/", "api"))
        .Service("api", s => s.Replicas(2).ServiceTime(Distribution.Constant(1)).Call("payments"))
        .Service("payments", s => s.Replicas(2).ServiceTime(Distribution.Constant(1)))
        .Latency(Distribution.Constant(0.5))
        .ProxyLatency(Distribution.Constant(0.2))
        .Load(l => l with { Rps = 100, Warmup = TimeSpan.FromMilliseconds(500), Duration = TimeSpan.FromSeconds(2), Clock = ClockMode.Virtual });

    [Fact]
    public async Task A_topologys_thresholds_are_checked_on_its_report_each_with_its_value()
    {
        var topology = Shop().Slo(
                SloThreshold.Of("okRate", SloOperator.GreaterOrEqual, 0.99),
                SloThreshold.Of("p99", SloOperator.LessOrEqual, 2),
                SloThreshold.Of("services.payments.errorRate", SloOperator.Less, 0.05))
            .Build();

        var report = await MeshRunner.RunAsync(topology);

        Assert.Equal(["okRate >= 0.99", "p99 <= 2ms", "services.payments.errorRate < 0.05"], report.Slo.Select(r => r.Expression));
        Assert.Equal([true, false, true], report.Slo.Select(r => r.Passed));
        Assert.Equal(1, report.Slo[0].Measured);
        Assert.True(report.Slo[1].Measured > 2, $"p99 {report.Slo[1].Measured} ms"); // the threshold is missed
        Assert.Equal(report.LatencyMs.P99, report.Slo[1].Measured);
        Assert.False(report.SloPassed);
        var json = JsonNode.Parse(report.ToJson())!;
        Assert.False((bool?)json["sloPassed"]);
        Assert.Equal("p99 <= 2ms", (string?)json["slo"]![1]!["expression"]);
        Assert.Equal(report.Slo, RunReport.FromJson(report.ToJson())!.Slo);
    }

    [Fact]
    public async Task A_topology_without_thresholds_has_no_verdict()
    {
        var report = await MeshRunner.RunAsync(Shop().Build());

        Assert.Empty(report.Slo);
        Assert.Null(report.SloPassed);
        Assert.Null(JsonNode.Parse(report.ToJson())!["comparison"]);
    }

    [Fact]
    public async Task Without_the_mesh_the_same_requests_are_faster_by_the_sidecars_on_their_path()
    {
        var topology = Shop().Build();

        var without = await MeshRunner.RunAsync(MeshLesson.WithoutMesh(topology));
        var with = await MeshRunner.RunAsync(topology);
        var comparison = ReportComparison.Of(ReportMetrics.Json(without), ReportMetrics.Json(with), "without mesh", "with mesh");

        // api in, api out, payments in: three sidecars of 0.2 ms on the way of each request.
        var hops = MeshLesson.SidecarHopsPerRequest(topology);
        Assert.Equal(3, hops);
        var p50 = comparison.Metrics.Single(m => m.Metric == "p50");
        Assert.Equal("run", p50.Group);
        Assert.Equal(MetricUnit.Milliseconds, p50.Unit);
        Assert.Equal(hops * 0.2, p50.Delta!.Value, 2);
        Assert.Equal(p50.Delta / p50.A, p50.RelativeDelta);
        var sent = comparison.Metrics.Single(m => m.Metric == "sent");
        Assert.Equal((with.Requests.Sent, with.Requests.Sent, 0.0), (sent.A, sent.B, sent.Delta));
        Assert.Contains(comparison.Metrics, m => m.Group == "services.payments" && m.Metric == "services.payments.p50");
        Assert.Null(comparison.Passed);
    }
}
