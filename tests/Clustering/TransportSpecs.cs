using Akka.Configuration;

namespace ActorMesh.Tests.Clustering;

/// <summary>
/// How requests and responses cross nodes, chosen by <c>actormesh.cross-node.transport</c> (the console's
/// <c>--transport</c>): on direct links by default, through Akka.Remote on request; either way every request
/// is accounted for, and the report's <c>cluster</c> section says how the envelopes went. Counts, not rates.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TransportSpecs(ITestOutputHelper output)
{
    private static MeshTopology Shop() => MeshTopology.Create("shop").Nodes(2)
        .Gateway("edge", g => g.Route("/", "frontend"))
        .Service("frontend", s => s.Replicas(2).Call("payments"))
        .Service("payments", s => s.Replicas(2).ServiceTime(Distribution.Constant(0.5)))
        .Latency(Distribution.Constant(0.5))
        .Load(l => l with { Rps = 200, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.FromMilliseconds(300), Drain = TimeSpan.FromSeconds(2) })
        .Build();

    [Theory]
    [InlineData("direct")]
    [InlineData("remoting")]
    public async Task Requests_cross_nodes_on_the_transport_chosen_and_every_one_is_accounted_for(string transport)
    {
        var settings = ConfigurationFactory.ParseString($"actormesh.cross-node.transport = {transport}").WithFallback(ClusterCollection.Quiet);

        var report = await MeshRunner.RunAsync(Shop(), new RunOptions { AkkaConfig = settings });

        var c = report.Cluster;
        output.WriteLine($"{transport}: {c.Batches} batches of {c.MessagesPerBatch}, {c.DirectBatches} direct, {c.LostOnBrokenLinks} lost; sent {report.Requests.Sent}, ok {report.Requests.Ok}");
        Assert.True(report.Outcomes.AddsUp);
        Assert.True(report.Requests.Ok > 0);
        Assert.True(c.Batches > 0, "requests crossed nodes in batches");
        Assert.Equal(0, c.LostOnBrokenLinks);
        if (transport == "direct") Assert.True(c.DirectBatches > c.Batches / 2, $"{c.DirectBatches} of {c.Batches} batches on direct links");
        else Assert.Equal(0, c.DirectBatches);
    }
}
