using ActorMesh.DataPlane;
using ActorMesh.DataPlane.LoadBalancing;

namespace ActorMesh.Tests.DataPlane;

/// <summary>Experiments on the sidecar proxy: retries, timeouts and supervision, in virtual time.</summary>
public class SidecarSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static TopologyBuilder Chain(Action<ServiceBuilder>? payments = null) => MeshTopology.Create("spec")
        .Gateway("edge", g => g.Route("/", "frontend"))
        .Service("frontend", s => s.Replicas(1).Call("payments"))
        .Service("payments", s => { s.Replicas(3); payments?.Invoke(s); })
        .Latency(Distribution.Constant(1))
        .Load(l => l with { Rps = 200, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(2) });

    [Fact]
    public void Retries_on_5xx_reach_a_healthy_replica_so_no_client_sees_the_broken_one()
    {
        // A generous retry budget: with Envoy's floor of 3 concurrent retries a burst could be refused (NoOverflow).
        var topology = Chain(p => p.Instance(0, errors: new ErrorInjection(1.0, 503)))
            .Policy("payments", p => p with { Retries = p.Retries with { Attempts = 2, RetryOn = RetryOn.FiveXx, Budget = new RetryBudgetOptions { MinRetryConcurrency = 10 } } })
            .Build();
        var mesh = StartMesh(topology);

        var load = RunLoad(mesh);
        var report = Await(mesh.ReportAsync(load));

        Assert.Equal(400, report.Requests.Sent);
        Assert.Equal(400, report.Requests.Ok);
        var payments = report.Services["payments"];
        Assert.True(payments.PerInstance["payments-0"].Errors > 0, "the broken replica was tried");
        Assert.Equal(payments.PerInstance["payments-0"].Errors, payments.Upstream[ServiceCounter.Retries]);
    }

    [Fact]
    public void Without_retries_a_third_of_the_calls_fail_with_the_broken_replica()
    {
        var topology = Chain(p => p.Instance(0, errors: new ErrorInjection(1.0, 503)))
            .Policy("payments", p => p with { Retries = RetryOptions.Disabled, LoadBalancer = LoadBalancerKind.RoundRobin })
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(400, report.Requests.Sent);
        Assert.InRange(report.Requests.Failed, 120, 147);
        Assert.Equal(0, report.Mesh[ServiceCounter.Retries]);
        Assert.True(report.Outcomes.AddsUp);
    }

    [Fact]
    public void The_route_timeout_ends_a_slow_call_with_504_at_its_deadline()
    {
        var topology = Chain(p => p.ServiceTime(Distribution.Constant(200)))
            .Policy("payments", p => p with { Timeout = TimeSpan.FromMilliseconds(50), Retries = RetryOptions.Disabled })
            .Load(l => l with { Rps = 50 })
            .Build();
        var mesh = StartMesh(topology);

        var load = RunLoad(mesh);
        var report = Await(mesh.ReportAsync(load));

        // frontend's call to payments times out at 50 ms, so frontend answers 500: the client sees failures, fast.
        Assert.Equal(report.Requests.Sent, report.Requests.Failed);
        Assert.Equal(report.Requests.Sent, report.Mesh[ServiceCounter.Timeouts]);
        // 1 ms client link is zero here; hops: gateway→frontend 1 ms, timeout 50 ms (+≤1 ms sweep), frontend→gateway 1 ms.
        Assert.InRange(load.LatencyAll.GetValueAtPercentile(50) / 1000.0, 51.9, 54.1);
    }

    [Fact]
    public void A_per_try_timeout_moves_the_call_to_a_fast_replica()
    {
        var topology = Chain(p => p.Instance(0, serviceTime: Distribution.Constant(500)))
            .Policy("payments", p => p with
            {
                Timeout = TimeSpan.FromSeconds(2),
                Retries = p.Retries with { Attempts = 2, RetryOn = RetryOn.FiveXx, PerTryTimeout = TimeSpan.FromMilliseconds(20) },
                LoadBalancer = LoadBalancerKind.RoundRobin,
            })
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        // Every attempt that went to the slow replica hit the per-try timeout and was retried elsewhere.
        var upstream = report.Services["payments"].Upstream;
        Assert.InRange(report.Mesh[ServiceCounter.PerTryTimeouts], 80, 200);
        Assert.Equal(report.Mesh[ServiceCounter.PerTryTimeouts], report.Mesh[ServiceCounter.Retries]);
        Assert.Equal(upstream[ServiceCounter.Calls] + upstream[ServiceCounter.Retries], upstream[ServiceCounter.Attempts]);
        Assert.Equal(0, report.Mesh[ServiceCounter.Timeouts]);
        // At worst: four 1 ms hops, a 20 ms try, ≤ 1 ms for the sweep to notice, and < 25 ms back-off.
        Assert.True(report.LatencyMs.Max < 50, $"max {report.LatencyMs.Max} ms: a slow try costs at most the per-try timeout plus back-off");
    }

    [Fact]
    public void A_crashed_sidecar_is_restarted_alone_and_the_app_keeps_serving()
    {
        var topology = Chain().Build();
        var mesh = StartMesh(topology);

        mesh.TellPod("payments-1", new CrashContainer("proxy"));
        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var pod = report.Services["payments"].PerInstance["payments-1"];
        Assert.Equal(1, pod.ProxyRestarts);
        Assert.Equal(0, pod.AppRestarts);
        Assert.True(pod.Requests > 0, "the restarted sidecar fetched its config from the control plane and took traffic again");
        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
    }
}
