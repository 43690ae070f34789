namespace ActorMesh.Tests.Clustering;

/// <summary>
/// A node that joins a 2-node cluster mid-run takes its share of the pods: placement maps one zone to
/// it, the zone's pods move there make-before-break (each replacement ready before the old pod drains),
/// and not one request fails because of it. Real time: the spec asserts what moved and the accounting, not timings.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LateJoinerSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task A_node_joining_mid_run_takes_a_zone_and_its_pods_and_no_request_is_dropped()
    {
        var topology = MeshTopology.Create("shop").Nodes(2)
            .Zones(["a", "b", "c"])
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.Replicas(3).Call("payments"))
            .Service("payments", s => s.Replicas(3).ServiceTime(Distribution.Constant(0.5)))
            .Latency(Distribution.Constant(0.5))
            .Load(l => l with { Rps = 200, Duration = TimeSpan.FromSeconds(5), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(3) })
            .At(TimeSpan.FromSeconds(1), new JoinNodeEvent("node-3"))
            .Build();

        var report = await MeshRunner.RunAsync(topology, new RunOptions { AkkaConfig = ClusterCollection.Quiet });

        var cluster = report.Cluster;
        output.WriteLine($"pods per node: {string.Join(", ", cluster.PodsPerNode.Select(p => $"{p.Key} {p.Value}"))}");
        foreach (var r in cluster.Rebalance)
            output.WriteLine($"at {r.AtSeconds}s {r.Node}: zones {string.Join(",", r.Zones)}; {string.Join(", ", r.Moves)} in {r.DurationMs} ms");
        Assert.Equal("applied", Assert.Single(report.Events).Outcome);
        Assert.Equal(3, cluster.Nodes);
        // Zones a and c went to the node that registered first, b to the other: node-3 takes c (as many pods
        // as a; the last by name), with its two pods.
        var rebalance = Assert.Single(cluster.Rebalance);
        Assert.Equal("node-3", rebalance.Node);
        Assert.Equal(["c"], rebalance.Zones);
        var from = rebalance.Moves[0].From;
        Assert.Contains(from, new[] { "node-1", "node-2" });
        Assert.Equal(
            [new("frontend-2", "c", from, "node-3", "moved"), new("payments-2", "c", from, "node-3", "moved")],
            rebalance.Moves.OrderBy(m => m.Pod, StringComparer.Ordinal));
        Assert.True(rebalance.AtSeconds >= 1, $"the rebalance began at {rebalance.AtSeconds} s, before the node joined");
        Assert.Equal(new SortedDictionary<string, int> { ["node-1"] = 2, ["node-2"] = 2, ["node-3"] = 2 }, cluster.PodsPerNode);
        Assert.Equal("node-3", report.Zones.Nodes["c"]);
        // Every request is accounted for, and every one succeeded: the move dropped none.
        Assert.True(report.Outcomes.AddsUp);
        Assert.Equal(1000, report.Requests.Sent);
        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        // Make-before-break: each replacement had acknowledged its config before it got traffic.
        Assert.Equal(0, report.Mesh[ServiceCounter.NoConfig]);
        // The moved pods served before and after: their counts add up over both incarnations.
        Assert.True(report.Services["payments"].PerInstance["payments-2"].Requests > 0);
    }
}
