using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Lessons;

namespace ActorMesh.Tests.Scenarios.Lessons;

/// <summary>The <c>mesh</c> lesson, its three phases run in virtual time on the built-in topology file.</summary>
public class MeshLessonSpecs(ITestOutputHelper log) : VirtualTimeSpec(log)
{
    private readonly ITestOutputHelper _log = log;

    private static MeshTopology BuiltIn()
    {
        var loaded = ScenarioCatalog.Find("mesh")!.Load();
        Assert.True(loaded.Ok, string.Join(Environment.NewLine, loaded.Problems));
        return loaded.Topology!;
    }

    private Task<RunReport> RunInVirtualTime(MeshTopology topology, RunOptions options, CancellationToken cancellation)
    {
        var mesh = StartMesh(options.Apply(topology));
        return Task.FromResult(Await(mesh.ReportAsync(RunLoad(mesh))));
    }

    [Fact]
    public void The_mesh_lifts_the_ok_rate_costs_its_proxy_latency_per_hop_and_denies_the_plaintext_client()
    {
        var topology = BuiltIn();
        var options = new RunOptions { Rps = 1000, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.FromSeconds(1) };

        var report = Await(new MeshLesson(RunInVirtualTime).RunAsync(topology, options, CancellationToken.None));

        var f = report.Figures;
        _log.WriteLine(f.ToJsonString());
        // Without the mesh, backend-0's 503s (80 % of a quarter of the calls) reach the clients.
        Assert.InRange(f["okRateWithoutMesh"]!.GetValue<double>(), 0.75, 0.85);
        // With it, retries and outlier detection hide them; what fails is the plaintext client's 2 %.
        Assert.InRange(f["okRateWithMesh"]!.GetValue<double>(), 0.96, 0.99);
        Assert.Equal(report.Requests.Failed, report.Outcomes.FailedByStatus["500"]);
        // In virtual time the emulator itself costs nothing: a sidecar hop costs its proxyLatency (0.3 ms mean).
        Assert.InRange(f["addedLatencyPerHopMs"]!.GetValue<double>(), 0.25, 0.35);
        Assert.Equal(2.96, f["sidecarHopsPerRequest"]!.GetValue<double>());
        var denied = f["deniedPlaintext"]!.GetValue<long>();
        Assert.True(denied > 0);
        Assert.Equal(report.Security[ServiceCounter.DeniedPlaintext], denied);
        Assert.Equal(denied, report.Services["backend"][ServiceCounter.Denied]);
        // The slow replica sets the tail without the mesh; per-try timeouts cut it off with it.
        Assert.True(f["p99WithoutMeshMs"]!.GetValue<double>() > 100);
        Assert.True(f["p99WithMeshMs"]!.GetValue<double>() < 50);
        Assert.True(report.Outcomes.AddsUp);
    }

    [Fact]
    public void Without_the_mesh_no_pod_has_a_sidecar_and_no_workload_applies_a_policy()
    {
        var topology = MeshLesson.WithoutMesh(BuiltIn());
        Assert.All(topology.Services, s => Assert.False(topology.Mesh.HasSidecar(s)));
        AssertPlain(topology);
        Assert.Empty(TopologyValidator.Validate(topology));
    }

    [Fact]
    public void Sidecars_only_keeps_each_services_sidecar_choice_with_every_feature_off()
    {
        var original = BuiltIn();
        var topology = MeshLesson.SidecarsOnly(original);
        Assert.Equal(original.Services.Select(original.Mesh.HasSidecar), topology.Services.Select(topology.Mesh.HasSidecar));
        Assert.False(topology.Mesh.HasSidecar(topology.Service("reports")!));
        AssertPlain(topology);
        Assert.Equal(original.Mesh.ProxyLatency, topology.Mesh.ProxyLatency);
    }

    private static void AssertPlain(MeshTopology topology)
    {
        Assert.Equal(new SecuritySpec(), topology.Mesh.Security);
        Assert.Empty(topology.Mesh.Destinations);
        var plain = topology.Mesh.Defaults;
        Assert.Equal((TimeSpan.Zero, 0, null, null), (plain.Timeout, plain.Retries.Attempts, plain.OutlierDetection, plain.CircuitBreaker));
    }

    [Fact]
    public void Sidecar_hops_count_each_sidecar_in_and_out_by_call_probability_and_the_longest_parallel_branch()
    {
        var topology = MeshTopology.Create("hops")
            .Gateway("edge", g => g.Route("/", "a").Route("/c", "c"))
            .Service("a", s => s.Call("b", probability: 0.5).Parallel("c", "d"))
            .Service("b")
            .Service("c", s => s.Sidecar(false).Call("b"))
            .Service("d", s => s.Call("b"))
            .Load(l => l with { Requests = [new RequestMix("/", 3), new RequestMix("/c", 1)] })
            .Build();
        // "/": a in (1) + ½ × (a out + b in) + max(a out + c [no sidecar] → b in, a out + d in + d out + b in) = 1 + 1 + 4 = 6.
        // "/c": c has no sidecar, b in = 1. Weighted 3:1 → 4.75.
        Assert.Equal(4.75, MeshLesson.SidecarHopsPerRequest(topology));
    }
}
