using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Lessons;

namespace ActorMesh.Tests.Scenarios.Lessons;

/// <summary>The <c>sidecar</c> lesson, run in virtual time: its crash and its measured figures.</summary>
public class SidecarLessonSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology Sidecar() => ScenarioCatalog.Find("sidecar")!.Load().Topology!;

    private System.Text.Json.Nodes.JsonObject Run(MeshTopology topology)
    {
        var mesh = StartMesh(topology);
        var crash = SidecarLesson.CrashOf(topology);
        var report = Await(mesh.ReportAsync(RunLoad(mesh)));
        var figures = SidecarLesson.Figures(report, crash, topology);
        Output?.WriteLine(figures.ToJsonString());
        return figures;
    }

    [Fact]
    public void The_built_in_file_runs_a_proxy_and_a_log_collector_in_every_pod()
    {
        var result = ScenarioCatalog.Find("sidecar")!.Load();

        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Problems));
        Assert.True(result.Topology!.Mesh.Sidecars);
        Assert.All(result.Topology.Services, s => Assert.NotNull(s.LogCollector));
    }

    [Fact]
    public void A_log_collector_crash_costs_the_app_nothing_and_loses_no_log_event()
    {
        var figures = Run(Sidecar());

        Assert.Equal("log-collector of orders-0 at 3s", (string?)figures["crashed"]);
        Assert.Equal(0, (int)figures["appRestarts"]!);
        Assert.Equal(1, (long)figures["sidecarRestarts"]!);
        Assert.Equal(100, (double)figures["okPercent"]!);
        // 500 rps for 5 s (warm-up included), logged by orders and by payments.
        Assert.Equal(5000, (long)figures["logsEmitted"]!);
        Assert.Equal(0, (long)figures["logsDropped"]!);
        Assert.True((bool)figures["logsAddUp"]!);
        // orders-0 answers ~250 requests/s: one second of outage, plus what waited for a batch, stayed in its buffer.
        Assert.InRange((long)figures["bufferPeak"]!, 250, 350);
        Assert.Contains("restarted alone", (string?)figures["takeaway"]);
    }

    [Fact]
    public void With_a_buffer_smaller_than_the_outage_the_overflow_is_dropped_and_counted()
    {
        var topology = Sidecar();
        topology = topology with { Services = [.. topology.Services.Select(s => s with { LogCollector = s.LogCollector! with { BufferSize = 200 } })] };

        var figures = Run(topology);

        Assert.InRange((long)figures["logsDropped"]!, 50, 150);
        Assert.Equal(200, (long)figures["bufferPeak"]!);
        Assert.True((bool)figures["logsAddUp"]!);
        Assert.Equal(0, (int)figures["appRestarts"]!);
    }
}
