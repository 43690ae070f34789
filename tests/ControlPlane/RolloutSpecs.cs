namespace ActorMesh.Tests.ControlPlane;

/// <summary>Rolling deploys through the control plane: one pod at a time, traffic flowing, broken versions rolled back.</summary>
public class RolloutSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static TopologyBuilder Shop(params TimelineEntry[] timeline)
    {
        var b = MeshTopology.Create("shop")
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.Replicas(2).Call("payments"))
            .Service("payments", s => s.Replicas(3).ServiceTime(Distribution.Constant(2)).StartupTime(Distribution.Constant(500)))
            .Latency(Distribution.Constant(1))
            .Load(l => l with { Rps = 200, Duration = TimeSpan.FromSeconds(12), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) });
        foreach (var e in timeline) b.At(e.At, e.Event);
        return b;
    }

    [Fact]
    public void A_change_the_api_server_refuses_is_reported_as_refused_not_applied()
    {
        var mesh = StartMesh(Shop().Build());

        mesh.Apply(new RollbackEvent("payments"));        // nothing was deployed: nothing to roll back to
        mesh.Apply(new ScaleEvent("payments", 4));        // accepted
        Clock.Advance(TimeSpan.FromSeconds(1));
        var events = Await(mesh.AppliedEventsAsync());

        Assert.Equal(["refused: 'payments' has no earlier version to roll back to", "applied"], events.Select(e => e.Outcome));
        Assert.Equal(4, Await(mesh.StatusAsync()).InstancesByService["payments"]);
    }

    [Fact]
    public void A_healthy_version_rolls_out_pod_by_pod_while_every_request_succeeds()
    {
        var mesh = StartMesh(Shop(new TimelineEntry(TimeSpan.FromSeconds(1), new DeployEvent("payments", "v2"))).Build());

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var deploy = Assert.Single(report.ControlPlane.Deployments);
        Assert.Equal(("payments", "v1", "v2", "shipped", 3), (deploy.Service, deploy.From, deploy.To, deploy.Outcome, deploy.PodsReplaced));
        // Each pod: 1 s grace after leaving the endpoints, then 0.5 s to start and get ready.
        Assert.InRange(deploy.DurationMs, 4400, 4700);
        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.Equal(3, report.Services["payments"].Instances);
    }

    [Fact]
    public void A_version_that_fails_its_health_check_is_rolled_back_and_costs_no_request()
    {
        var mesh = StartMesh(Shop(new TimelineEntry(TimeSpan.FromSeconds(1), new DeployEvent("payments", "v2", Healthy: false))).Build());

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var deploy = Assert.Single(report.ControlPlane.Deployments);
        Assert.Equal(("payments", "v1", "v2", "rolled back"), (deploy.Service, deploy.From, deploy.To, deploy.Outcome));
        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.Equal(3, report.Services["payments"].Instances);
    }
}
