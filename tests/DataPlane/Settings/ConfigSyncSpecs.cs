using System.Collections.Immutable;
using ActorMesh.ControlPlane;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Pod;
using Akka.Actor;

namespace ActorMesh.Tests.DataPlane.Settings;

/// <summary>Experiments on the config-sync sidecar: settings changes reach running apps, through crashes, in virtual time.</summary>
public class ConfigSyncSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology Orders(bool configSync = true, TimeSpan? applyDelay = null) => MeshTopology.Create("settings")
        .Gateway("edge", g => g.Route("/", "orders"))
        .Service("orders", s =>
        {
            s.Replicas(2).Setting("pageSize", "50").Setting("newCheckout", "off");
            if (configSync) s.ConfigSync(c => c with { ApplyDelay = applyDelay ?? TimeSpan.Zero });
        })
        .Build();

    private static ImmutableSortedDictionary<string, string> Values(params (string Key, string Value)[] values) =>
        values.ToImmutableSortedDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    private Dictionary<string, PodStatsReport> Pods(MeshSystem mesh) => Await(mesh.PodStatsAsync()).ToDictionary(p => p.PodId);

    [Fact]
    public void Apps_start_with_the_settings_of_their_topology()
    {
        var mesh = StartMesh(Orders());

        var pods = Pods(mesh);

        Assert.All(pods.Values, p => Assert.Equal((1L, 0L), (p.SettingsVersion!.Value, p.SettingsSyncs)));
        Assert.All(pods.Values, p => Assert.Equal(0, p.SidecarRestarts["config-sync"]));
    }

    [Fact]
    public void A_settings_change_at_the_control_plane_reaches_every_running_app()
    {
        var mesh = StartMesh(Orders(applyDelay: TimeSpan.FromMilliseconds(50)));

        mesh.Apply(new SetSettingsEvent("orders", Values(("pageSize", "100"), ("newCheckout", "on"))));
        Clock.Advance(TimeSpan.FromMilliseconds(140)); // the control plane's push debounce is 100 ms
        Assert.All(Pods(mesh).Values, p => Assert.Equal(1L, p.SettingsVersion));
        Clock.Advance(TimeSpan.FromMilliseconds(20)); // pushed at 100 ms, in force 50 ms later

        Assert.All(Pods(mesh).Values, p => Assert.Equal((2L, 1L), (p.SettingsVersion!.Value, p.SettingsSyncs)));
        var status = Await(mesh.StatusAsync());
        Assert.Equal(0, status.Nacks);
        Assert.Equal(2, status.Version);
    }

    [Fact]
    public void A_crashed_config_sync_restarts_alone_and_keeps_the_app_in_step()
    {
        var mesh = StartMesh(Orders());

        mesh.TellPod("orders-0", new CrashContainer("config-sync"));
        Clock.RunUntilIdle();
        mesh.Apply(new SetSettingsEvent("orders", Values(("pageSize", "100"))));
        Clock.Advance(TimeSpan.FromSeconds(1));
        mesh.Apply(new SetSettingsEvent("orders", Values(("pageSize", "200"))));
        Clock.Advance(TimeSpan.FromSeconds(1));

        var pod = Pods(mesh)["orders-0"];
        Assert.Equal(1, pod.SidecarRestarts["config-sync"]);
        Assert.Equal(0, pod.AppRestarts);
        Assert.Equal(0, pod.SidecarRestarts["proxy"]);
        // Resumed from its cached snapshot: each new version reached the app exactly once.
        Assert.Equal((3L, 2L), (pod.SettingsVersion!.Value, pod.SettingsSyncs));
        Assert.Equal(0, Await(mesh.StatusAsync()).Nacks);
    }

    [Fact]
    public void Settings_survive_an_app_restart()
    {
        var mesh = StartMesh(Orders());
        mesh.Apply(new SetSettingsEvent("orders", Values(("pageSize", "100"))));
        Clock.Advance(TimeSpan.FromSeconds(1));

        mesh.TellPod("orders-1", new CrashContainer("app"));
        Clock.RunUntilIdle();

        var pod = Pods(mesh)["orders-1"];
        Assert.Equal(1, pod.AppRestarts);
        Assert.Equal(2L, pod.SettingsVersion);
    }

    [Fact]
    public void A_snapshot_whose_settings_go_back_is_nacked_and_the_app_keeps_its_own()
    {
        var mesh = StartMesh(Orders());
        var containers = Await(mesh.Ask<PodContainers>(mesh.NodeAgent, new ForwardToPod("orders-0", GetContainers.Instance)));
        var current = Await(mesh.StatusAsync()).Version;
        var older = mesh.Topology with { Services = [mesh.Topology.Services[0] with { Settings = AppSettings.None }] };

        var answer = Await(mesh.Ask<ConfigNack>(containers.ByKind["config-sync"], new ConfigPush(new ConfigSnapshot(current + 1, older, ImmutableDictionary<string, ImmutableArray<Endpoint>>.Empty))));

        Assert.Equal("orders-0/config-sync", answer.Workload);
        Assert.Contains("went back from v1 to v0", answer.Reason);
        Assert.Equal(1L, Pods(mesh)["orders-0"].SettingsVersion);
    }

    [Fact]
    public void Config_sync_and_settings_from_a_topology_file_keep_apps_in_step()
    {
        var file = ActorMesh.Scenarios.Yaml.TopologyFile.Parse("""
            name: settings
            services:
              - name: orders
                replicas: 2
                sidecars: { configSync: { applyDelay: 10ms } }
                settings: { pageSize: 50 }
            """, "settings.yaml");
        Assert.True(file.Ok, string.Join("; ", file.Problems));
        var mesh = StartMesh(file.Topology!);

        mesh.Apply(new SetSettingsEvent("orders", Values(("pageSize", "100"))));
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.All(Pods(mesh).Values, p => Assert.Equal((2L, 1L, 0), (p.SettingsVersion!.Value, p.SettingsSyncs, p.SidecarRestarts["config-sync"])));
    }

    [Fact]
    public void Stopped_pods_leave_the_control_plane_waiting_for_no_config_sync()
    {
        var mesh = StartMesh(Orders());

        mesh.NodeAgent.Tell(new StopPod("orders-1"));
        Clock.RunUntilIdle();
        mesh.Apply(new SetSettingsEvent("orders", Values(("pageSize", "100"))));
        Clock.Advance(TimeSpan.FromSeconds(1));

        var status = Await(mesh.StatusAsync());
        Assert.True(status.ConvergenceMs.Count >= 2, "the push of the new settings converged without the stopped pod's config sync");
    }
}
