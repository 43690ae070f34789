using ActorMesh.ControlPlane;
using ActorMesh.Topology;
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
