using ActorMesh.ControlPlane;
using ActorMesh.Time;
using Akka.Actor;

namespace ActorMesh.Tests.ControlPlane;

/// <summary>What placement moves to a node that joins while pods run.</summary>
public class RebalancePlacementTests
{
    private static readonly ServiceSpec Orders = MeshTopology.Create("t").Service("orders").Service("users").Build().Services[0];
    private static readonly ServiceSpec Users = MeshTopology.Create("t").Service("orders").Service("users").Build().Services[1];

    private static Placement Nodes(int n)
    {
        var placement = new Placement();
        for (var i = 1; i <= n; i++) placement.Add(new RegisterNode($"node-{i}", ActorRefs.Nobody, NodeRoles.Pods));
        return placement;
    }

    /// <summary>Pods of <paramref name="service"/> in <paramref name="zones"/> in turn (null: no zone), each on its zone's node or the least loaded.</summary>
    private static List<PodRecord> Place(Placement placement, ServiceSpec service, int replicas, params string[] zones)
    {
        var pods = new List<PodRecord>();
        for (var i = 0; i < replicas; i++)
        {
            var zone = zones.Length == 0 ? null : zones[i % zones.Length];
            var node = placement.PodNode(zone)!;
            node.Pods++;
            pods.Add(new PodRecord(new PodSpec($"{service.Name}-{i}", service, i, Sidecar: true, zone), node));
        }
        return pods;
    }

    private static NodeSlot Join(Placement placement, string name, NodeRoles roles = NodeRoles.Pods) =>
        placement.Add(new RegisterNode(name, ActorRefs.Nobody, roles));

    [Fact]
    public void A_joining_node_takes_a_whole_zone_from_the_node_hosting_the_most_and_the_zones_pods_move_with_it()
    {
        var placement = Nodes(2);
        var pods = Place(placement, Orders, 6, "a", "b", "c"); // a and c on node-1, b on node-2

        var (zones, moving) = placement.Rebalance(Join(placement, "node-3"), pods);

        Assert.Single(zones);
        var zone = zones[0];
        Assert.Contains(zone, new[] { "a", "c" });
        Assert.Equal("node-3", placement.ZoneNodes()[zone]);
        Assert.Equal(pods.Where(p => p.Spec.Zone == zone).Select(p => p.Spec.PodId), moving.Select(p => p.Spec.PodId));
        Assert.All(moving, p => Assert.Equal("node-1", p.Node.Name));
        Assert.Equal("node-3", placement.PodNode(zone)!.Name); // a new pod of that zone goes there too
    }

    [Fact]
    public void Zones_are_never_split_so_a_node_joining_with_as_many_nodes_as_zones_takes_nothing()
    {
        var placement = Nodes(2);
        var pods = Place(placement, Orders, 4, "a", "b");

        var (zones, moving) = placement.Rebalance(Join(placement, "node-3"), pods);

        Assert.Empty(zones);
        Assert.Empty(moving);
        Assert.DoesNotContain("node-3", placement.ZoneNodes().Values);
    }

    [Fact]
    public void Without_zones_pods_move_from_the_busiest_nodes_until_no_node_runs_two_more_than_the_new_one()
    {
        var placement = Nodes(2);
        var pods = Place(placement, Orders, 6).Concat(Place(placement, Users, 3)).ToList(); // node-1: 5 pods, node-2: 4

        var (_, moving) = placement.Rebalance(Join(placement, "node-3"), pods);

        Assert.Equal(3, moving.Count);
        var after = new[] { "node-1", "node-2" }.Select(n => pods.Count(p => p.Node.Name == n) - moving.Count(p => p.Node.Name == n)).Append(moving.Count);
        Assert.Equal([3, 3, 3], after);
        Assert.Equal("orders-4", moving[0].Spec.PodId); // node-1's busiest service, its highest index
    }

    [Fact]
    public void A_node_that_runs_no_pods_takes_nothing()
    {
        var placement = Nodes(2);
        var pods = Place(placement, Orders, 6);

        var (zones, moving) = placement.Rebalance(Join(placement, "edge", NodeRoles.Gateways), pods);

        Assert.Empty(zones);
        Assert.Empty(moving);
    }
}

/// <summary>How the reconciler moves a pod to a node that joined: make-before-break.</summary>
public class RebalanceReconcilerTests
{
    private readonly VirtualClock _clock = new();
    private readonly Placement _placement = new();
    private readonly ControlPlaneStats _stats = new();
    private readonly ReconcilerTests.Owner _owner = new();
    private readonly Reconciler _reconciler;

    public RebalanceReconcilerTests()
    {
        _placement.Add(new RegisterNode("node-1", ActorRefs.Nobody, NodeRoles.Pods));
        _placement.Add(new RegisterNode("node-2", ActorRefs.Nobody, NodeRoles.Pods));
        _reconciler = new Reconciler(_placement, _stats, _clock, _owner);
        _reconciler.Desired = MeshTopology.Create("t").Zones(["a", "b", "c"]).Service("orders", s => s.Replicas(3)).Build();
        _reconciler.Reconcile();
        Ready(_owner.Started);
    }

    private void Ready(IEnumerable<(NodeSlot Node, PodSpec Spec)> started)
    {
        foreach (var (node, spec) in started.ToList())
            _reconciler.PodReady(new Endpoint(spec.PodId, spec.Service.Name, spec.Index, ActorRefs.Nobody, node.Name, spec.Service.Version, spec.Zone), node);
    }

    private static Endpoint ReplacementEndpoint(string podId)
    {
        var index = int.Parse(podId[(podId.LastIndexOf('-') + 1)..]);
        return new Endpoint(podId, "orders", index, ActorRefs.Nobody, "node-3", "v1", new[] { "a", "b", "c" }[index]);
    }

    private string Where(string podId) => _reconciler.Endpoints()["orders"].Single(e => e.PodId == podId).Node;

    private (Rebalancing Rebalance, string Pod, string From) JoinNode3()
    {
        var joined = _placement.Add(new RegisterNode("node-3", ActorRefs.Nobody, NodeRoles.Pods));
        var rebalance = _reconciler.Rebalance(joined)!;
        var (node, spec) = Assert.Single(_owner.Started.Skip(3));
        Assert.Equal("node-3", node.Name);
        return (rebalance, spec.PodId, _reconciler.Pod(spec.PodId)!.Node.Name);
    }

    [Fact]
    public void The_replacement_starts_first_and_the_old_pod_serves_until_the_replacement_is_ready()
    {
        var (_, pod, from) = JoinNode3();

        Assert.Equal(from, Where(pod));
        Assert.Empty(_owner.Graced);
        Assert.Empty(_owner.Stopped);
        Assert.True(_reconciler.AllPodsReady());
        Assert.Equal(1, _reconciler.Moving);
    }

    [Fact]
    public void A_ready_replacement_takes_no_traffic_until_it_has_acknowledged_its_config()
    {
        var (_, pod, from) = JoinNode3();

        var readiness = _reconciler.PodReady(ReplacementEndpoint(pod), _placement.Find("node-3"));

        Assert.Equal(PodReadiness.Replacement, readiness);
        Assert.Equal(from, Where(pod));
        Assert.Empty(_owner.Graced);
    }

    [Fact]
    public void Once_the_replacement_is_ready_and_configured_it_takes_the_endpoint_and_the_old_pod_drains_on_its_own_node()
    {
        var (_, pod, from) = JoinNode3();

        Ready(_owner.Started.Skip(3));
        Assert.True(_reconciler.ReplacementConfigured(pod));

        Assert.Equal("node-3", Where(pod));
        Assert.Equal([(pod, (string?)from)], _owner.GracedOn);
        Assert.Equal(3, _reconciler.Endpoints()["orders"].Length);
        Assert.Equal(from, _reconciler.Pod(pod, from)!.Node.Name);
        Assert.Empty(_stats.Rebalances); // done when the old pod has stopped
    }

    [Fact]
    public void A_rebalance_is_dated_from_the_load_s_start_on_the_control_plane_s_own_clock()
    {
        // This control plane's clock reads 7 s; the API server said the load started 2.5 s ago (its LoadClock):
        // on a cluster of processes the clocks differ, the time since the load started does not.
        _clock.Advance(TimeSpan.FromSeconds(7));
        _reconciler.LoadStartedAt = _clock.Now - TimeSpan.FromSeconds(2.5).Ticks;
        var (_, pod, from) = JoinNode3();
        Ready(_owner.Started.Skip(3));
        _reconciler.ReplacementConfigured(pod);
        _clock.Advance(TimeSpan.FromSeconds(1));

        _reconciler.Forget(_reconciler.Pod(pod, from)!);

        var record = Assert.Single(_stats.Rebalances);
        Assert.Equal(2.5, record.AtSeconds);
        Assert.Equal(7000, record.StartedAtMs);
    }

    [Fact]
    public void A_rebalance_before_any_load_has_no_date()
    {
        var (_, pod, from) = JoinNode3();
        Ready(_owner.Started.Skip(3));
        _reconciler.ReplacementConfigured(pod);

        _reconciler.Forget(_reconciler.Pod(pod, from)!);

        Assert.Null(Assert.Single(_stats.Rebalances).AtSeconds);
    }

    [Fact]
    public void A_rebalance_is_recorded_once_every_old_pod_moved_has_stopped()
    {
        var (_, pod, from) = JoinNode3();
        Ready(_owner.Started.Skip(3));
        _reconciler.ReplacementConfigured(pod);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.False(_reconciler.Forget(_reconciler.Pod(pod, from)!));

        var record = Assert.Single(_stats.Rebalances);
        Assert.Equal("node-3", record.Node);
        Assert.Equal(1000, record.DurationMs);
        var zone = Assert.Single(record.Zones);
        Assert.Equal(new PodMoveRecord(pod, zone, from, "node-3", "moved"), Assert.Single(record.Moves));
        Assert.Equal(0, _reconciler.Moving);
        Assert.Equal([1, 1, 1], _placement.Nodes.Select(n => n.Pods));
        Assert.Equal("node-3", _reconciler.Pod(pod)!.Node.Name);
    }

    [Fact]
    public void A_replacement_that_stops_before_it_is_ready_cancels_the_move_and_the_old_pod_stays()
    {
        var (_, pod, from) = JoinNode3();

        Assert.False(_reconciler.Forget(_reconciler.Pod(pod, "node-3")!));

        Assert.Equal(from, Where(pod));
        Assert.Equal("cancelled", Assert.Single(Assert.Single(_stats.Rebalances).Moves).Outcome);
        Assert.Empty(_owner.Graced);
    }

    [Fact]
    public void A_replacement_that_refuses_its_config_is_stopped_and_the_old_pod_stays()
    {
        var (_, pod, from) = JoinNode3();
        Ready(_owner.Started.Skip(3));

        _reconciler.CancelMove(pod);
        _reconciler.Forget(_reconciler.Pod(pod, "node-3")!);

        Assert.Contains(("node-3", pod), _owner.StoppedOn.Select(s => (s.Node.Name, s.PodId)));
        Assert.Equal(from, Where(pod));
        Assert.Equal("cancelled", Assert.Single(Assert.Single(_stats.Rebalances).Moves).Outcome);
    }

    [Fact]
    public void When_the_old_pod_dies_first_its_ready_replacement_is_the_pod()
    {
        var (_, pod, from) = JoinNode3();
        Ready(_owner.Started.Skip(3));

        Assert.True(_reconciler.Forget(_reconciler.Pod(pod, from)!));

        Assert.Equal("node-3", Where(pod));
        Assert.True(_reconciler.AllPodsReady());
        Assert.Equal("moved", Assert.Single(Assert.Single(_stats.Rebalances).Moves).Outcome);
    }

    [Fact]
    public void A_move_whose_pod_is_scaled_away_gives_up_its_replacement()
    {
        var (_, pod, _) = JoinNode3();
        _reconciler.Desired = MeshTopology.Create("t").Zones(["a", "b", "c"]).Service("orders", s => s.Replicas(pod.EndsWith("-2") ? 2 : 1)).Build();

        _reconciler.Reconcile();

        Assert.Contains(("node-3", pod), _owner.StoppedOn.Select(s => (s.Node.Name, s.PodId)));
    }
}
