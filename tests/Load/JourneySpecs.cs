using ActorMesh.Load;

namespace ActorMesh.Tests.Load;

/// <summary>
/// Experiments on client journeys: a request-mix entry whose paths the client calls one after
/// another. A journey is one request for accounting; it ends at its first step that is not ok.
/// </summary>
public class JourneySpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static TopologyBuilder Shop(Action<ServiceBuilder>? orders = null) => MeshTopology.Create("journeys")
        .Gateway("mobile", g => g.ClientLatency(Distribution.Constant(40)).Route("/users", "users").Route("/orders", "orders").Route("/pay", "payments"))
        .Service("users").Service("orders", s => orders?.Invoke(s)).Service("payments")
        .Latency(Distribution.Constant(1))
        .Load(l => l with
        {
            Rps = 50, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1),
            Requests = [RequestMix.Journey("/users/me", "/orders", "/pay") with { Name = "checkout" }],
        });

    [Fact]
    public void A_journey_is_one_request_whose_latency_covers_every_step_in_turn()
    {
        var mesh = StartMesh(Shop().Build());

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(100, report.Requests.Sent);
        Assert.Equal(100, report.Requests.Ok);
        Assert.Equal(3, report.RequestKinds["checkout"].Steps);
        foreach (var service in new[] { "users", "orders", "payments" }) Assert.Equal(100, report.Services[service][ServiceCounter.Requests]);
        Assert.Equal(300, report.Gateway.Routed);
        // Three steps, each an 80 ms client round trip plus 2 ms of hops: from the intended start to the last answer.
        Assert.Equal(246, report.LatencyMs.P50, precision: 0);
    }

    [Fact]
    public void A_journey_ends_at_its_first_failing_step_with_that_steps_outcome()
    {
        var topology = Shop(o => o.Errors(0.5, 503)).Policy("orders", p => p with { Retries = RetryOptions.Disabled }).Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(100, report.Requests.Sent);
        Assert.InRange(report.Requests.Failed, 30, 70);
        Assert.Equal(report.Requests.Failed, report.Outcomes.FailedByStatus["503"]);
        Assert.Equal(100, report.Services["users"][ServiceCounter.Requests]);
        Assert.Equal(100, report.Services["orders"][ServiceCounter.Requests]);
        // Only journeys whose second step was ok went on to pay.
        Assert.Equal(report.Requests.Ok, report.Services["payments"][ServiceCounter.Requests]);
    }

    [Fact]
    public void With_journeys_timeouts_and_the_client_bound_every_request_is_still_counted_exactly_once()
    {
        var topology = MeshTopology.Create("journey-faults")
            .Gateway("edge", g => g.Auth().Route("/a", "a").Route("/slow", "slow").Route("/b", "b"))
            .Service("a", s => s.Workers(1).Queue(2).ServiceTime(Distribution.Exponential(12)))
            .Service("b", s => s.Errors(0.2, 503))
            .Service("slow", s => s.Workers(1000).ServiceTime(Distribution.Constant(2000)))
            .Policy("slow", p => p with { Timeout = TimeSpan.FromSeconds(1), Retries = RetryOptions.Disabled })
            .Latency(Distribution.Constant(1))
            .Load(l => l with
            {
                Rps = 300, Arrival = ArrivalProcess.Poisson, MaxOutstanding = 60, BadTokenShare = 0.1, Clients = 7,
                Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.FromSeconds(0.5), Drain = TimeSpan.FromMilliseconds(1500),
                ClientTimeout = TimeSpan.FromMilliseconds(1200),
                Requests = [RequestMix.Journey("/a", "/b"), RequestMix.Journey("/b", "/slow", "/a"), new RequestMix("/b", 2), new RequestMix("/nowhere", 0.2)],
            })
            .Build();
        var mesh = StartMesh(topology);

        var load = RunLoad(mesh);
        var report = Await(mesh.ReportAsync(load));

        var m = load.Measured;
        Assert.True(m.AddsUp && load.Warmup.AddsUp);
        Assert.True(m.Ok > 0 && m.Failed > 0 && m.TimedOut > 0 && m.Rejected > 0,
            $"every outcome occurs: ok {m.Ok}, failed {m.Failed}, timedOut {m.TimedOut}, rejected {m.Rejected}, inFlight {m.InFlight}");
        foreach (var reason in new[] { RejectReason.ClientBound, RejectReason.Unauthorized, RejectReason.NoRoute, RejectReason.Overloaded })
            Assert.True(m.RejectedBy[(int)reason] > 0, $"some were rejected as {reason}");
        // Per kind, the counts add up too, and over the kinds to the whole.
        Assert.All(load.Kinds, k => Assert.True(k.Measured.AddsUp, k.Name));
        Assert.Equal(m.Sent, load.Kinds.Sum(k => k.Measured.Sent));
        Assert.Equal(m.Ok, load.Kinds.Sum(k => k.Measured.Ok));
        Assert.Equal(m.InFlight, load.Kinds.Sum(k => k.Measured.InFlight));
        Assert.Equal(report.Requests.Sent, report.RequestKinds.Values.Sum(k => k.Requests.Sent));
        // The gateway's own accounting: every request it received ended in exactly one way.
        var g = report.Gateway;
        Assert.Equal(g.Requests, g.AuthRejected + g.NoRoute + g.RateLimited + g.CacheHits + g.Routed + g.Aggregated + g.Overflows);
    }
}
