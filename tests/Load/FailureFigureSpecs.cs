using ActorMesh.DataPlane.LoadBalancing;

namespace ActorMesh.Tests.Load;

/// <summary>
/// What a user needs to judge retries and failures, in virtual time: how long the failed requests took,
/// how many retries each request caused over its whole call tree, and a failed trace to read.
/// </summary>
public class FailureFigureSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static RetryOptions RetryOn5xx => new() { Attempts = 2, RetryOn = RetryOn.FiveXx, BackoffBase = TimeSpan.Zero, BackoffMax = TimeSpan.Zero, Budget = null };

    /// <summary>
    /// gateway → frontend (2 replicas, the first fails half its requests) → payments (3 replicas, the first
    /// always fails): the gateway retries frontend, frontend's sidecar retries payments, in turn.
    /// </summary>
    /// <remarks>With <paramref name="paymentsErrors"/>, payments' other replicas fail too (500, which is not retried).</remarks>
    private static MeshTopology TwoLevels(double paymentsErrors = 0, double traceSampling = 0) => MeshTopology.Create("two-levels")
        .Gateway("edge", g => g.Route("/", "frontend"))
        .Service("frontend", s => s.Replicas(2).Call("payments").Instance(0, errors: new ErrorInjection(0.5, 503)))
        .Service("payments", s => s.Replicas(3).Errors(paymentsErrors, 500).Instance(0, errors: new ErrorInjection(1, 503)))
        .Latency(Distribution.Constant(0.5))
        .DefaultPolicy(p => p with { Retries = RetryOn5xx, LoadBalancer = LoadBalancerKind.RoundRobin })
        .Load(l => l with { Rps = 200, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1), TraceSampling = traceSampling })
        .Build();

    [Fact]
    public void Retries_per_request_count_every_retry_in_the_call_tree_and_add_up_to_the_mesh_total()
    {
        var mesh = StartMesh(TwoLevels());

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));
        var r = report.RetriesPerRequest;
        Out.WriteLine($"retries per request: mean {r.Mean}, max {r.Max}, {string.Join(", ", r.Histogram.Select(kv => $"{kv.Key}: {kv.Value}"))}; mesh retries {report.Mesh[ServiceCounter.Retries]}");

        Assert.Equal(report.Requests.Sent, r.Requests);
        Assert.Equal(r.Requests, r.Histogram.Values.Sum());
        // Every retry anywhere was caused by exactly one client request (no warm-up: every request is measured).
        Assert.Equal(report.Mesh[ServiceCounter.Retries], r.Histogram.Sum(kv => kv.Key == "4+" ? 4 * kv.Value : int.Parse(kv.Key) * kv.Value));
        Assert.Equal(Math.Round((double)report.Mesh[ServiceCounter.Retries] / r.Requests, 4), r.Mean);
        // A request can meet both broken replicas: the gateway's retry and, below it, frontend's.
        Assert.Equal(2, r.Max);
        Assert.True(r.Histogram["2"] > 0);
        Assert.True(r.Histogram["1"] > r.Histogram["2"]);
        Assert.Equal(0, r.Histogram["3"] + r.Histogram["4+"]);
    }

    [Fact]
    public void Failed_requests_have_their_own_latency_beside_the_ok_ones()
    {
        // payments always fails, nobody retries: every request fails after the same path as an ok one would take.
        var topology = MeshTopology.Create("failing")
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.Call("payments"))
            .Service("payments", s => s.Errors(1, 503))
            .Latency(Distribution.Constant(1))
            .DefaultPolicy(p => p with { Retries = RetryOptions.Disabled })
            .Load(l => l with { Rps = 100, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1), TraceSampling = 0 })
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Failed);
        Assert.Equal(0, report.LatencyMs.Count);
        var failed = report.FailedLatencyMs;
        Assert.Equal(report.Requests.Failed, failed.Count);
        // gateway → frontend → payments and back: four 1 ms hops.
        Assert.InRange(failed.P50, 3.99, 4.01);
        Assert.InRange(failed.Max, 3.99, 4.01);
        Assert.Equal(0, report.RetriesPerRequest.Max);
    }

    [Fact]
    public void A_request_the_client_gives_up_on_counts_its_client_timeout_as_its_latency()
    {
        var topology = MeshTopology.Create("slow")
            .Gateway("edge", g => g.Route("/", "slow"))
            .Service("slow", s => s.ServiceTime(Distribution.Constant(200)))
            .Latency(Distribution.Constant(1))
            .Load(l => l with
            {
                Rps = 50, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1), TraceSampling = 0,
                ClientTimeout = TimeSpan.FromMilliseconds(80),
            })
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.TimedOut);
        // The client gave up at 80 ms, whenever its 50 ms sweep noticed (3 significant digits: 80 ms reads as up to 80.063).
        Assert.InRange(report.FailedLatencyMs.P50, 80, 80.07);
        Assert.InRange(report.FailedLatencyMs.Max, 80, 80.07);
    }

    [Fact]
    public void A_failed_request_is_sampled_into_traces_beside_an_ok_one()
    {
        var mesh = StartMesh(TwoLevels(paymentsErrors: 0.3, traceSampling: 1));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.True(report.Requests.Failed > 0);
        var ok = report.Tracing.Sample;
        var failed = report.Tracing.FailedSample;
        Assert.NotEmpty(ok);
        Assert.NotEmpty(failed);
        Assert.Equal(200, ok[0].Status);
        Assert.Equal("client", failed[0].Hop);
        Assert.True(failed[0].Status >= 500, $"the failed sample's client saw {failed[0].Status}");
        // It shows where it failed: an app that answered an error.
        Assert.Contains(failed, s => s.Hop == "app" && s.Status >= 500);
    }
}
