using System.Collections.Immutable;
using ActorMesh.ControlPlane;
using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.DataPlane.Upstream;
using ActorMesh.Randomness;
using ActorMesh.Telemetry;
using Akka.Actor;

namespace ActorMesh.Tests.DataPlane.Upstream;

/// <summary>
/// A caller's state for a destination grows with what it used, not with the destination's hosts: N callers
/// of M hosts with outlier detection and zones must not hold N × M entries (a 10,000-pod mesh of 3 services
/// held 80 KB per pod that way). What is the same for every caller (each host's zone, the locality grouping)
/// is built once per endpoint list and shared.
/// </summary>
public class UpstreamClusterFootprintTests
{
    private const int Hosts = 10_000;
    private static readonly string[] ZoneNames = ["zone-1", "zone-2", "zone-3"];

    private static readonly ImmutableArray<Endpoint> Spread =
        [.. Enumerable.Range(0, Hosts).Select(i => new Endpoint($"orders-{i}", "orders", i, ActorRefs.Nobody, "node-1", "v1", ZoneNames[i % 3]))];

    private static readonly TrafficPolicy Detecting = new()
    {
        OutlierDetection = new OutlierDetectionOptions { Consecutive5xx = 1, MaxEjectionPercent = 100 },
    };

    private static ZoneView View(string caller) => new(ZoneNames, caller, [Distribution.Zero, Distribution.Zero, Distribution.Zero]);

    private static UpstreamCluster Cluster(TrafficPolicy policy, string callerZone = "zone-1", int seed = 1)
    {
        var cluster = new UpstreamCluster("orders", 0, new MeshRandom((ulong)seed));
        cluster.Configure(policy, Distribution.Zero, Spread, View(callerZone));
        return cluster;
    }

    [Fact]
    public void A_caller_with_outlier_detection_and_zones_holds_less_than_a_byte_per_host_before_it_sends()
    {
        Cluster(Detecting); // the first caller builds what is shared

        var before = GC.GetAllocatedBytesForCurrentThread();
        var cluster = Cluster(Detecting);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotNull(cluster.Locality);
        Assert.True(allocated < Hosts, $"a second caller allocated {allocated:N0} B for {Hosts:N0} hosts");
    }

    [Fact]
    public void Callers_share_each_host_s_zone_and_the_locality_grouping_of_their_zone()
    {
        var a = Cluster(Detecting, seed: 1);
        var b = Cluster(Detecting, seed: 2);
        var elsewhere = Cluster(Detecting, callerZone: "zone-2");

        Assert.Same(a.HostZones, b.HostZones);
        Assert.Same(a.HostZones, elsewhere.HostZones);
        Assert.Same(a.Locality!.Layout, b.Locality!.Layout);
        Assert.NotSame(a.Locality.Layout, elsewhere.Locality!.Layout);
        Assert.Equal(1, a.HostZones[1]);
    }

    [Fact]
    public void Each_caller_ejects_on_its_own_view_and_the_shared_tables_stay_untouched()
    {
        var ejecting = Cluster(Detecting, seed: 1);
        var other = Cluster(Detecting, seed: 2);
        var order = (int[])ejecting.Locality!.Layout.Order.Clone();

        // Host 0 is in zone-1, the callers' own zone: only the caller that saw it fail ejects it.
        Assert.True(ejecting.Judge(0, failed: true, isProbe: false, now: 0, new ServiceTelemetry()));

        Assert.Equal(Hosts - 1, ejecting.HealthyCount);
        Assert.Equal(Hosts, other.HealthyCount);
        Assert.Equal(order, ejecting.Locality.Layout.Order);
        var active = new int[Hosts];
        var tried = new TriedHosts();
        for (var i = 0; i < 3_000; i++) Assert.NotEqual(0, ejecting.Locality.Pick(ejecting.Balancer, active, tried));
        Assert.Equal(0, other.Outlier!.Tracked);
    }

    [Fact]
    public void A_returned_host_gives_the_caller_back_the_shared_healthy_list()
    {
        var cluster = Cluster(Detecting);
        var shared = cluster.Healthy;
        cluster.Judge(0, failed: true, isProbe: false, now: 0, new ServiceTelemetry());
        Assert.NotSame(shared, cluster.Healthy);

        Assert.Equal(1, cluster.Outlier!.OnInterval(TimeSpan.FromSeconds(30).Ticks));
        cluster.RebuildHealthy();

        Assert.Same(shared, cluster.Healthy);
        Assert.Equal(Hosts, cluster.HealthyCount);
    }

    [Fact]
    public void A_caller_that_never_saw_a_failure_takes_new_endpoints_without_per_host_work()
    {
        var first = Cluster(Detecting);
        var cluster = Cluster(Detecting);
        var fewer = Spread.RemoveAt(5);
        first.Configure(Detecting, Distribution.Zero, fewer, View("zone-1")); // builds the new list's shared tables

        var before = GC.GetAllocatedBytesForCurrentThread();
        cluster.Configure(Detecting, Distribution.Zero, fewer, View("zone-1"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Hosts - 1, cluster.Outlier!.Hosts);
        Assert.True(allocated < Hosts, $"reconfiguring allocated {allocated:N0} B for {Hosts:N0} hosts");
    }
}
