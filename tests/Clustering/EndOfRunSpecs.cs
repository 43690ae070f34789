using System.Diagnostics;
using Akka.Configuration;

namespace ActorMesh.Tests.Clustering;

/// <summary>
/// The end of a run never loses it: a node that is gone when the report is collected (its ActorSystem
/// terminated after the load, before it could answer) leaves a report that names it and says what is
/// missing, within the collection's bound, and every request the client sent is still accounted for.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EndOfRunSpecs(ITestOutputHelper output)
{
    private static readonly Config Quiet = ClusterCollection.Quiet;

    [Fact]
    public async Task A_node_gone_at_the_end_is_named_in_the_report_and_the_run_still_reports()
    {
        var topology = MeshTopology.Create("shop").Nodes(3)
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.Replicas(3).Call("payments"))
            .Service("payments", s => s.Replicas(3).ServiceTime(Distribution.Constant(0.5)))
            .Latency(Distribution.Constant(0.5))
            .Load(l => l with { Rps = 100, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(2) })
            .Build();
        var afterLoad = new Stopwatch();
        var options = new RunOptions
        {
            AkkaConfig = Quiet,
            CollectTimeout = TimeSpan.FromSeconds(2),
            // A crash as kill -9 would: the node stops without leaving, and the others have not noticed yet.
            BeforeCollect = cluster =>
            {
                afterLoad.Start();
                return cluster.Node("node-3").CrashAsync();
            },
        };

        var report = await MeshRunner.RunAsync(topology, options);
        output.WriteLine(string.Join("\n", report.Missing));

        Assert.Equal(["node-3"], report.Cluster.Unreported);
        Assert.Contains(report.Missing, m => m.Contains("node-3 did not answer within 2 s", StringComparison.Ordinal));
        Assert.DoesNotContain("node-3", report.Cluster.PodsPerNode.Keys);
        Assert.True(report.Outcomes.AddsUp);
        Assert.Equal(100, report.Requests.Sent);
        // In one process the crashed node's counters are still read: the services' figures are whole.
        Assert.Equal(report.Requests.Ok, report.Services["frontend"][ServiceCounter.Ok]);
        // Collecting (two rounds of asks, 2 s each at most), leaving (10 s at most) and stopping: never a 30 s stall.
        Assert.True(afterLoad.Elapsed < TimeSpan.FromSeconds(30), $"the end of the run took {afterLoad.Elapsed}");
    }
}
