using ActorMesh.ControlPlane;
using Akka.Actor;

namespace ActorMesh.Tests.ControlPlane;

public class PlacementTests
{
    private static Placement With(params (string Name, NodeRoles Roles)[] nodes)
    {
        var placement = new Placement();
        foreach (var (name, roles) in nodes) placement.Add(new RegisterNode(name, ActorRefs.Nobody, roles));
        return placement;
    }

    private static GatewaySpec[] Gateways(params string[] names)
    {
        var topology = MeshTopology.Create("t").Service("a");
        foreach (var name in names) topology.Gateway(name, g => g.Route("/", "a"));
        return [.. topology.Build().Gateways];
    }

    [Fact]
    public void A_new_pod_goes_to_the_pod_node_running_the_fewest_pods_the_first_on_a_tie()
    {
        var placement = With(("edge", NodeRoles.Gateways), ("node-1", NodeRoles.Pods), ("node-2", NodeRoles.Pods));

        Assert.Equal("node-1", placement.PodNode()!.Name);
        placement.Find("node-1")!.Pods = 2;
        placement.Find("node-2")!.Pods = 1;
        Assert.Equal("node-2", placement.PodNode()!.Name);
    }

    [Fact]
    public void No_node_is_picked_for_a_pod_when_none_runs_pods()
    {
        Assert.Null(With(("edge", NodeRoles.Gateways)).PodNode());
        Assert.Null(new Placement().PodNode());
    }

    [Fact]
    public void Gateways_go_to_the_edge_and_each_is_placed_once()
    {
        var placement = With(("node-1", NodeRoles.Pods), ("edge", NodeRoles.Gateways));

        var placed = placement.PlaceGateways(Gateways("web", "mobile"));
        var again = placement.PlaceGateways(Gateways("web", "mobile"));

        Assert.Equal([("edge", "web"), ("edge", "mobile")], placed.Select(p => (p.Node.Name, p.Gateway.Name)));
        Assert.Empty(again);
    }

    [Fact]
    public void Without_an_edge_gateways_go_to_a_pod_node()
    {
        var placement = With(("node-1", NodeRoles.Pods), ("node-2", NodeRoles.Pods));
        placement.Find("node-1")!.Pods = 3;

        Assert.Equal("node-2", Assert.Single(placement.PlaceGateways(Gateways("web"))).Node.Name);
    }

    [Fact]
    public void A_lost_nodes_gateways_are_forgotten_and_placed_again_elsewhere()
    {
        var placement = With(("edge", NodeRoles.All), ("node-2", NodeRoles.Pods));
        placement.PlaceGateways(Gateways("web"));
        placement.GatewayReady("web", ActorRefs.Nobody);

        var gone = placement.Remove(placement.Find("edge")!);

        Assert.Equal(["web"], gone);
        Assert.Empty(placement.ReadyGateways);
        Assert.Null(placement.Find("edge"));
        Assert.Equal("node-2", Assert.Single(placement.PlaceGateways(Gateways("web"))).Node.Name);
    }

    [Fact]
    public void On_one_node_every_message_comes_from_that_node()
    {
        var placement = With(("node-1", NodeRoles.All));

        Assert.Equal("node-1", placement.SlotOf(ActorRefs.Nobody)!.Name);
    }
}

public class ZonePlacementTests
{
    private static Placement Nodes(int n)
    {
        var placement = new Placement();
        for (var i = 1; i <= n; i++) placement.Add(new RegisterNode($"node-{i}", ActorRefs.Nobody, NodeRoles.Pods));
        return placement;
    }

    [Fact]
    public void Each_zone_is_mapped_to_a_node_of_its_own_while_there_are_enough_and_its_pods_follow()
    {
        var placement = Nodes(3);

        Assert.Equal("node-1", placement.PodNode("a")!.Name);
        Assert.Equal("node-2", placement.PodNode("b")!.Name);
        Assert.Equal("node-3", placement.PodNode("c")!.Name);
        Assert.Equal("node-1", placement.PodNode("a")!.Name);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "node-1", ["b"] = "node-2", ["c"] = "node-3" }, placement.ZoneNodes());
    }

    [Fact]
    public void A_node_hosts_several_zones_when_there_are_more_zones_than_nodes()
    {
        var placement = Nodes(2);

        foreach (var zone in new[] { "a", "b", "c", "d" }) placement.PodNode(zone);

        Assert.Equal(2, placement.ZoneNodes().Values.Count(n => n == "node-1"));
        Assert.Equal(2, placement.ZoneNodes().Values.Count(n => n == "node-2"));
    }

    private static IEnumerable<GatewaySpec> IngressPerZone(params string[] zones)
    {
        var topology = MeshTopology.Create("t").Zones(zones).Gateway("ingress", g => g.PerZone().Route("/", "a")).Gateway("admin", g => g.Route("/", "a")).Service("a").Build();
        return topology.Gateways.SelectMany(g => g.Instances(topology.Zones));
    }

    [Fact]
    public void A_gateway_per_zone_puts_a_replica_on_each_zones_node_and_the_other_gateways_on_the_edge()
    {
        var placement = Nodes(3);
        placement.Add(new RegisterNode("edge", ActorRefs.Nobody, NodeRoles.Gateways));
        placement.PodNode("b");

        var placed = placement.PlaceGateways(IngressPerZone("a", "b", "c")).ToDictionary(p => p.Gateway.InstanceName, p => p.Node.Name);

        Assert.Equal(new Dictionary<string, string> { ["ingress@a"] = "node-2", ["ingress@b"] = "node-1", ["ingress@c"] = "node-3", ["admin"] = "edge" }, placed);
        Assert.Equal(placement.ZoneNodes()["a"], placed["ingress@a"]);
        Assert.Empty(placement.PlaceGateways(IngressPerZone("a", "b", "c")));
    }

    [Fact]
    public void The_replica_of_a_gateway_per_zone_on_a_lost_node_follows_its_zone_to_a_node_that_remains()
    {
        var placement = Nodes(3);
        placement.PlaceGateways(IngressPerZone("a", "b", "c"));

        Assert.Equal(["ingress@b"], placement.Remove(placement.Find("node-2")!));
        var again = Assert.Single(placement.PlaceGateways(IngressPerZone("a", "b", "c")), p => p.Gateway.PerZone);
        Assert.Equal("ingress@b", again.Gateway.InstanceName);
        Assert.Equal(placement.ZoneNodes()["b"], again.Node.Name);
        Assert.NotEqual("node-2", again.Node.Name);
    }

    [Fact]
    public void The_zones_of_a_lost_node_are_mapped_again_to_the_nodes_that_remain()
    {
        var placement = Nodes(3);
        foreach (var zone in new[] { "a", "b", "c" }) placement.PodNode(zone);

        placement.Remove(placement.Find("node-2")!);

        Assert.NotEqual("node-2", placement.PodNode("b")!.Name);
        Assert.DoesNotContain("node-2", placement.ZoneNodes().Values);
    }
}
