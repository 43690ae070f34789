using ActorMesh.ControlPlane;

namespace ActorMesh.Tests.ControlPlane;

/// <summary>Experiments on the control plane: reconciliation, run-time pushes, NACKs and outages, in virtual time.</summary>
public class ControlPlaneSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static TopologyBuilder Shop(Action<ServiceBuilder>? payments = null) => MeshTopology.Create("shop")
        .Gateway("edge", g => g.Route("/", "frontend"))
        .Service("frontend", s => s.Replicas(2).Call("payments"))
        .Service("payments", s => { s.Replicas(3).ServiceTime(Distribution.Constant(1)); payments?.Invoke(s); })
        .Latency(Distribution.Constant(1))
        .Load(l => l with { Rps = 200, Duration = TimeSpan.FromSeconds(4), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) });

    [Fact]
    public void A_killed_pod_is_replaced_and_the_reconciliation_is_timed()
    {
        var mesh = StartMesh(Shop().Build());
        var before = Await(mesh.StatusAsync());

        mesh.Apply(new KillPodEvent("payments-1"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        var after = Await(mesh.StatusAsync());

        Assert.Equal(3, after.InstancesByService["payments"]);
        Assert.Equal(before.ReconcileMs.Count + 1, after.ReconcileMs.Count);
        Assert.True(after.Version > before.Version, "the replacement's endpoint was pushed");
        var pods = Await(mesh.PodStatsAsync());
        Assert.Contains(pods, p => p.PodId == "payments-1");
    }

    [Fact]
    public void Scaling_up_adds_endpoints_that_take_traffic_and_scaling_down_drains_them_first()
    {
        var mesh = StartMesh(Shop().Build());

        mesh.Apply(new ScaleEvent("payments", 5));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, Await(mesh.StatusAsync()).InstancesByService["payments"]);
        var load = RunLoad(mesh);
        var report = Await(mesh.ReportAsync(load));
        Assert.True(report.Services["payments"].PerInstance["payments-4"].Requests > 0, "a new pod took traffic");
        Assert.Equal(report.Requests.Sent, report.Requests.Ok);

        mesh.Apply(new ScaleEvent("payments", 2));
        Clock.Advance(TimeSpan.FromSeconds(2));
        var status = Await(mesh.StatusAsync());
        Assert.Equal(2, status.InstancesByService["payments"]);
        Assert.DoesNotContain("payments-2", Await(mesh.Ask<NodePods>(mesh.NodeAgent, GetPods.Instance)).PodIds);
    }

    [Fact]
    public void A_policy_push_reaches_every_sidecar_and_takes_effect_without_touching_apps()
    {
        var topology = Shop(p => p.Instance(0, errors: new ErrorInjection(1, 503)))
            .Policy("payments", p => p with { Retries = RetryOptions.Disabled })
            .Build();
        var mesh = StartMesh(topology);
        var withoutRetries = Await(mesh.ReportAsync(RunLoad(mesh)));
        Assert.True(withoutRetries.Requests.Failed > 0);
        var before = Await(mesh.StatusAsync());

        mesh.Apply(new SetPolicyEvent("payments", topology.Mesh.Defaults with { Retries = new RetryOptions { RetryOn = RetryOn.FiveXx } }));
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        var after = Await(mesh.StatusAsync());

        Assert.Equal(before.Version + 1, after.Version);
        Assert.Equal(before.Pushes + 1, after.Pushes);
        Assert.Equal(before.Acks + 6, after.Acks); // 5 sidecars and the gateway
        Assert.Equal(before.ConvergenceMs.Count + 1, after.ConvergenceMs.Count);
        var secondLoad = RunLoad(mesh);
        Assert.Equal(secondLoad.Measured.Sent, secondLoad.Measured.Ok);
    }

    [Fact]
    public void An_invalid_push_is_nacked_with_its_reason_and_the_last_good_config_keeps_serving()
    {
        var topology = Shop().Policy("payments", p => p with { Timeout = TimeSpan.FromSeconds(2) }).Build();
        var mesh = StartMesh(topology);
        var before = Await(mesh.StatusAsync());

        mesh.Apply(new SetPolicyEvent("payments", topology.Mesh.Defaults with { Retries = new RetryOptions { Attempts = -3 } }));
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        var after = Await(mesh.StatusAsync());

        Assert.Equal(before.Nacks + 6, after.Nacks);
        Assert.Contains("retries.attempts", after.LastNackReason);
        var load = RunLoad(mesh);
        Assert.Equal(load.Measured.Sent, load.Measured.Ok);
    }

    [Fact]
    public void While_the_control_plane_is_down_traffic_keeps_flowing_and_changes_wait_for_its_return()
    {
        var topology = Shop()
            .Load(l => l with { Duration = TimeSpan.FromSeconds(6) })
            .At(TimeSpan.FromSeconds(1), new StopControlPlaneEvent())
            .At(TimeSpan.FromSeconds(2), new ScaleEvent("payments", 4))
            .At(TimeSpan.FromSeconds(4), new StartControlPlaneEvent())
            .Build();
        var mesh = StartMesh(topology);
        var versionBefore = Await(mesh.StatusAsync()).Version;

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.InRange(report.ControlPlane.DownSeconds, 2.9, 3.1);
        Assert.Equal(4, report.Services["payments"].Instances);
        Assert.True(report.Services["payments"].PerInstance["payments-3"].Requests > 0, "the scale asked for during the outage happened after it");
        Assert.True(report.ControlPlane.Version > versionBefore, "the new incarnation continued the version sequence");
        Assert.Equal(["stop the control plane", "scale payments to 4", "start the control plane"], report.Events.Select(e => e.Event));
        Assert.Equal("stored; takes effect when the control plane is back", report.Events[1].Outcome);
    }

    [Fact]
    public void A_pod_killed_mid_run_keeps_its_counters_in_the_report_and_its_replacement_adds_to_them()
    {
        var topology = Shop(p => p.LogCollector())
            .At(TimeSpan.FromSeconds(2), new KillPodEvent("payments-1"))
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var payments = report.Services["payments"];
        Assert.Equal(payments[ServiceCounter.Requests], payments.PerInstance.Values.Sum(p => p.Requests));
        var logs = report.Sidecars;
        Assert.Equal(logs.LogsEmitted, logs.LogsShipped + logs.LogsDropped + logs.LogsBuffered);
        Assert.True(logs.LogsEmitted >= payments[ServiceCounter.Requests], "the killed pod's log events are still counted");
        // The report's node view counts the pods running at the end: the killed one is not among them, its replacement is.
        Assert.Equal(topology.Services.Sum(s => s.Replicas), report.Cluster.PodsPerNode["node-1"]);
    }
}
