using ActorMesh.DataPlane.LoadBalancing;

namespace ActorMesh.Tests.DataPlane.App;

/// <summary>
/// No drift (DESIGN §6): every delayed step is scheduled from its due time, never from when its actor
/// got to run, so the emulator's own lateness does not pile up into modelled latency. The proof, in
/// virtual time: a clock that delivers every delayed message a fixed <see cref="Lag"/> late, and the
/// mesh's figures are those of a punctual clock.
/// </summary>
public class NoDriftSpecs(ITestOutputHelper output)
{
    private static readonly TimeSpan Lag = TimeSpan.FromMilliseconds(3);

    private static Task<RunReport> Run(MeshTopology topology, bool late) =>
        MeshRunner.RunAsync(topology, new RunOptions
        {
            Clock = ClockMode.Virtual,
            WrapVirtualClock = late ? clock => new LateClock(clock, Lag) : null,
        });

    /// <summary>One worker, a constant 8 ms service time, and 50 requests at once: they queue back to back.</summary>
    private static MeshTopology BackToBack() =>
        MeshTopology.Create("back-to-back")
            .Gateway("edge", g => g.Route("/", "queue"))
            .Service("queue", s => s.Workers(1).Queue(1000).ServiceTime(Distribution.Constant(8)))
            .Latency(Distribution.Zero)
            .ProxyLatency(Distribution.Zero)
            .Load(l => l with
            {
                Rps = 10_000, Duration = TimeSpan.FromMilliseconds(5), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(2),
                TraceSampling = 0,
            })
            .Build();

    [Fact]
    public async Task Queued_jobs_end_N_service_times_after_the_first_starts_not_N_times_service_time_plus_the_lag()
    {
        var punctual = await Run(BackToBack(), late: false);
        var late = await Run(BackToBack(), late: true);

        Assert.Equal(50, late.Requests.Ok);
        // Request k (sent at k × 0.1 ms) ends when job k does, at (k + 1) × 8 ms: the last at 400 ms, 395.1 ms after it was sent.
        // Scheduled from when the actor got to run, each job would take 8 + 3 ms: the last would end at 550 ms.
        output.WriteLine($"punctual: max {punctual.LatencyMs.Max} ms, mean {punctual.LatencyMs.Mean} ms; {Lag.TotalMilliseconds} ms late: max {late.LatencyMs.Max} ms, mean {late.LatencyMs.Mean} ms");
        Assert.InRange(late.LatencyMs.Max, 394.5, 396);
        Assert.Equal(punctual.LatencyMs, late.LatencyMs);
        // The service's own time per request (queue and compute, at its sidecar) is not inflated either.
        Assert.Equal(punctual.Services["queue"].LatencyMs, late.Services["queue"].LatencyMs);
        // Throughput: 50 jobs in 400 ms of mesh time, one every 8 ms.
        Assert.Equal(punctual.ThroughputRps, late.ThroughputRps);
    }

    /// <summary>
    /// Every kind of delayed step at once: network hops, proxy latency, exponential service time with
    /// queueing, sleeps, store round trips, module calls, and retries with back-off from a flaky replica.
    /// </summary>
    private static MeshTopology Busy() =>
        MeshTopology.Create("busy")
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.Replicas(1).Workers(2).Queue(10_000).ServiceTime(Distribution.Exponential(0.5))
                .Sleep(Distribution.Constant(0.3)).Module("cart").CallModule("cart").Call("orders"))
            .Service("orders", s => s.Replicas(2).Workers(1).Queue(10_000).ServiceTime(Distribution.Exponential(1)).Stores("orders.db").Write("orders.db")
                .Instance(0, errors: new ErrorInjection(0.2, 503)))
            .Latency(Distribution.Normal(0.5, 0.05))
            .ProxyLatency(Distribution.Constant(0.1))
            .Policy("orders", p => p with
            {
                Retries = p.Retries with { Attempts = 3, RetryOn = RetryOn.FiveXx, BackoffBase = TimeSpan.FromMilliseconds(5), Budget = null },
                LoadBalancer = LoadBalancerKind.RoundRobin,
            })
            .Load(l => l with { Rps = 500, Arrival = ArrivalProcess.Poisson, Duration = TimeSpan.FromSeconds(4), Warmup = TimeSpan.FromSeconds(1), TraceSampling = 0 })
            .Build();

    [Fact]
    public async Task A_mesh_on_a_clock_that_delivers_everything_late_reports_what_a_punctual_one_does()
    {
        var punctual = await Run(Busy(), late: false);
        var late = await Run(Busy(), late: true);

        output.WriteLine($"punctual: {punctual.LatencyMs}; retries {punctual.Mesh[ServiceCounter.Retries]}");
        output.WriteLine($"{Lag.TotalMilliseconds} ms late: {late.LatencyMs}; retries {late.Mesh[ServiceCounter.Retries]}");
        Assert.True(punctual.Mesh[ServiceCounter.Retries] > 100, "the flaky replica makes the router retry, with back-off");
        // About ten delayed steps per request: scheduled from when each actor ran, the mean would grow by ~30 ms,
        // and more where queues amplify it. Scheduled from their due times, every figure of the data plane is the same.
        Assert.Equal(DataPlane(punctual), DataPlane(late));
    }

    /// <summary>The report's data-plane figures as JSON (the control plane's convergence is not due-based: it crosses the late network as it is).</summary>
    private static string DataPlane(RunReport r) => System.Text.Json.JsonSerializer.Serialize(new object[]
    {
        r.Requests, r.LatencyMs, r.FailedLatencyMs, r.RetriesPerRequest, r.ThroughputRps, r.Timeline, r.Outcomes, r.RequestKinds, r.CallGraph,
        r.Services.ToDictionary(s => s.Key, s => new
        {
            s.Value.LatencyMs, Retries = s.Value.Upstream[ServiceCounter.Retries], Attempts = s.Value.Upstream[ServiceCounter.Attempts],
        }),
        r.Mesh[ServiceCounter.Retries], r.Mesh[ServiceCounter.RetriesOverflowed],
    });
}
