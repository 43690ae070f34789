namespace ActorMesh.Tests.Gateway;

/// <summary>Experiments on the gateway's response cache: hits are answered at the edge until the TTL passes on the mesh clock.</summary>
public class CacheSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology Catalog(params RequestMix[] requests) => MeshTopology.Create("cache")
        .Gateway("mobile", g => g.ClientLatency(Distribution.Constant(40)).Route("/catalog", "catalog", r => r.Cache(TimeSpan.FromMilliseconds(500))))
        .Service("catalog", s => s.ServiceTime(Distribution.Constant(10)))
        .Latency(Distribution.Constant(1))
        .Load(l => l with { Rps = 20, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1), Requests = [.. requests] })
        .Build();

    [Fact]
    public void Repeated_requests_are_answered_from_the_cache_until_the_ttl_expires()
    {
        var mesh = StartMesh(Catalog(new RequestMix("/catalog")));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        // One request every 50 ms; an answer is stored 12 ms after its request reaches the gateway and
        // lives 500 ms: the requests at 0, 550, 1100 and 1650 ms miss, the other 36 hit.
        Assert.Equal(40, report.Requests.Ok);
        Assert.Equal(4, report.Gateway.CacheMisses);
        Assert.Equal(36, report.Gateway.CacheHits);
        Assert.Equal(4, report.Services["catalog"][ServiceCounter.Requests]);
        Assert.Equal(4, report.Gateway.Routed);
        // A hit skips the backend (12 ms) but not the client's 80 ms round trip.
        Assert.Equal(80, report.LatencyMs.P50, precision: 0);
    }

    [Fact]
    public void Only_get_and_head_requests_are_cached()
    {
        var mesh = StartMesh(Catalog(new RequestMix("/catalog") { Method = "POST" }));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(40, report.Services["catalog"][ServiceCounter.Requests]);
        Assert.Equal(0, report.Gateway.CacheHits);
        Assert.Equal(0, report.Gateway.CacheMisses);
    }
}
