using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Lessons;

namespace ActorMesh.Tests.Scenarios.Lessons;

/// <summary>The built-in <c>coupling</c> scenario: its steps run in virtual time on the built-in file.</summary>
public class CouplingLessonSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology BuiltIn()
    {
        var loaded = ScenarioCatalog.Find("coupling")!.Load();
        Assert.True(loaded.Ok, string.Join(Environment.NewLine, loaded.Problems));
        return loaded.Topology!;
    }

    private Task<RunReport> RunInVirtualTime(MeshTopology topology, RunOptions options, CancellationToken cancellation)
    {
        var mesh = StartMesh(options.Apply(topology));
        return Task.FromResult(Await(mesh.ReportAsync(RunLoad(mesh))));
    }

    private RunReport RunLesson() =>
        Await(new CouplingLesson(RunInVirtualTime).RunAsync(BuiltIn(), new RunOptions(), CancellationToken.None));

    [Fact]
    public void Every_implicit_dependency_widens_the_blast_radius_of_a_change()
    {
        var report = RunLesson();
        var f = report.Figures;
        Out.WriteLine(f.ToJsonString());

        var couplings = CouplingLesson.Couplings(CouplingLesson.Monolith(BuiltIn())).Count;
        var mean = f["blastRadiusByStep"]!.AsArray().Select(v => (double)v!).ToList();
        var dependencies = f["dependenciesByStep"]!.AsArray().Select(v => (int)v!).ToList();
        Assert.Equal(couplings + 1, mean.Count);
        // As designed, a change to a module means re-testing that module alone.
        Assert.Equal(1.0, mean[0]);
        // Each step is one more dependency the traffic revealed, and each widens what a change reaches.
        Assert.Equal(Enumerable.Range(0, couplings + 1), dependencies);
        Assert.All(mean.Zip(mean.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{pair.First} → {pair.Second}"));
        var modules = (int)f["modules"]!;
        Assert.Equal(7, modules);
        Assert.True(mean[^1] >= 3 * mean[0]);
        // At the end, catalog sits under cart, orders and everything that reads orders.
        Assert.Equal(6, (int)f["blastRadiusByModule"]!["catalog"]!);
        Assert.Equal(1, (int)f["blastRadiusByModule"]!["payments"]!);
        Assert.Equal(6, (int)f["maxBlastRadiusByStep"]!.AsArray()[^1]!);
    }

    [Fact]
    public void The_coupling_does_not_show_in_latency()
    {
        var p50 = RunLesson().Figures["p50MsByStep"]!.AsArray().Select(v => (double)v!).ToList();
        // Module calls are in-process (~100 ns): eight couplings add well under a millisecond.
        Assert.InRange(p50[^1] - p50[0], -0.5, 0.5);
    }

    [Fact]
    public void Step_zero_has_no_module_calling_another_and_the_last_step_is_the_file_as_written()
    {
        var topology = BuiltIn();
        var monolith = CouplingLesson.Monolith(topology);
        var couplings = CouplingLesson.Couplings(monolith);

        Assert.All(CouplingLesson.Monolith(CouplingLesson.AtStep(topology, 0)).Modules, m => Assert.Empty(m.Script));
        Assert.Equal(couplings, CouplingLesson.Couplings(CouplingLesson.Monolith(CouplingLesson.AtStep(topology, couplings.Count))));
        Assert.Equal([new CouplingLesson.Coupling("cart", "catalog")], CouplingLesson.Couplings(CouplingLesson.Monolith(CouplingLesson.AtStep(topology, 1))));
        Assert.Empty(TopologyValidator.Validate(CouplingLesson.AtStep(topology, 3)));
    }

    [Fact]
    public void The_blast_radius_of_a_module_counts_its_transitive_callers_and_not_the_application_layer()
    {
        EdgeReport Call(string from, string to) => new(from, to, Calls: 10, PerRequest: 1);
        var radius = CouplingLesson.BlastRadius([Call("(service)", "a"), Call("(service)", "b"), Call("(service)", "c"), Call("(service)", "d"),
            Call("b", "a"), Call("c", "b"), Call("d", "a")]);

        Assert.Equal(new SortedDictionary<string, int> { ["a"] = 4, ["b"] = 2, ["c"] = 1, ["d"] = 1 }, radius);
    }
}
