namespace ActorMesh.Tests.Experiments;

/// <summary>
/// Experiments on the control plane and the data plane: the control plane holds desired state and
/// pushes config; sidecars and gateways carry the traffic on the config they hold.
/// </summary>
public class ControlPlaneExperiments(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    [Fact]
    public void When_the_control_plane_stops_existing_traffic_keeps_flowing_on_the_last_config()
    {
        var topology = MeshTopology.Create("shop")
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.Replicas(2).Call("payments"))
            .Service("payments", s => s.Replicas(3).ServiceTime(Distribution.Constant(1)))
            .Latency(Distribution.Constant(0.5))
            .Policy("payments", p => p with { Retries = RetryOptions.Disabled })
            .Load(l => l with { Rps = 300, Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) })
            .Build();
        var mesh = StartMesh(topology);
        // The last config the control plane pushes: retry 5xx on calls to payments.
        mesh.Apply(new SetPolicyEvent("payments", topology.Mesh.PolicyFor("payments") with { Retries = new RetryOptions { RetryOn = RetryOn.FiveXx } }));
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        var lastPushed = Await(mesh.StatusAsync()).Version;

        // The control plane stops. Then payments-0 starts failing, and someone asks to turn retries
        // off again: the API server stores the wish, but nobody can push it.
        mesh.Apply(new StopControlPlaneEvent());
        mesh.Apply(new SetErrorsEvent("payments", new ErrorInjection(1.0, 503), Instance: 0));
        mesh.Apply(new SetPolicyEvent("payments", topology.Mesh.PolicyFor("payments")));
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        var load = RunLoad(mesh);
        var report = Await(mesh.ReportAsync(load));
        var status = Await(mesh.StatusAsync());

        Out.WriteLine($"{load.Measured.Ok} ok of {load.Measured.Sent} with the control plane down for {status.DownSeconds} s; {report.Mesh[ServiceCounter.Retries]} retries");
        Assert.False(status.Up);
        Assert.True(status.DownSeconds > topology.Load.Duration.TotalSeconds, $"down for {status.DownSeconds} s, the whole load");
        // Traffic kept flowing, every request of it ok ...
        Assert.True(load.Measured.Sent > 800);
        Assert.Equal(load.Measured.Sent, load.Measured.Ok);
        // ... on the last pushed config: its retries carried every 503 of payments-0 to another replica,
        // and the change asked for during the outage reached no sidecar.
        Assert.Equal(report.Services["payments"].PerInstance["payments-0"].Errors, report.Mesh[ServiceCounter.Retries]);
        Assert.True(report.Mesh[ServiceCounter.Retries] > 100, $"retries: {report.Mesh[ServiceCounter.Retries]}");
        Assert.Equal(lastPushed, status.Version);
        var events = Await(mesh.AppliedEventsAsync());
        Assert.Equal("stored; takes effect when the control plane is back", events.Last(e => e.Event.StartsWith("set policy")).Outcome);
    }
}
