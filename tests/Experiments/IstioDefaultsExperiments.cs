using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.DataPlane.Resilience.OutlierDetection;

namespace ActorMesh.Tests.Experiments;

/// <summary>
/// The defaults decide outcomes: the same mesh and fault with Istio's defaults, and with the retry budget
/// and resource limits the emulator used to default to (Envoy's own, plus an on-by-default budget).
/// </summary>
public class IstioDefaultsExperiments(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    /// <summary>1,500 rps through a gateway to 3 replicas, one answering every request with 503; retries on 5xx.</summary>
    private static MeshTopology OneReplicaAlways503(Func<TrafficPolicy, TrafficPolicy> limits) => MeshTopology.Create("one-bad-replica")
        .Gateway("edge", g => g.Route("/", "backend"))
        .Service("backend", s => s.Replicas(3).Workers(64).ServiceTime(Distribution.Constant(1)).Instance(0, errors: new ErrorInjection(1.0, 503)))
        .Latency(Distribution.Constant(0.5))
        .Policy("backend", p => limits(p with { Retries = p.Retries with { RetryOn = RetryOn.FiveXx } }))
        .Load(l => l with { Rps = 1500, Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.FromSeconds(0.5), Drain = TimeSpan.FromSeconds(1) })
        .Build();

    private double OkRate(MeshTopology topology, out RunReport report)
    {
        var mesh = StartMesh(topology);
        report = Await(mesh.ReportAsync(RunLoad(mesh)));
        var ok = (double)report.Requests.Ok / report.Requests.Sent;
        Out.WriteLine($"ok {ok:P2}: retries {report.Mesh[ServiceCounter.Retries]}, refused for overflow {report.Mesh[ServiceCounter.RetriesOverflowed]}");
        return ok;
    }

    [Fact]
    public void With_istios_limits_retries_hide_a_replica_that_always_fails_where_the_old_budget_let_a_fifth_through()
    {
        // The old defaults: a retry budget of 20 % with a floor of 3 on by default, Envoy's 1024 / 1024 / 1024 / 3.
        var old = OneReplicaAlways503(p => p with
        {
            Retries = p.Retries with { Budget = new RetryBudgetOptions() },
            Limits = ConnectionLimits.Envoy,
        });
        // Istio's: no budget, every threshold 2^32 − 1.
        var istio = OneReplicaAlways503(p => p);

        var oldOk = OkRate(old, out var oldReport);
        var istioOk = OkRate(istio, out var istioReport);

        // Each retry waits up to 25 ms, so at 500 failures a second about a dozen are under way: far past the
        // floor of 3 that 20 % of a few active requests leaves. (The issue measured 81.4 % in real time.)
        Assert.InRange(oldOk, 0.74, 0.88);
        Assert.True(oldReport.Mesh[ServiceCounter.RetriesOverflowed] > 0.1 * oldReport.Requests.Sent);
        // Nothing refuses a retry; each goes to another replica (previous_hosts), so almost every request is ok.
        Assert.InRange(istioOk, 0.999, 1.0);
        Assert.Equal(0, istioReport.Mesh[ServiceCounter.RetriesOverflowed]);
    }

    [Fact]
    public void Without_panic_mode_two_ejected_replicas_of_three_leave_the_traffic_to_the_good_one()
    {
        // No retries, so the ok rate is the balancer's alone; outlier detection may eject 2 of 3 hosts.
        MeshTopology TwoBadOfThree(double panicThresholdPercent) => MeshTopology.Create("two-bad-replicas")
            .Gateway("edge", g => g.Route("/", "backend"))
            .Service("backend", s => s.Replicas(3).Workers(64).ServiceTime(Distribution.Constant(1))
                .Instance(0, errors: new ErrorInjection(1.0, 503)).Instance(1, errors: new ErrorInjection(1.0, 503)))
            .Latency(Distribution.Constant(0.5))
            .Policy("backend", p => p with
            {
                Retries = RetryOptions.Disabled,
                OutlierDetection = new OutlierDetectionOptions { Interval = TimeSpan.FromSeconds(1), MaxEjectionPercent = 67, PanicThresholdPercent = panicThresholdPercent },
            })
            .Load(l => l with { Rps = 1000, Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.FromSeconds(0.5), Drain = TimeSpan.FromSeconds(1) })
            .Build();

        // Istio's minHealthPercent 0: the two bad hosts stay ejected and every request goes to the good one.
        var istioOk = OkRate(TwoBadOfThree(new OutlierDetectionOptions().PanicThresholdPercent), out var istio);
        // Envoy's 50 %: one healthy host of three is below it, so the balancer panics and uses all three again.
        var envoyOk = OkRate(TwoBadOfThree(MeshProfiles.OutlierDetection(MeshProfile.Envoy).PanicThresholdPercent), out var envoy);

        Assert.Equal(2, istio.Mesh[ServiceCounter.Ejections]);
        Assert.InRange(istioOk, 0.99, 1.0);
        Assert.Equal(2, envoy.Mesh[ServiceCounter.Ejections]);
        Assert.InRange(envoyOk, 0.2, 0.45);
    }
}
