namespace ActorMesh.Tests.Experiments;

/// <summary>
/// Experiments on distributed tracing: a sampled request leaves a span at every hop it crosses, and
/// the spans, in call order, are the request's path through the mesh.
/// </summary>
public class TracingExperiments(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    [Fact]
    public void A_requests_trace_runs_client_then_gateway_then_sidecar_then_service()
    {
        var topology = MeshTopology.Create("traced")
            .Gateway("edge", g => g.ClientLatency(Distribution.Constant(5)).Route("/", "frontend"))
            .Service("frontend", s => s.Replicas(2).ServiceTime(Distribution.Constant(2)).Call("orders"))
            .Service("orders", s => s.Replicas(2).ServiceTime(Distribution.Constant(3)))
            .Latency(Distribution.Constant(1))
            .ProxyLatency(Distribution.Constant(0.2))
            .Load(l => l with { Rps = 100, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1), TraceSampling = 0.1 })
            .Build();
        var mesh = StartMesh(topology);

        var tracing = Await(mesh.ReportAsync(RunLoad(mesh))).Tracing;

        foreach (var span in tracing.Sample) Out.WriteLine($"{new string(' ', 2 * span.Depth)}{span.Hop} {span.Service} @{span.StartMs} ms for {span.DurationMs} ms");
        Assert.InRange(tracing.Traces, 5, 20);   // one request in ten
        var path = tracing.Sample.Select(s => $"{s.Hop} {s.Service}").ToList();
        // In call order: the client, the gateway, the hop to frontend's pod, its sidecar, its app ...
        Assert.Equal(["client client", "gateway edge", "network frontend", "sidecar frontend", "app frontend"], path.Take(5));
        // ... and on through frontend's sidecar to orders' sidecar and app, and back.
        Assert.Equal(["sidecar frontend", "network orders", "sidecar orders", "app orders"], path.Skip(5).Take(4));
        Assert.Equal("network frontend", path[^1]);
        // Every span lies within its parent's, and together the spans' own times are the client's
        // whole wait: the trace leaves no time unexplained.
        var client = tracing.Sample[0];
        for (var i = 1; i < tracing.Sample.Count; i++)
        {
            var span = tracing.Sample[i];
            var parent = tracing.Sample.Take(i).Last(p => p.Depth == span.Depth - 1);
            Assert.InRange(span.StartMs, parent.StartMs, parent.StartMs + parent.DurationMs);
            Assert.InRange(span.StartMs + span.DurationMs, span.StartMs, parent.StartMs + parent.DurationMs + 0.001);
        }
        Assert.Equal(client.DurationMs, tracing.Sample.Sum(s => s.SelfMs), 2);
        // 2 client legs of 5 ms, 4 mesh legs of 1 ms, 2 + 3 ms of service time, and 0.2 ms at each of
        // the 3 sidecars the request passes (frontend's inbound and outbound, orders' inbound).
        Assert.Equal(19.6, client.DurationMs, 3);
    }
}
