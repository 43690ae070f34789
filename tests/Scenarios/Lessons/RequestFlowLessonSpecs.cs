using System.Text.Json.Nodes;
using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Lessons;

namespace ActorMesh.Tests.Scenarios.Lessons;

/// <summary>The built-in <c>request-flow</c> lesson in virtual time: what crossing the network costs a request, and what it does to failures.</summary>
public class RequestFlowLessonSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology BuiltIn()
    {
        var loaded = ScenarioCatalog.Find("request-flow")!.Load();
        Assert.True(loaded.Ok, string.Join(Environment.NewLine, loaded.Problems));
        return loaded.Topology!;
    }

    /// <summary>Runs the built-in lesson; returns its report and figures.</summary>
    private (RunReport Report, JsonObject Figures) Run()
    {
        var mesh = StartMesh(BuiltIn());
        var report = Await(mesh.ReportAsync(RunLoad(mesh)));
        var figures = RequestFlowLesson.Figures(report);
        Out.WriteLine(figures.ToJsonString());
        return (report, figures);
    }

    [Fact]
    public void The_same_request_across_the_network_takes_several_times_as_long_and_fails_half_committed()
    {
        var (report, f) = Run();

        Assert.True(report.Outcomes.AddsUp);
        // The monolith: gateway → shop and back (two 0.5 ms legs, a sidecar), four 100 ns module calls, one 0.5 ms commit.
        var monolith = (double)f["monolithP50Ms"]!;
        Assert.InRange(monolith, 1.4, 2.0);
        // The microservices: four more round trips through two sidecars each, and a commit at every service.
        var services = (double)f["microservicesP50Ms"]!;
        Assert.InRange(services, monolith + 4 * 1.0, monolith + 4 * 2.5);
        Assert.Equal(Math.Round(services / monolith, 2), (double)f["latencyRatio"]!);
        Assert.True((double)f["latencyRatio"]! > 3);
        // The four module calls are observed, in-process, once per monolith request.
        var calls = report.CallGraph.Modules["shop"];
        Assert.Equal(4, calls.Count);
        Assert.All(calls, c => Assert.Equal(calls[0].Calls, c.Calls));
    }

    [Fact]
    public void One_call_takes_nanoseconds_in_process_and_milliseconds_across_the_network()
    {
        var (report, f) = Run();

        // A module call costs 100 ns by default: measured as the sampled costs over the calls, from telemetry.
        Assert.Equal(100, (double)f["inProcessCallNs"]!);
        // checkout → a service and back as checkout's app waits for it: its sidecar (0.1 ms), a 0.5 ms hop, the callee's
        // sidecar (0.1 ms), the callee's 0.5 ms commit (none when shipping fails first, 3 %), a 0.5 ms hop back.
        var network = (double)f["networkCallMs"]!;
        Assert.InRange(network, 1.6, 1.8);
        // "nanoseconds vs milliseconds": four orders of magnitude.
        Assert.Equal(Math.Round(network * 1_000_000 / 100), (double)f["perCallRatio"]!);
        Assert.True((double)f["perCallRatio"]! >= 1_000);
        // The per-call figure is the edges' own: every call checkout made, as its sidecar timed it.
        var edges = report.CallGraph.Edges.Where(e => e.From == "checkout").ToList();
        Assert.Equal(4, edges.Count);
        Assert.All(edges, e => Assert.InRange(e.MeanMs!.Value, 1.1, 1.8));
        Assert.Null(report.CallGraph.Modules["shop"][0].MeanMs);
    }

    [Fact]
    public void Shipping_fails_as_often_in_both_but_only_the_microservices_leave_committed_work_behind()
    {
        var (report, f) = Run();

        // 3 % of ~1,500 requests of each kind.
        Assert.InRange((long)f["monolithFailed"]!, 20, 75);
        Assert.InRange((long)f["microservicesFailed"]!, 20, 75);
        Assert.Equal(0, (long)f["monolithPartialFailures"]!);
        // Every failed checkout had already committed its order, stock and payment.
        Assert.Equal((long)f["microservicesFailed"]!, (long)f["partialFailures"]!);
        Assert.Equal(report.CallGraph.PartialFailures, (long)f["partialFailures"]!);
    }

    [Fact]
    public void Figures_the_topology_gives_no_measurement_for_are_left_out()
    {
        var topology = BuiltIn();
        topology = topology with { Load = topology.Load with { Requests = [.. topology.Load.Requests.Where(r => r.Name == RequestFlowLesson.Monolith)], Duration = TimeSpan.FromSeconds(1) } };
        var mesh = StartMesh(topology);

        var f = RequestFlowLesson.Figures(Await(mesh.ReportAsync(RunLoad(mesh))));

        Assert.True(f.ContainsKey("monolithP50Ms"));
        Assert.False(f.ContainsKey("microservicesP50Ms"));
        Assert.False(f.ContainsKey("latencyRatio"));
        Assert.False(f.ContainsKey("partialFailures"));
        Assert.True(f.ContainsKey("inProcessCallNs"));
        Assert.False(f.ContainsKey("networkCallMs"));
        Assert.False(f.ContainsKey("perCallRatio"));
    }
}

/// <summary>The lesson as <c>run request-flow</c> runs it: in real time, its own ActorSystem, figures in the report.</summary>
public class RequestFlowLessonRunTests
{
    [Fact]
    public async Task Run_request_flow_reports_its_figures()
    {
        var scenario = ScenarioCatalog.Find("request-flow")!;

        var report = await scenario.RunAsync(scenario.Load().Topology!, new RunOptions { Duration = TimeSpan.FromMilliseconds(500), Warmup = TimeSpan.Zero }, CancellationToken.None);

        Assert.True(report.Outcomes.AddsUp);
        foreach (var figure in new[] { "monolithP50Ms", "microservicesP50Ms", "latencyRatio", "partialFailures", "inProcessCallNs", "networkCallMs", "perCallRatio" })
            Assert.True(report.Figures.ContainsKey(figure), figure);
        Assert.True((double)report.Figures["latencyRatio"]! > 1);
    }
}
