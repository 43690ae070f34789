using System.Text.Json.Nodes;
using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Lessons;

namespace ActorMesh.Tests.Scenarios.Lessons;

/// <summary>The built-in <c>bounded-contexts</c> lesson in virtual time: each variant's traffic, observed, tells a good split from a bad one.</summary>
public class BoundedContextsLessonSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology BuiltIn()
    {
        var loaded = ScenarioCatalog.Find("bounded-contexts")!.Load();
        Assert.True(loaded.Ok, string.Join(Environment.NewLine, loaded.Problems));
        return loaded.Topology!;
    }

    private Task<RunReport> RunInVirtualTime(MeshTopology topology, RunOptions options, CancellationToken cancellation)
    {
        var mesh = StartMesh(options.Apply(topology));
        return Task.FromResult(Await(mesh.ReportAsync(RunLoad(mesh))));
    }

    private JsonObject RunLesson()
    {
        var options = new RunOptions { Duration = TimeSpan.FromSeconds(2) };
        var report = Await(new BoundedContextsLesson(RunInVirtualTime).RunAsync(BuiltIn(), options, CancellationToken.None));
        Assert.True(report.Outcomes.AddsUp);
        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Out.WriteLine(report.Figures.ToJsonString());
        return report.Figures;
    }

    [Fact]
    public void The_good_split_shows_no_chatty_pair_and_no_shared_store()
    {
        var f = RunLesson();

        Assert.Empty(f["chattyPairs"]!["good"]!.AsArray());
        Assert.Empty(f["ownershipViolations"]!["good"]!.AsArray());
        // Its closest pair is the product page's pricing and inventory: together in ~60 % of the requests reaching either.
        Assert.InRange((double)f["mostCalledTogether"]!["good"]!["share"]!, 0.4, 0.8);
    }

    [Fact]
    public void The_bad_split_is_found_in_its_traffic_user_basic_always_with_user_preferences_which_reads_user_basics_store()
    {
        var f = RunLesson();

        var pair = Assert.Single(f["chattyPairs"]!["bad"]!.AsArray())!.AsArray();
        Assert.Equal(["user-basic", "user-preferences"], pair.Select(n => (string)n!).Order());
        var violation = Assert.Single(f["ownershipViolations"]!["bad"]!.AsArray())!;
        Assert.Equal(("user-preferences", "user-basic.db", "user-basic"), ((string)violation["service"]!, (string)violation["store"]!, (string)violation["owner"]!));
        Assert.True((long)violation["reads"]! > 0);
        Assert.Equal(0, (long)violation["writes"]!);
        // An account page costs one call more in the bad split: user-basic cannot answer alone.
        var bad = f["callsPerRequestByEdge"]!["bad"]!;
        Assert.Equal((double)bad["bad"]!["user-basic"]!, (double)bad["user-basic"]!["user-preferences"]!);
        Assert.Null(f["callsPerRequestByEdge"]!["good"]!["users"]);
    }

    [Fact]
    public void Calls_per_request_follow_the_request_mix()
    {
        var f = RunLesson();

        var good = f["callsPerRequestByEdge"]!["good"]!;
        // search 3 + product 3 of 10 reach catalog; product 3 + cart 1 reach pricing; shipping 1 calls inventory once more.
        Assert.InRange((double)good["good"]!["catalog"]!, 0.5, 0.7);
        Assert.InRange((double)good["good"]!["pricing"]!, 0.3, 0.5);
        Assert.Equal((double)good["good"]!["shipping"]!, (double)good["shipping"]!["inventory"]!);
    }

    [Fact]
    public void Each_variant_runs_only_the_request_kinds_sent_to_its_gateway()
    {
        var variants = BoundedContextsLesson.Variants(BuiltIn());

        Assert.Equal(["good", "bad"], variants.Select(v => v.Variant));
        Assert.All(variants, v =>
        {
            Assert.Equal(v.Variant, v.Topology.Load.Gateway);
            Assert.Equal(5, v.Topology.Load.Requests.Length);
            Assert.All(v.Topology.Load.Requests, r => Assert.Equal(v.Variant, r.Gateway));
        });
    }

    [Fact]
    public void A_mix_sent_to_one_gateway_is_one_variant_the_topology_itself()
    {
        var topology = BuiltIn();
        topology = topology with { Load = topology.Load with { Requests = [.. topology.Load.Requests.Where(r => r.Gateway == "bad")] } };

        var variant = Assert.Single(BoundedContextsLesson.Variants(topology));

        Assert.Equal("bad", variant.Variant);
        Assert.Same(topology, variant.Topology);
    }
}

/// <summary>The lesson as <c>run bounded-contexts</c> runs it: in real time, one run per variant, figures in the report.</summary>
public class BoundedContextsLessonRunTests
{
    [Fact]
    public async Task Run_bounded_contexts_reports_its_figures_per_variant()
    {
        var scenario = ScenarioCatalog.Find("bounded-contexts")!;

        var report = await scenario.RunAsync(scenario.Load().Topology!, new RunOptions { Duration = TimeSpan.FromMilliseconds(500), Warmup = TimeSpan.Zero }, CancellationToken.None);

        foreach (var figure in new[] { "chattyPairs", "callsPerRequestByEdge", "ownershipViolations" })
        {
            Assert.True(report.Figures[figure]!.AsObject().ContainsKey("good"), figure);
            Assert.True(report.Figures[figure]!.AsObject().ContainsKey("bad"), figure);
        }
        Assert.Single(report.Figures["chattyPairs"]!["bad"]!.AsArray());
    }
}
