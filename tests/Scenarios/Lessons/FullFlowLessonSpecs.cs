using System.Text.Json.Nodes;
using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Lessons;

namespace ActorMesh.Tests.Scenarios.Lessons;

/// <summary>
/// The built-in <c>full-flow</c> scenario, run in virtual time with its own file: catalog-0 turns
/// unhealthy at 2 s, reviews dies at 3 s and recovers at 4.5 s (load time, warm-up of 1 s included).
/// storefront's call to reviews is optional, so the outage degrades product pages rather than failing them.
/// </summary>
public class FullFlowLessonSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology BuiltIn()
    {
        var loaded = ScenarioCatalog.Find("full-flow")!.Load();
        Assert.True(loaded.Ok, string.Join(Environment.NewLine, loaded.Problems));
        return loaded.Topology!;
    }

    /// <summary>The built-in file with storefront's call to reviews required again: fail fast, but fail.</summary>
    private static MeshTopology WithoutDegradation()
    {
        var topology = BuiltIn();
        var storefront = topology.Services.Single(s => s.Name == "storefront");
        var script = storefront.Script.Select(step => step is CallStep { Call: { Service: "reviews" } call } ? new CallStep(call with { Optional = false }) : step);
        Assert.Contains(storefront.Script, step => step is CallStep { Call: { Service: "reviews", Optional: true } });
        return topology with { Services = topology.Services.Replace(storefront, storefront with { Script = [.. script] }) };
    }

    private (RunReport Report, JsonObject Figures) Run(MeshTopology? topology = null)
    {
        var mesh = StartMesh(topology ?? BuiltIn());
        var report = Await(mesh.ReportAsync(RunLoad(mesh)));
        var figures = FullFlowLesson.Figures(report);
        Out.WriteLine(figures.ToJsonString());
        Out.WriteLine("failed per second: " + string.Join(" ", report.Timeline.Select(t => t.Failed)));
        Out.WriteLine("degraded per second: " + string.Join(" ", report.Timeline.Select(t => t.Degraded)));
        return (report, figures);
    }

    [Fact]
    public void Retries_move_the_unhealthy_instances_calls_to_healthy_replicas_so_no_catalog_call_fails()
    {
        var (report, figures) = Run();

        var catalog = report.Services["catalog"];
        var sick = catalog.PerInstance["catalog-0"].Errors;
        Assert.True(sick > 500, $"catalog-0 answered 503s: {sick}");
        // Every 503 of catalog-0 was retried, and no retry failed: the other replicas took them.
        Assert.Equal(sick, catalog.Upstream[ServiceCounter.Retries]);
        Assert.Equal(catalog.Upstream[ServiceCounter.Calls], catalog[ServiceCounter.Ok]);   // one ok answer per call
        Assert.Equal(0, catalog.PerInstance["catalog-1"].Errors + catalog.PerInstance["catalog-2"].Errors);
        Assert.Equal(0, report.Mesh[ServiceCounter.RetriesOverflowed] + report.Mesh[ServiceCounter.RetriesExhausted]);
        Assert.Equal(report.Mesh[ServiceCounter.Retries], (long)figures["retries"]!);
        // So every degraded page is one whose call to reviews failed, and none failed.
        var reviews = report.Services["reviews"];
        var storefront = report.Services["storefront"];
        Assert.Equal(0, storefront[ServiceCounter.Errors]);
        Assert.Equal(reviews[ServiceCounter.Errors] + reviews.Upstream[ServiceCounter.RejectedByCircuit], reviews.Upstream[ServiceCounter.OptionalSkipped]);
        Assert.Equal(reviews.Upstream[ServiceCounter.OptionalSkipped], storefront[ServiceCounter.Degraded]);
    }

    [Fact]
    public void The_dead_dependencys_circuit_opens_keeps_calls_off_it_and_closes_once_it_has_recovered()
    {
        var (report, figures) = Run();

        var reviews = report.Services["reviews"];
        // Each of the two storefront sidecars has its own breaker: it opens at 3 s, its probe at 4 s
        // fails and opens it again, its probe at 5 s (reviews is back since 4.5 s) closes it.
        Assert.Equal(4, (long)figures["circuitOpened"]!);
        Assert.Equal(2, (long)figures["circuitClosed"]!);
        Assert.Equal(2, reviews.Upstream[ServiceCounter.CircuitClosed]);
        // While open, calls fail in the caller's sidecar: reviews itself saw only the failures that
        // opened the breakers (5 in a row each) and the failed probes, a few more in flight.
        var rejected = (long)figures["rejectedByCircuit"]!;
        Assert.True(rejected > 250, $"rejected by the open circuits: {rejected}");
        Assert.InRange(reviews[ServiceCounter.Errors], 2 * 5 + 2, 2 * 5 + 2 + 6);
        // Product pages were served without reviews from 3 s until the circuits closed soon after 5 s;
        // none before (second 0 of the measured window is 1 s into the load) and none after. None failed.
        var degraded = report.Timeline.Select(t => t.Degraded).ToArray();
        Assert.Equal(0, degraded[0]);
        Assert.InRange(degraded[1], 0, 10);
        Assert.All(degraded[2..4], d => Assert.InRange(d, 120, 200));
        Assert.InRange(degraded[4], 0, 15);
        Assert.Equal(0, degraded[5]);
        Assert.All(report.Timeline, t => Assert.Equal(0, t.Failed));
        Assert.Equal(1.0, (double)figures["okRate"]!);
        Assert.InRange((double)figures["degradedRate"]!, 0.10, 0.14);
        Assert.Equal(Math.Round((double)report.Outcomes.Degraded / report.Requests.Sent, 4), (double)figures["degradedRate"]!);
        Assert.True(report.Outcomes.AddsUp);
    }

    [Fact]
    public void Without_the_optional_call_the_circuit_fails_the_product_pages_fast_but_they_fail()
    {
        var (degrade, _) = Run();
        var (report, figures) = Run(WithoutDegradation());

        // The same outage, the same circuits: what the pages whose reviews failed got is all that differs.
        Assert.Equal(degrade.Mesh[ServiceCounter.CircuitOpened], report.Mesh[ServiceCounter.CircuitOpened]);
        Assert.Equal(degrade.Outcomes.Degraded, report.Requests.Failed);
        Assert.InRange((double)figures["okRate"]!, 0.85, 0.92);
        Assert.Equal(0.0, (double)figures["degradedRate"]!);
        var failed = report.Timeline.Select(t => t.Failed).ToArray();
        Assert.All(failed[2..4], f => Assert.InRange(f, 120, 200));
        Assert.Equal(0, report.Services["reviews"].Upstream[ServiceCounter.OptionalSkipped]);
        Assert.True(report.Outcomes.AddsUp);
    }

    [Fact]
    public void The_sampled_trace_follows_the_request_hop_by_hop_and_each_hop_kind_has_its_own_latency()
    {
        var (report, figures) = Run();

        var hops = figures["hopLatencyMs"]!.AsObject();
        Assert.Equal(["app", "gateway", "network", "sidecar"], hops.Select(h => h.Key).Order());
        Assert.InRange((double)hops["network"]!, 0.45, 0.55);   // the network's 0.5 ms per leg
        Assert.InRange((double)hops["sidecar"]!, 0.15, 0.25);   // a sidecar's 0.2 ms on the request's way
        Assert.True(report.Tracing.Traces > 100, $"traces: {report.Tracing.Traces}");

        var trace = figures["trace"]!.AsArray().Select(s => $"{s!["hop"]} {s["service"]}").ToList();
        Assert.Equal(["client client", "gateway edge", "network storefront", "sidecar storefront", "app storefront"], trace.Take(5));
        Assert.Contains("app inventory", trace);
        Assert.Equal("network storefront", trace[^1]);
        var starts = figures["trace"]!.AsArray().Select(s => (double)s!["startMs"]!).ToList();
        Assert.Equal(starts.Order(), starts);
        Assert.All(figures["trace"]!.AsArray(), s => Assert.True((double)s!["durationMs"]! >= 0));
    }
}

/// <summary>The lesson as <c>run full-flow</c> runs it: in real time, its own ActorSystem, figures in the report.</summary>
public class FullFlowLessonRunTests
{
    [Fact]
    public async Task Run_full_flow_reports_its_figures()
    {
        var scenario = ScenarioCatalog.Find("full-flow")!;
        // Half a second of load: too short for the timeline (validation refuses events after the load ends).
        var topology = scenario.Load().Topology! with { Timeline = [] };

        var report = await scenario.RunAsync(topology, new RunOptions { Duration = TimeSpan.FromMilliseconds(500), Warmup = TimeSpan.Zero }, CancellationToken.None);

        Assert.True(report.Outcomes.AddsUp);
        foreach (var figure in new[] { "retries", "circuitOpened", "circuitClosed", "rejectedByCircuit", "okRate", "degradedRate", "hopLatencyMs", "trace" })
            Assert.True(report.Figures.ContainsKey(figure), figure);
        Assert.NotEmpty(report.Figures["trace"]!.AsArray());
    }
}
