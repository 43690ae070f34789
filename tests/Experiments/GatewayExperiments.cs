namespace ActorMesh.Tests.Experiments;

/// <summary>
/// Experiments on the API gateway as a backend for frontends: a phone on a mobile link, where every
/// round trip costs ~80 ms, needs data from four services.
/// </summary>
public class GatewayExperiments(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static readonly string[] Services = ["users", "orders", "recommendations", "notifications"];

    [Fact]
    public void Four_sequential_80ms_mobile_calls_take_about_four_times_one_gateway_call()
    {
        // The phone's link: 40 ms each way. Inside the mesh: 1 ms hops and a few ms per service.
        var topology = MeshTopology.Create("mobile-dashboard")
            .Gateway("mobile", g => g.ClientLatency(Distribution.Normal(40, 2))
                .Aggregate("/dashboard", r => r.Backend("users", "/users/me").Backend("orders", "/orders")
                    .Backend("recommendations", "/recommendations").Backend("notifications", "/notifications"))
                .Route("/users", "users").Route("/orders", "orders")
                .Route("/recommendations", "recommendations").Route("/notifications", "notifications"))
            .Service("users", s => s.Replicas(2).ServiceTime(Distribution.LogNormal(3, 0.3)))
            .Service("orders", s => s.Replicas(2).ServiceTime(Distribution.LogNormal(4, 0.3)))
            .Service("recommendations", s => s.Replicas(2).ServiceTime(Distribution.LogNormal(6, 0.3)))
            .Service("notifications", s => s.Replicas(2).ServiceTime(Distribution.LogNormal(2, 0.3)))
            .Latency(Distribution.Normal(1, 0.1))
            .Load(l => l with
            {
                Rps = 100, Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(2),
                Requests =
                [
                    // The app calls the four services itself, one after another: four round trips.
                    RequestMix.Journey("/users/me", "/orders", "/recommendations", "/notifications") with { Name = "sequential" },
                    // The app calls the gateway once; the gateway fans out to the four in parallel.
                    new RequestMix("/dashboard") { Name = "gateway" },
                ],
            })
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var sequential = report.RequestKinds["sequential"];
        var gateway = report.RequestKinds["gateway"];
        Out.WriteLine($"sequential p50 {sequential.LatencyMs.P50} ms, gateway p50 {gateway.LatencyMs.P50} ms");
        Assert.Equal(sequential.Requests.Sent, sequential.Requests.Ok);
        Assert.Equal(gateway.Requests.Sent, gateway.Requests.Ok);
        Assert.All(Services, s => Assert.Equal(sequential.Requests.Sent + gateway.Requests.Sent, report.Services[s][ServiceCounter.Requests]));
        // The physics first: four round trips cost at least 4 × 80 ms, one at least 80 ms.
        Assert.InRange(sequential.LatencyMs.P50, 4 * 80, 4 * 95);
        Assert.InRange(gateway.LatencyMs.P50, 80, 100);
        // And the claim: about four times, not exactly (each call's time in the mesh is added to every
        // sequential step, and the gateway waits for its slowest backend).
        var ratio = sequential.LatencyMs.P50 / gateway.LatencyMs.P50;
        Assert.InRange(ratio, 3.5, 4.3);
    }
}
