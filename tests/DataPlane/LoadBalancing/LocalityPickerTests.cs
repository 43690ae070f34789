using System.Collections.Immutable;
using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.Randomness;

namespace ActorMesh.Tests.DataPlane.LoadBalancing;

/// <summary>Envoy's locality priorities and weights, as <see cref="LocalityPicker"/> applies them.</summary>
public class LocalityPickerTests
{
    private static readonly string[] Zones = ["a", "b", "c"];

    // Two hosts in each zone: 0, 1 in a; 2, 3 in b; 4, 5 in c.
    private static readonly int[] HostZones = [0, 0, 1, 1, 2, 2];

    private static LocalityPicker Picker(LocalityOptions? options = null, bool outlierDetection = true) =>
        LocalityPicker.For(options ?? new LocalityOptions(), Zones, "a", HostZones, outlierDetection, new MeshRandom(3))!;

    /// <summary>The share of <paramref name="picks"/> picks that went to each zone, with only <paramref name="healthy"/> healthy.</summary>
    private static double[] ZoneShares(LocalityPicker picker, int[] healthy, int picks = 20_000)
    {
        picker.Rebuild(healthy, healthy.Length);
        var balancer = new LoadBalancer(LoadBalancerKind.Random, new MeshRandom(5));
        var active = new int[HostZones.Length];
        var counts = new double[Zones.Length];
        for (var i = 0; i < picks; i++) counts[HostZones[picker.Pick(balancer, active, null)]]++;
        return [.. counts.Select(c => c / picks)];
    }

    [Fact]
    public void With_every_host_healthy_every_call_stays_in_the_callers_zone()
    {
        Assert.Equal([1.0, 0, 0], ZoneShares(Picker(), [0, 1, 2, 3, 4, 5]));
    }

    [Fact]
    public void With_half_the_local_hosts_ejected_the_overprovisioning_factor_keeps_70_percent_local()
    {
        var shares = ZoneShares(Picker(), [1, 2, 3, 4, 5]);

        // Health of priority 0: min(100, 1.4 × 1/2) = 70 %; the other 30 % go to priority 1 (zones b and c).
        Assert.Equal(0.70, shares[0], 2);
        Assert.Equal(0.30, shares[1] + shares[2], 2);
    }

    [Fact]
    public void With_no_local_host_left_the_calls_fail_over_in_the_configured_order()
    {
        var options = new LocalityOptions { Failover = [new LocalityFailover("a", "c"), new LocalityFailover("a", "b")] };

        Assert.Equal([0, 0, 1.0], ZoneShares(Picker(options), [2, 3, 4, 5]));
        Assert.Equal([0, 1.0, 0], ZoneShares(Picker(options), [2, 3]));
    }

    [Fact]
    public void With_no_healthy_host_anywhere_there_is_no_pick()
    {
        var picker = Picker();
        picker.Rebuild([], 0);

        Assert.Equal(-1, picker.Pick(new LoadBalancer(LoadBalancerKind.Random, new MeshRandom(1)), new int[6], null));
    }

    [Fact]
    public void Distribute_weights_share_the_calls_between_zones()
    {
        var options = new LocalityOptions { Distribute = [new LocalityDistribute("a", ImmutableDictionary<string, int>.Empty.Add("a", 80).Add("b", 20))] };

        var shares = ZoneShares(Picker(options, outlierDetection: false), [0, 1, 2, 3, 4, 5]);

        Assert.Equal(0.8, shares[0], 2);
        Assert.Equal(0.2, shares[1], 2);
        Assert.Equal(0, shares[2]);
    }

    [Fact]
    public void As_in_Istio_failover_needs_outlier_detection_and_a_caller_zone()
    {
        Assert.Null(LocalityPicker.For(new LocalityOptions(), Zones, "a", HostZones, outlierDetection: false, new MeshRandom(1)));
        Assert.Null(LocalityPicker.For(new LocalityOptions(), Zones, null, HostZones, outlierDetection: true, new MeshRandom(1)));
        Assert.Null(LocalityPicker.For(new LocalityOptions { Enabled = false }, Zones, "a", HostZones, outlierDetection: true, new MeshRandom(1)));
    }
}
