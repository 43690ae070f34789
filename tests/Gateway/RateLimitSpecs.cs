namespace ActorMesh.Tests.Gateway;

/// <summary>Experiments on rate limiting at the edge: token buckets per route and per client, refilled from the mesh clock.</summary>
public class RateLimitSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology Limited(Action<RouteBuilder> limit, int rps, int clients, params RequestMix[] requests) => MeshTopology.Create("limits")
        .Gateway("edge", g => g.Route("/limited", "api", limit).Route("/free", "api"))
        .Service("api")
        .Latency(Distribution.Constant(1))
        .Load(l => l with { Rps = rps, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1), Clients = clients, Requests = [.. requests] })
        .Build();

    [Fact]
    public void A_route_limit_refuses_with_429_what_its_bucket_cannot_take_and_counts_it()
    {
        // 50 requests/s for 2 s against a bucket of 5 refilled at 10/s: 5 + 2 s × 10/s get through.
        var mesh = StartMesh(Limited(r => r.RateLimit(10, burst: 5), rps: 50, clients: 1, new RequestMix("/limited")));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(100, report.Requests.Sent);
        Assert.InRange(report.Requests.Ok, 24, 25);
        Assert.Equal(report.Requests.Sent - report.Requests.Ok, report.Gateway.RateLimited);
        Assert.Equal(report.Gateway.RateLimited, report.Outcomes.RejectedByReason["rateLimited"]);
        Assert.Equal(report.Requests.Ok, report.Services["api"][ServiceCounter.Requests]);
    }

    [Fact]
    public void A_limit_on_one_route_leaves_the_other_routes_alone()
    {
        var mesh = StartMesh(Limited(r => r.RateLimit(10, burst: 5), rps: 100, clients: 1,
            new RequestMix("/limited") { Name = "limited" }, new RequestMix("/free") { Name = "free" }));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var free = report.RequestKinds["free"].Requests;
        Assert.Equal(free.Sent, free.Ok);
        Assert.InRange(report.RequestKinds["limited"].Requests.Ok, 24, 25);
        Assert.Equal(report.RequestKinds["limited"].Requests.Rejected, report.Gateway.RateLimited);
    }

    [Fact]
    public void A_per_client_limit_gives_each_client_its_own_bucket()
    {
        // Four clients take turns, 10 requests/s each; each bucket holds 2 and refills at 2/s: 2 + 2 s × 2/s each.
        var mesh = StartMesh(Limited(r => r.RateLimit(2, burst: 2, perClient: true), rps: 40, clients: 4, new RequestMix("/limited")));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(80, report.Requests.Sent);
        Assert.InRange(report.Requests.Ok, 4 * 5, 4 * 6);
        Assert.Equal(report.Requests.Sent - report.Requests.Ok, report.Gateway.RateLimited);
        Assert.Equal(0, report.Gateway.RateLimitOverflowed);
    }

    [Fact]
    public void The_same_load_from_one_client_meets_a_single_bucket()
    {
        var mesh = StartMesh(Limited(r => r.RateLimit(2, burst: 2, perClient: true), rps: 40, clients: 1, new RequestMix("/limited")));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.InRange(report.Requests.Ok, 5, 6);
    }
}
