namespace ActorMesh.Tests.Gateway;

/// <summary>Experiments on gateway routing: longest prefix, then method; what matches nothing is refused at the edge.</summary>
public class RoutingSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static LoadProfile Load(params RequestMix[] requests) => new()
    {
        Rps = 200, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1), Requests = [.. requests],
    };

    [Fact]
    public void Requests_take_the_longest_matching_prefix_and_then_the_route_for_their_method()
    {
        var topology = MeshTopology.Create("routing")
            .Gateway("edge", g => g
                .Route("/orders", "order-reader", r => r.Method("GET"))
                .Route("/orders", "order-writer", r => r.Method("POST"))
                .Route("/orders/archive", "archive")
                .Route("/", "frontend"))
            .Service("order-reader").Service("order-writer").Service("archive").Service("frontend")
            .Latency(Distribution.Constant(1))
            .Load(_ => Load(
                new RequestMix("/orders/7") { Name = "read" },
                new RequestMix("/orders") { Name = "write", Method = "post" },
                new RequestMix("/orders/archive/2024") { Name = "archive", Method = "DELETE" },
                new RequestMix("/orders/7") { Name = "delete", Method = "DELETE" }))
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.Equal(report.RequestKinds["read"].Requests.Sent, report.Services["order-reader"][ServiceCounter.Requests]);
        Assert.Equal(report.RequestKinds["write"].Requests.Sent, report.Services["order-writer"][ServiceCounter.Requests]);
        // The longer prefix wins whatever the method; a method no /orders route takes falls back to "/".
        Assert.Equal(report.RequestKinds["archive"].Requests.Sent, report.Services["archive"][ServiceCounter.Requests]);
        Assert.Equal(report.RequestKinds["delete"].Requests.Sent, report.Services["frontend"][ServiceCounter.Requests]);
        Assert.Equal(report.Requests.Sent, report.Gateway.Routed);
    }

    [Fact]
    public void A_request_no_route_matches_is_refused_with_404_and_reaches_no_service()
    {
        var topology = MeshTopology.Create("no-route")
            .Gateway("edge", g => g.Route("/orders", "orders", r => r.Method("GET")))
            .Service("orders")
            .Load(_ => Load(new RequestMix("/orders") { Method = "PUT" }, new RequestMix("/payments")))
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Rejected);
        Assert.Equal(report.Requests.Sent, report.Outcomes.RejectedByReason["noRoute"]);
        Assert.Equal(report.Requests.Sent, report.Gateway.NoRoute);
        Assert.Equal(0, report.Services["orders"][ServiceCounter.Requests]);
    }
}
