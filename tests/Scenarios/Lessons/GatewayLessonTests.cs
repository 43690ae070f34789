using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Lessons;

namespace ActorMesh.Tests.Scenarios.Lessons;

/// <summary>The built-in <c>gateway</c> lesson: its file runs, and its figures show what a BFF gateway buys over a mobile link.</summary>
public class GatewayLessonTests(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology BuiltIn()
    {
        var loaded = ScenarioCatalog.Find("gateway")!.Load();
        Assert.True(loaded.Ok, string.Join(Environment.NewLine, loaded.Problems));
        return loaded.Topology!;
    }

    [Fact]
    public void Four_sequential_calls_over_the_mobile_link_cost_about_four_times_one_call_through_the_gateway()
    {
        var topology = BuiltIn();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));
        var figures = GatewayLesson.Figures(topology, report);
        Output?.WriteLine(figures.ToJsonString());

        Assert.True(report.Outcomes.AddsUp);
        // Four ~80 ms round trips plus a few ms of mesh and service time each, against one round trip
        // plus the slowest backend: the figures are measured, so they are checked against the physics.
        Assert.InRange((double)figures["clientSequentialP50Ms"]!, 4 * 80, 4 * 95);
        Assert.InRange((double)figures["viaGatewayP50Ms"]!, 80, 100);
        Assert.InRange((double)figures["sequentialOverGateway"]!, 3.5, 4.3);
        Assert.True((long)figures["authRejected"]! > 0, "some bad tokens were refused");
        Assert.Equal(report.Gateway.AuthRejected, (long)figures["authRejected"]!);
        Assert.True((long)figures["rateLimited"]! > 0, "the poll's rate limit was hit");
        Assert.InRange((double)figures["cacheHitRatio"]!, 0.8, 1.0);
        Assert.Contains("4 sequential calls", (string)figures["takeaway"]!);
        // The second BFF answered over its own, shorter link.
        Assert.True(report.RequestKinds["web-dashboard"].LatencyMs.P50 < 30);
    }

    [Fact]
    public void Figures_the_topology_gives_no_measurement_for_are_left_out()
    {
        var topology = BuiltIn();
        topology = topology with { Load = topology.Load with { Requests = [.. topology.Load.Requests.Where(r => !r.IsJourney)], Duration = TimeSpan.FromSeconds(1) } };
        var mesh = StartMesh(topology);

        var figures = GatewayLesson.Figures(topology, Await(mesh.ReportAsync(RunLoad(mesh))));

        Assert.False(figures.ContainsKey("clientSequentialP50Ms"));
        Assert.False(figures.ContainsKey("sequentialOverGateway"));
        Assert.True(figures.ContainsKey("viaGatewayP50Ms"));
    }
}

/// <summary>The lesson as <c>run gateway</c> runs it: in real time, its own ActorSystem, figures in the report.</summary>
public class GatewayLessonRunTests
{
    [Fact]
    public async Task Run_gateway_reports_its_figures()
    {
        var scenario = ScenarioCatalog.Find("gateway")!;
        var topology = scenario.Load().Topology!;

        var report = await scenario.RunAsync(topology, new RunOptions { Duration = TimeSpan.FromMilliseconds(500) }, CancellationToken.None);

        Assert.True(report.Outcomes.AddsUp);
        foreach (var figure in new[] { "clientSequentialP50Ms", "viaGatewayP50Ms", "sequentialOverGateway", "authRejected", "rateLimited", "cacheHitRatio" })
            Assert.True(report.Figures.ContainsKey(figure), figure);
        // The ratio itself is asserted in virtual time (GatewayExperiments, the lesson's specs): a half-second
        // real-time run on a loaded CI machine measures the machine as much as the mesh.
        Assert.True((double)report.Figures["sequentialOverGateway"]! > 0);
    }
}
