using ActorMesh.DataPlane.LoadBalancing;
using System.Collections.Immutable;
using ActorMesh.ControlPlane;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.DataPlane.Upstream;
using ActorMesh.Randomness;
using Akka.Actor;

namespace ActorMesh.Tests.DataPlane.Upstream;

/// <summary>
/// Clusters of many proxies share what a snapshot makes identical for all of them (the endpoint
/// list, the all-healthy host list), and never write into it.
/// </summary>
public class UpstreamClusterSharingTests
{
    private static ImmutableArray<Endpoint> Endpoints(params int[] indices) =>
        [.. indices.Select(i => new Endpoint($"orders-{i}", "orders", i, ActorRefs.Nobody, "node-1", "v1"))];

    private static readonly TrafficPolicy Detecting = new() { OutlierDetection = new OutlierDetectionOptions { Consecutive5xx = 1, MaxEjectionPercent = 100 } };

    private static UpstreamCluster Cluster(TrafficPolicy policy, ImmutableArray<Endpoint> endpoints)
    {
        var cluster = new UpstreamCluster("orders", 0, new MeshRandom(1));
        cluster.Configure(policy, Distribution.Zero, endpoints);
        return cluster;
    }

    [Fact]
    public void Proxies_share_the_snapshot_s_endpoint_list()
    {
        var endpoints = Endpoints(0, 1, 2);
        Assert.Same(Cluster(new TrafficPolicy(), endpoints).Endpoints, Cluster(new TrafficPolicy(), endpoints).Endpoints);
    }

    [Fact]
    public void Ejecting_a_host_after_outlier_detection_is_switched_on_leaves_other_clusters_all_healthy()
    {
        var endpoints = Endpoints(0, 1, 2, 3);
        var switched = Cluster(new TrafficPolicy(), endpoints);
        var other = Cluster(new TrafficPolicy(), endpoints);

        switched.Configure(Detecting, Distribution.Zero, endpoints);
        Assert.True(switched.Outlier!.OnResult(1, isFailure: true, 0));
        switched.RebuildHealthy();

        Assert.Equal([0, 2, 3], switched.Healthy[..switched.HealthyCount]);
        Assert.Equal([0, 1, 2, 3], other.Healthy[..other.HealthyCount]);
    }

    [Fact]
    public void Active_requests_follow_their_pod_when_endpoints_change()
    {
        var cluster = Cluster(new TrafficPolicy(), Endpoints(0, 1, 2));
        cluster.PickHost(new TriedHosts()); // the first call makes the per-host counts
        cluster.Active[0] = 5;
        cluster.Active[2] = 7;

        cluster.Configure(cluster.Policy, Distribution.Zero, Endpoints(2, 3, 0));

        Assert.Equal([7, 0, 5], cluster.Active);
    }

    [Fact]
    public void A_cluster_that_never_sent_holds_no_per_host_counts()
    {
        var cluster = Cluster(new TrafficPolicy(), Endpoints(0, 1, 2));
        cluster.Configure(cluster.Policy, Distribution.Zero, Endpoints(2, 3, 0, 4));
        Assert.Empty(cluster.Active);

        var host = cluster.PickHost(new TriedHosts());
        Assert.InRange(host, 0, 3);
        Assert.Equal(4, cluster.Active.Length);
    }

    [Fact]
    public void An_ejection_follows_its_pod_when_endpoints_change()
    {
        var cluster = Cluster(Detecting, Endpoints(0, 1, 2, 3));
        Assert.True(cluster.Outlier!.OnResult(1, isFailure: true, 0));
        cluster.RebuildHealthy();

        cluster.Configure(cluster.Policy, Distribution.Zero, Endpoints(3, 1, 0));

        Assert.True(cluster.Outlier.IsEjected(1));
        Assert.Equal([0, 2], cluster.Healthy[..cluster.HealthyCount]);
    }
}
