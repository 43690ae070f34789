namespace ActorMesh.Tests.Experiments;

/// <summary>
/// Experiments on retries as a mesh policy: the apps make one plain call to their sidecar; whether a
/// failed attempt is tried again is the sidecar's decision, set by the config the control plane pushes.
/// </summary>
public class RetryExperiments(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    [Fact]
    public void Retries_configured_in_the_mesh_need_no_change_in_any_app()
    {
        // payments-0 answers every request with 503; the mesh starts without retries to payments.
        var topology = MeshTopology.Create("shop")
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.Replicas(2).Call("payments"))
            .Service("payments", s => s.Replicas(3).ServiceTime(Distribution.Constant(1)).Instance(0, errors: new ErrorInjection(1.0, 503)))
            .Latency(Distribution.Constant(0.5))
            .Policy("payments", p => p with { Retries = RetryOptions.Disabled })
            .Load(l => l with { Rps = 300, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) })
            .Build();
        var mesh = StartMesh(topology);
        var without = RunLoad(mesh);
        var before = Await(mesh.ReportAsync(without));
        var podsBefore = Await(mesh.PodStatsAsync()).Select(p => p.PodId).Order().ToList();

        // The change: a policy pushed to the sidecars. No app is redeployed, restarted or told.
        mesh.Apply(new SetPolicyEvent("payments", topology.Mesh.PolicyFor("payments") with
        {
            Retries = new RetryOptions { Attempts = 2, RetryOn = RetryOn.FiveXx },
        }));
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        var with = RunLoad(mesh);
        var after = Await(mesh.ReportAsync(with));

        // The mesh's counters run over the mesh's life: what the second run did is the difference.
        var calls = after.Services["payments"].Upstream[ServiceCounter.Calls] - before.Services["payments"].Upstream[ServiceCounter.Calls];
        var attempts = after.Services["payments"].Upstream[ServiceCounter.Attempts] - before.Services["payments"].Upstream[ServiceCounter.Attempts];
        var retries = after.Mesh[ServiceCounter.Retries] - before.Mesh[ServiceCounter.Retries];
        var failedOnPayments0 = after.Services["payments"].PerInstance["payments-0"].Errors - before.Services["payments"].PerInstance["payments-0"].Errors;
        Out.WriteLine($"without retries: {without.Measured.Ok} ok of {without.Measured.Sent}; with: {with.Measured.Ok} ok of {with.Measured.Sent}");
        Out.WriteLine($"with retries, frontend's app made {calls} calls to payments; its sidecar sent {attempts} attempts ({retries} retries); payments-0 failed {failedOnPayments0}");

        // Before: about one call in three landed on payments-0 and its 503 reached the client.
        Assert.Equal(0, before.Mesh[ServiceCounter.Retries]);
        Assert.InRange((double)without.Measured.Failed / without.Measured.Sent, 0.2, 0.45);
        // After: every request ok, although payments-0 still failed about one call in three.
        Assert.Equal(with.Measured.Sent, with.Measured.Ok);
        Assert.InRange((double)failedOnPayments0 / calls, 0.2, 0.45);
        // The app still made one call per request, as before; its sidecar sent the retries: one for each
        // 503 of payments-0, each to another replica.
        Assert.Equal(with.Measured.Sent, calls);
        Assert.Equal(failedOnPayments0, retries);
        Assert.Equal(calls + retries, attempts);
        // The same pods and apps: nothing restarted, nothing replaced.
        Assert.Equal(podsBefore, Await(mesh.PodStatsAsync()).Select(p => p.PodId).Order().ToList());
        Assert.All(after.Services.Values.SelectMany(s => s.PerInstance.Values), pod => Assert.Equal(0, pod.AppRestarts));
    }
}
