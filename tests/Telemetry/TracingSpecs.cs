namespace ActorMesh.Tests.Telemetry;

/// <summary>Sampled requests leave a span at every hop: client → gateway → network → sidecar → app → ...</summary>
public class TracingSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    [Fact]
    public void A_sampled_request_shows_every_hop_in_call_order_with_its_own_time()
    {
        var topology = MeshTopology.Create("traced")
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.ServiceTime(Distribution.Constant(2)).Call("orders"))
            .Service("orders", s => s.ServiceTime(Distribution.Constant(3)))
            .Latency(Distribution.Constant(1))
            .ProxyLatency(Distribution.Constant(0.2))
            .Load(l => l with { Rps = 100, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1), TraceSampling = 1 })
            .Build();
        var mesh = StartMesh(topology);

        var tracing = Await(mesh.ReportAsync(RunLoad(mesh))).Tracing;

        Assert.Equal(100, tracing.Traces);
        Assert.Equal(0, tracing.Dropped);
        Assert.Equal(
        [
            "client client", "gateway edge", "network frontend", "sidecar frontend", "app frontend", "sidecar frontend",
            "network orders", "sidecar orders", "app orders", "network orders", "network frontend",
        ], tracing.Sample.Select(s => $"{s.Hop} {s.Service}"));
        Assert.Equal([0, 1, 2, 2, 3, 4, 5, 5, 6, 5, 2], tracing.Sample.Select(s => s.Depth));
        var client = tracing.Sample[0];
        // 4 network legs of 1 ms, 2 + 3 ms of service time, 2 proxies × 0.2 ms on the request path.
        Assert.InRange(client.DurationMs, 9.4, 9.6);
        Assert.Equal(1.0, tracing.HopLatencyMs["network"], 2);
        Assert.InRange(tracing.HopLatencyMs["app"], 2.0, 3.0);
        Assert.InRange(tracing.HopLatencyMs["sidecar"], 0.0, 0.2);
    }
}
