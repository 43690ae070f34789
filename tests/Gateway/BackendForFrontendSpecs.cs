namespace ActorMesh.Tests.Gateway;

/// <summary>Experiments on backends for frontends: several gateways in one topology, each with its own routes and client link.</summary>
public class BackendForFrontendSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    [Fact]
    public void Each_gateway_serves_its_own_routes_over_its_own_client_link()
    {
        var topology = MeshTopology.Create("bff")
            .Gateway("mobile", g => g.ClientLatency(Distribution.Constant(40)).Auth()
                .Aggregate("/home", r => r.Backend("profile").Backend("feed")))
            .Gateway("web", g => g.ClientLatency(Distribution.Constant(5)).Auth()
                .Route("/home", "web-frontend"))
            .Service("profile").Service("feed").Service("web-frontend")
            .Latency(Distribution.Constant(1))
            .Load(l => l with
            {
                Rps = 100, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1),
                Requests = [new RequestMix("/home") { Gateway = "mobile" }, new RequestMix("/home") { Gateway = "web" }],
            })
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        var mobile = report.RequestKinds["/home@mobile"];
        var web = report.RequestKinds["/home@web"];
        Assert.Equal(("mobile", "web"), (mobile.Gateway, web.Gateway));
        // Round trips: mobile 80 ms + 2 ms hops, web 10 ms + 2 ms hops; each gateway's own token audience was used.
        Assert.Equal(82, mobile.LatencyMs.P50, precision: 0);
        Assert.Equal(12, web.LatencyMs.P50, precision: 0);
        Assert.Equal(mobile.Requests.Sent, report.Gateway.PerGateway!["mobile"].Aggregated);
        Assert.Equal(web.Requests.Sent, report.Gateway.PerGateway["web"].Routed);
        Assert.Equal(0, report.Gateway.PerGateway["web"].Aggregated);
        Assert.Equal(mobile.Requests.Sent, report.Services["feed"][ServiceCounter.Requests]);
        Assert.Equal(web.Requests.Sent, report.Services["web-frontend"][ServiceCounter.Requests]);
        Assert.Equal(report.Requests.Sent, report.Gateway.Requests);
    }
}
