namespace ActorMesh.Tests.Topology;

public class NetworkFaultTests
{
    private static readonly LinkEnd WebInA = new("web", "a", "web-0");
    private static readonly LinkEnd OrdersInA = new("orders", "a", "orders-0");
    private static readonly LinkEnd OrdersInB = new("orders", "b", "orders-1");
    private static readonly LinkEnd Gateway = new("edge", null, null);

    [Fact]
    public void A_fault_without_a_scope_matches_every_hop()
    {
        var fault = new NetworkFault();

        Assert.True(fault.Matches(WebInA, OrdersInB));
        Assert.True(fault.Matches(Gateway, WebInA));
    }

    [Fact]
    public void Workloads_and_zones_match_in_either_direction()
    {
        var fault = new NetworkFault { From = "web", To = "orders", ToZone = "b" };

        Assert.True(fault.Matches(WebInA, OrdersInB));
        Assert.True(fault.Matches(OrdersInB, WebInA));
        Assert.False(fault.Matches(WebInA, OrdersInA));
        Assert.False(fault.Matches(Gateway, OrdersInB));
    }

    [Fact]
    public void A_zone_cut_off_matches_hops_with_exactly_one_end_in_it_and_a_workload_without_a_zone_is_outside()
    {
        var fault = new NetworkFault { Zone = "a" };

        Assert.True(fault.Matches(WebInA, OrdersInB));
        Assert.False(fault.Matches(WebInA, OrdersInA));
        Assert.True(fault.Matches(Gateway, WebInA));
        Assert.False(fault.Matches(Gateway, OrdersInB));
    }

    [Fact]
    public void A_pod_fault_matches_hops_to_or_from_that_pod()
    {
        var fault = new NetworkFault { Pod = "orders-1" };

        Assert.True(fault.Matches(WebInA, OrdersInB));
        Assert.True(fault.Matches(OrdersInB, Gateway));
        Assert.False(fault.Matches(WebInA, OrdersInA));
    }

    [Fact]
    public void The_latency_between_zones_takes_a_pair_then_within_or_between_then_the_network_default()
    {
        var zones = new ZonesSpec
        {
            Names = ["a", "b", "c"],
            Within = Distribution.Constant(0.1),
            Between = Distribution.Constant(1),
            Pairs = [new ZoneLatency("c", "a", Distribution.Constant(5))],
        };
        var fallback = Distribution.Constant(0.5);

        Assert.Equal(Distribution.Constant(0.1), zones.LatencyBetween("b", "b", fallback));
        Assert.Equal(Distribution.Constant(1), zones.LatencyBetween("a", "b", fallback));
        Assert.Equal(Distribution.Constant(5), zones.LatencyBetween("a", "c", fallback));
        Assert.Equal(fallback, zones.LatencyBetween(null, "a", fallback));
    }

    [Fact]
    public void A_service_spreads_its_pods_over_the_zones_in_turn_or_over_its_own()
    {
        var zones = new ZonesSpec { Names = ["a", "b", "c"] };
        var spread = new ServiceSpec { Name = "s", Replicas = 4 };
        var pinned = spread with { Zones = ["c"] };

        Assert.Equal(["a", "b", "c", "a"], Enumerable.Range(0, 4).Select(i => zones.ZoneOf(spread, i)));
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal("c", zones.ZoneOf(pinned, i)));
        Assert.Null(new ZonesSpec().ZoneOf(spread, 0));
    }
}
