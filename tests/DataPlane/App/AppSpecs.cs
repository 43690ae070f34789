using System.Collections.Immutable;
using ActorMesh.ControlPlane;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Pod;

namespace ActorMesh.Tests.DataPlane.App;

/// <summary>Experiments on the app container: what it keeps across a restart, and how it takes config without a sidecar.</summary>
public class AppSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology Shop(bool sidecars = true) => MeshTopology.Create("app")
        .Gateway("edge", g => g.Route("/", "frontend"))
        .Service("frontend", s => s.Sidecar(sidecars).Call("payments"))
        .Service("payments", s => s.Sidecar(sidecars).ServiceTime(Distribution.Constant(1)))
        .Latency(Distribution.Constant(1))
        .Load(l => l with { Rps = 100, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) })
        .Build();

    [Fact]
    public void An_injected_fault_survives_an_app_restart()
    {
        var mesh = StartMesh(Shop());
        mesh.Apply(new SetErrorsEvent("payments", new ErrorInjection(1, 503)));
        Clock.RunUntilIdle();

        mesh.TellPod("payments-0", new CrashContainer("app"));
        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var payments = report.Services["payments"].PerInstance["payments-0"];
        Assert.Equal(1, payments.AppRestarts);
        Assert.True(payments.Requests > 0);
        Assert.Equal(payments.Requests, payments.Errors);
    }

    [Fact]
    public void An_app_without_a_sidecar_acks_an_old_version_again_and_keeps_the_config_it_has()
    {
        var mesh = StartMesh(Shop(sidecars: false));
        var app = Await(mesh.Ask<PodContainers>(mesh.NodeAgent, new ForwardToPod("frontend-0", GetContainers.Instance))).ByKind["app"];
        var current = Await(mesh.StatusAsync()).Version;
        // An older version with no endpoints at all: applied, it would leave the app no payments to call.
        var older = new ConfigSnapshot(current - 1, mesh.Topology, ImmutableDictionary<string, ImmutableArray<Endpoint>>.Empty);

        var answer = mesh.Ask<ConfigAck>(app, new ConfigPush(older));
        Advance(answer, TimeSpan.FromSeconds(1)); // the answer crosses the network

        Assert.Equal(new ConfigAck(current - 1, "frontend-0"), Await(answer));
        var load = RunLoad(mesh);
        Assert.Equal(load.Measured.Sent, load.Measured.Ok);
    }
}
