using ActorMesh.DataPlane.Resilience.OutlierDetection;

using ActorMesh.Load;

namespace ActorMesh.Tests.Gateway;

/// <summary>
/// An ingress gateway per zone, on one node in virtual time: a replica runs in every zone, the load's
/// clients are spread over the zones and call their own zone's replica, and with locality no call leaves
/// its zone; the zones' results merge into one report in which every request is accounted for.
/// </summary>
public class GatewayPerZoneSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology Shop(LoadProfile load) => MeshTopology.Create("shop")
        .Zones(["a", "b", "c"], within: Distribution.Constant(0.5), between: Distribution.Constant(5))
        .Gateway("ingress", g => g.PerZone().Route("/", "frontend"))
        .Service("frontend", s => s.Replicas(3).Call("backend"))
        .Service("backend", s => s.Replicas(3))
        .DefaultPolicy(p => p with { OutlierDetection = new OutlierDetectionOptions() })
        .Load(_ => load)
        .Build();

    [Fact]
    public void Each_zones_clients_call_their_own_replica_and_no_call_leaves_its_zone()
    {
        var mesh = StartMesh(Shop(new LoadProfile { Rps = 300, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) }));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(["ingress@a", "ingress@b", "ingress@c"], mesh.Gateways.Keys.Order());
        Assert.True(report.Outcomes.AddsUp);
        Assert.Equal(600, report.Requests.Sent);
        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.Equal(report.Requests.Sent, report.Gateway.PerGateway!["ingress"].Routed);
        Assert.Equal(0, report.Zones.CrossZoneAttempts);
        Assert.True(report.Zones.ZonedAttempts >= 2 * report.Requests.Sent);
        // Four hops within a zone (gateway → frontend → backend, and back), never 5 ms between zones.
        Assert.Equal(2, report.LatencyMs.P99, precision: 1);
        Assert.Equal(2, report.Timeline.Count);
        Assert.All(report.Timeline, s => Assert.Equal(300, s.Sent));
    }

    [Fact]
    public void A_closed_loop_splits_its_users_over_the_zones_and_the_merged_counts_add_up()
    {
        var load = new LoadProfile { Mode = LoadMode.Closed, Users = 4, ThinkTime = Distribution.Constant(10), Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.FromMilliseconds(200), Drain = TimeSpan.FromSeconds(1) };
        var mesh = StartMesh(Shop(load));

        var result = RunLoad(mesh);

        Assert.True(result.Measured.AddsUp && result.Warmup.AddsUp);
        Assert.Equal(result.Measured.Sent, result.Measured.Ok);
        // 4 users, each a request every ~12 ms (10 ms think, 2 ms round trip): about 330 in the second.
        Assert.InRange(result.Measured.Sent, 300, 340);
        Assert.Equal(result.Measured.Sent, result.Kinds.Single().Measured.Sent);
        Assert.Equal(result.Measured.Ok, result.Latency.TotalCount);
    }

    [Fact]
    public void Users_and_rate_are_split_evenly_and_a_zone_without_a_user_sends_nothing()
    {
        var closed = new LoadProfile { Mode = LoadMode.Closed, Users = 5, MaxOutstanding = 10 };
        Assert.Equal([2, 2, 1], Enumerable.Range(0, 3).Select(i => ZonalLoad.Part(closed, i, 3)!.Users));
        Assert.Equal([4, 3, 3], Enumerable.Range(0, 3).Select(i => ZonalLoad.Part(closed, i, 3)!.MaxOutstanding));
        Assert.Null(ZonalLoad.Part(closed with { Users = 2 }, 2, 3));
        Assert.Equal(100, ZonalLoad.Part(new LoadProfile { Rps = 300 }, 1, 3)!.Rps);
    }
}
