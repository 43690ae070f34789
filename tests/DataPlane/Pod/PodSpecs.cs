using ActorMesh.ControlPlane;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Pod;
using Akka.Actor;

namespace ActorMesh.Tests.DataPlane.Pod;

/// <summary>Experiments on a pod's lifecycle: its containers share it, and each restarts alone.</summary>
public class PodSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology Orders() => MeshTopology.Create("pod")
        .Gateway("edge", g => g.Route("/", "orders"))
        .Service("orders", s => s.Replicas(2).Setting("pageSize", "50").LogCollector(c => c with { BatchSize = 1000, FlushInterval = TimeSpan.FromMinutes(1) }).ConfigSync())
        .Latency(Distribution.Constant(1))
        .Load(l => l with { Rps = 200, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) })
        .Build();

    [Fact]
    public void A_pod_runs_its_app_beside_a_proxy_a_log_collector_and_a_config_sync()
    {
        var mesh = StartMesh(Orders());

        var containers = Await(mesh.Ask<PodContainers>(mesh.NodeAgent, new ForwardToPod("orders-0", GetContainers.Instance)));

        Assert.Equal(["app", "config-sync", "log-collector", "proxy"], containers.ByKind.Keys);
    }

    [Theory]
    [InlineData("proxy")]
    [InlineData("log-collector")]
    [InlineData("config-sync")]
    public void A_crashed_sidecar_restarts_alone_and_every_request_is_still_served(string kind)
    {
        var mesh = StartMesh(Orders());

        mesh.TellPod("orders-0", new CrashContainer(kind));
        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.Equal(1, report.Sidecars.Restarts[kind]);
        Assert.Equal(1, report.Sidecars.Restarts.Values.Sum());
        Assert.All(report.Services["orders"].PerInstance.Values, pod => Assert.Equal(0, pod.AppRestarts));
    }

    [Fact]
    public void A_crashed_app_restarts_alone_and_no_sidecar_restarts()
    {
        var mesh = StartMesh(Orders());

        mesh.TellPod("orders-0", new CrashContainer("app"));
        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(1, report.Services["orders"].PerInstance["orders-0"].AppRestarts);
        Assert.Equal(0, report.Sidecars.Restarts.Values.Sum());
        Assert.Equal(["config-sync", "log-collector", "proxy"], report.Sidecars.Restarts.Keys);
    }

    [Fact]
    public void Stopping_a_pod_stops_every_container_and_its_collector_ships_what_waits()
    {
        var mesh = StartMesh(Orders());
        RunLoad(mesh);
        var pod = Await(mesh.PodStatsAsync()).Single(p => p.PodId == "orders-0");
        Assert.True(pod.Logs!.Buffered > 0, "a batch of 1000 never filled, so events wait");
        var containers = Await(mesh.Ask<PodContainers>(mesh.NodeAgent, new ForwardToPod("orders-0", GetContainers.Instance)));
        var probe = CreateTestProbe();
        foreach (var container in containers.ByKind.Values) probe.Watch(container);
        var shippedBefore = mesh.Runtime.LogStore.Received;

        mesh.NodeAgent.Tell(new StopPod("orders-0"));
        Clock.RunUntilIdle();

        var stopped = Enumerable.Range(0, containers.ByKind.Count).Select(_ => probe.ExpectMsg<Terminated>(TimeSpan.FromSeconds(5)).ActorRef).ToHashSet();
        Assert.Equal(containers.ByKind.Values.ToHashSet(), stopped);
        Assert.Equal(shippedBefore + pod.Logs.Buffered, mesh.Runtime.LogStore.Received);
    }
}
