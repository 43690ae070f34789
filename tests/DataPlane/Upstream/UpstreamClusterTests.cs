using System.Collections.Immutable;
using ActorMesh.ControlPlane;
using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.DataPlane.Upstream;
using ActorMesh.Randomness;
using Akka.Actor;

namespace ActorMesh.Tests.DataPlane.Upstream;

public class UpstreamClusterTests
{
    private static ImmutableArray<Endpoint> Endpoints(params int[] indices) =>
        [.. indices.Select(i => new Endpoint($"orders-{i}", "orders", i, ActorRefs.Nobody, "node-1", "v1"))];

    private static TrafficPolicy Policy(double maxEjectionPercent = 100, double panicThresholdPercent = 50) => new()
    {
        LoadBalancer = LoadBalancerKind.RoundRobin,
        OutlierDetection = new OutlierDetectionOptions
        {
            Consecutive5xx = 1,
            MaxEjectionPercent = maxEjectionPercent,
            PanicThresholdPercent = panicThresholdPercent,
        },
    };

    private static UpstreamCluster Cluster(TrafficPolicy policy, params int[] endpoints)
    {
        var cluster = new UpstreamCluster("orders", 0, new MeshRandom(1));
        cluster.Configure(policy, Distribution.Zero, Endpoints(endpoints));
        return cluster;
    }

    private static readonly TriedHosts NoneTried = new();

    private static int[] HealthySet(UpstreamCluster cluster) => cluster.Healthy[..cluster.HealthyCount];

    private static void Eject(UpstreamCluster cluster, params int[] hosts)
    {
        foreach (var h in hosts) Assert.True(cluster.Outlier!.OnResult(h, isFailure: true, 0));
        cluster.RebuildHealthy();
    }

    [Fact]
    public void Every_endpoint_is_healthy_at_first()
    {
        var cluster = Cluster(Policy(), 0, 1, 2, 3);

        Assert.NotNull(cluster.Outlier);
        Assert.Equal(4, cluster.Outlier.Hosts);
        Assert.Equal([0, 1, 2, 3], HealthySet(cluster));
        Assert.False(cluster.Panic);
    }

    [Fact]
    public void Without_outlier_detection_every_endpoint_is_always_healthy()
    {
        var cluster = Cluster(new TrafficPolicy(), 0, 1, 2);

        Assert.Null(cluster.Outlier);
        cluster.RebuildHealthy();
        Assert.Equal([0, 1, 2], HealthySet(cluster));
        Assert.False(cluster.Panic);
    }

    [Fact]
    public void Ejected_hosts_leave_the_healthy_set_and_are_not_picked()
    {
        var cluster = Cluster(Policy(), 0, 1, 2, 3);

        Eject(cluster, 1);

        Assert.Equal([0, 2, 3], HealthySet(cluster));
        Assert.False(cluster.Panic);
        for (var i = 0; i < 30; i++) Assert.NotEqual(1, cluster.PickHost(NoneTried));
    }

    [Fact]
    public void Returned_hosts_rejoin_the_healthy_set()
    {
        var cluster = Cluster(Policy(), 0, 1, 2, 3);
        Eject(cluster, 1);

        Assert.Equal(1, cluster.Outlier!.OnInterval(TimeSpan.FromSeconds(30).Ticks));
        cluster.RebuildHealthy();

        Assert.Equal([0, 1, 2, 3], HealthySet(cluster));
    }

    [Fact]
    public void Exactly_at_the_panic_threshold_only_healthy_hosts_are_used()
    {
        var cluster = Cluster(Policy(panicThresholdPercent: 50), 0, 1, 2, 3);

        Eject(cluster, 0, 2);

        Assert.Equal([1, 3], HealthySet(cluster));
        Assert.False(cluster.Panic);
    }

    [Fact]
    public void Below_the_panic_threshold_every_host_is_used_again()
    {
        var cluster = Cluster(Policy(panicThresholdPercent: 50), 0, 1, 2, 3);

        Eject(cluster, 0, 2, 3);

        Assert.True(cluster.Panic);
        Assert.Equal([0, 1, 2, 3], HealthySet(cluster));
    }

    [Fact]
    public void Panic_ends_when_enough_hosts_return()
    {
        var cluster = Cluster(Policy(panicThresholdPercent: 50), 0, 1);
        Eject(cluster, 0, 1);
        Assert.True(cluster.Panic);

        cluster.Outlier!.OnInterval(TimeSpan.FromSeconds(30).Ticks);
        cluster.RebuildHealthy();

        Assert.False(cluster.Panic);
        Assert.Equal([0, 1], HealthySet(cluster));
    }

    [Fact]
    public void With_a_panic_threshold_of_zero_all_hosts_can_be_ejected_and_none_is_picked()
    {
        var cluster = Cluster(Policy(panicThresholdPercent: 0), 0, 1);

        Eject(cluster, 0, 1);

        Assert.False(cluster.Panic);
        Assert.Equal(0, cluster.HealthyCount);
        Assert.Equal(-1, cluster.PickHost(NoneTried));
    }

    [Fact]
    public void With_istios_defaults_the_only_host_of_a_destination_is_never_ejected()
    {
        // max_ejection_percent 10 is always respected (Envoy 1.28+): ejecting 1 of 1 would be 100 %.
        var cluster = Cluster(new TrafficPolicy { OutlierDetection = new OutlierDetectionOptions { Consecutive5xx = 1 } }, 0);

        Assert.False(cluster.Outlier!.OnResult(0, isFailure: true, 0));
        Assert.Equal(0, cluster.PickHost(NoneTried));
    }

    [Fact]
    public void Under_envoys_panic_threshold_a_destination_with_every_host_ejected_uses_them_all()
    {
        var outliers = MeshProfiles.OutlierDetection(MeshProfile.Envoy) with { Consecutive5xx = 1, MaxEjectionPercent = 100 };
        var cluster = Cluster(new TrafficPolicy { OutlierDetection = outliers }, 0);

        Eject(cluster, 0);

        Assert.True(cluster.Outlier!.IsEjected(0));
        Assert.True(cluster.Panic);
        Assert.Equal(0, cluster.PickHost(NoneTried));
    }

    [Fact]
    public void An_endpoint_update_keeps_the_ejection_of_hosts_that_remain()
    {
        var cluster = Cluster(Policy(), 0, 1, 2, 3);
        Eject(cluster, 2);

        // orders-0 leaves, orders-4 joins: orders-2 moves from index 2 to index 1.
        cluster.Configure(cluster.Policy, Distribution.Zero, Endpoints(1, 2, 3, 4));

        Assert.Equal(4, cluster.Outlier!.Hosts);
        Assert.True(cluster.Outlier.IsEjected(1));
        Assert.Equal(1, cluster.Outlier.EjectedCount);
        Assert.Equal([0, 2, 3], HealthySet(cluster));
    }
}
