namespace ActorMesh.Tests.Gateway;

/// <summary>
/// Experiments on aggregation: one client call fans out to several backends in parallel and the
/// answers are merged; a failing or slow backend makes the answer partial (degraded) or, in fail
/// mode, fails it. Client link 40 ms each way, 1 ms hops inside the mesh.
/// </summary>
public class AggregationSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology Dashboard(Action<RouteBuilder> route, Action<ServiceBuilder>? recommendations = null) =>
        MeshTopology.Create("dashboard")
            .Gateway("mobile", g => g.ClientLatency(Distribution.Constant(40)).Aggregate("/dashboard", route))
            .Service("users", s => s.ServiceTime(Distribution.Constant(5)))
            .Service("orders", s => s.ServiceTime(Distribution.Constant(10)))
            .Service("recommendations", s => { s.ServiceTime(Distribution.Constant(20)); recommendations?.Invoke(s); })
            .Latency(Distribution.Constant(1))
            .Load(l => l with { Rps = 50, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(2), Requests = [new RequestMix("/dashboard")] })
            .Build();

    private static void ThreeBackends(RouteBuilder r, TimeSpan? recommendationsTimeout = null) =>
        r.Backend("users", "/users/me").Backend("orders", "/orders").Backend("recommendations", "/recommendations", recommendationsTimeout);

    private static double P50AllMs(ActorMesh.Load.LoadResult load) => load.LatencyAll.GetValueAtPercentile(50) / 1000.0;

    [Fact]
    public void An_aggregation_calls_every_backend_in_parallel_and_is_as_slow_as_the_slowest_not_the_sum()
    {
        var mesh = StartMesh(Dashboard(r => ThreeBackends(r)));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(100, report.Requests.Sent);
        Assert.Equal(100, report.Requests.Ok);
        Assert.Equal(100, report.Gateway.Aggregated);
        Assert.Equal(0, report.Gateway.Degraded);
        foreach (var service in new[] { "users", "orders", "recommendations" }) Assert.Equal(100, report.Services[service][ServiceCounter.Requests]);
        // 80 ms client round trip + 2 ms hops + 20 ms for the slowest backend; in sequence it would be 80 + 6 + 35.
        Assert.InRange(report.LatencyMs.P50, 101.9, 102.2);
    }

    [Fact]
    public void A_failing_backend_makes_the_answer_partial_and_marked_degraded()
    {
        var mesh = StartMesh(Dashboard(r => ThreeBackends(r), s => s.Errors(1.0, 503)));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.Equal(report.Requests.Sent, report.Gateway.Degraded);
        Assert.Equal(report.Requests.Sent, report.Outcomes.Degraded);   // the client counts them as the gateway does
        Assert.Equal(0, report.Gateway.AggregateFailed);
    }

    [Fact]
    public void A_slow_backend_is_cut_off_at_its_own_timeout_and_the_answer_is_partial()
    {
        var mesh = StartMesh(Dashboard(r => ThreeBackends(r, TimeSpan.FromMilliseconds(50)), s => s.ServiceTime(Distribution.Constant(500))));

        var load = RunLoad(mesh);
        var report = Await(mesh.ReportAsync(load));

        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.Equal(report.Requests.Sent, report.Gateway.Degraded);
        Assert.Equal(report.Requests.Sent, report.Gateway.BackendTimeouts);
        // 80 ms client round trip + the 50 ms backend timeout (+ ≤ 1 ms for the sweep), not the 500 ms backend.
        Assert.InRange(report.LatencyMs.P50, 129.9, 131.2);
        // The gateway cancels each call it gave up on (as Envoy resets the upstream stream): the call ends
        // at once instead of holding a request slot until its own route timeout, and its late answer is dropped.
        Out.WriteLine($"cancelled {report.Mesh[ServiceCounter.Cancelled]}, late responses {report.Mesh[ServiceCounter.LateResponses]}, timeouts {report.Mesh[ServiceCounter.Timeouts]}");
        Assert.Equal(report.Requests.Sent, report.Mesh[ServiceCounter.Cancelled]);
        Assert.Equal(0, report.Mesh[ServiceCounter.Timeouts]);
        Assert.InRange(report.Mesh[ServiceCounter.LateResponses], 1, report.Mesh[ServiceCounter.Cancelled]);
    }

    [Fact]
    public void In_fail_mode_a_backend_timeout_fails_the_whole_request_with_504()
    {
        var mesh = StartMesh(Dashboard(r => { ThreeBackends(r, TimeSpan.FromMilliseconds(50)); r.OnBackendFailure(BackendFailureMode.Fail); },
            s => s.ServiceTime(Distribution.Constant(500))));

        var load = RunLoad(mesh);
        var report = Await(mesh.ReportAsync(load));

        Assert.Equal(report.Requests.Sent, report.Requests.TimedOut);
        Assert.Equal(report.Requests.Sent, report.Gateway.AggregateFailed);
        Assert.InRange(P50AllMs(load), 129.9, 131.2);
    }

    [Fact]
    public void In_fail_mode_a_failing_backend_fails_the_whole_request_with_502_as_soon_as_it_answers()
    {
        // recommendations fails after its 20 ms; users and orders are made slow so that failing fast shows.
        var topology = Dashboard(r => { ThreeBackends(r); r.OnBackendFailure(BackendFailureMode.Fail); }, s => s.Errors(1.0, 503));
        topology = topology with { Services = [.. topology.Services.Select(s => s.Name == "recommendations" ? s : s with { ServiceTime = Distribution.Constant(300) })] };
        var mesh = StartMesh(topology);

        var load = RunLoad(mesh);
        var report = Await(mesh.ReportAsync(load));

        Assert.Equal(report.Requests.Sent, report.Requests.Failed);
        Assert.Equal(report.Requests.Sent, report.Outcomes.FailedByStatus["502"]);
        // 80 ms client round trip + 2 ms hops + 20 ms until recommendations fails; the 300 ms backends are not waited for.
        Assert.InRange(P50AllMs(load), 101.9, 102.2);
    }

    [Fact]
    public void When_every_backend_fails_even_a_partial_aggregation_has_nothing_to_merge_and_fails_with_502()
    {
        var topology = Dashboard(r => r.Backend("recommendations").Backend("recommendations", "/other"), s => s.Errors(1.0, 503));
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Outcomes.FailedByStatus["502"]);
        Assert.Equal(0, report.Gateway.Degraded);
        Assert.Equal(report.Requests.Sent, report.Gateway.AggregateFailed);
    }
}
