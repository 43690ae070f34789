using ActorMesh.ControlPlane;
using ActorMesh.Time;
using Akka.Actor;

namespace ActorMesh.Tests.ControlPlane;

public class ReconcilerTests
{
    private readonly VirtualClock _clock = new();
    private readonly Placement _placement = new();
    private readonly ControlPlaneStats _stats = new();
    private readonly Owner _owner = new();
    private readonly Reconciler _reconciler;

    public ReconcilerTests()
    {
        _placement.Add(new RegisterNode("node-1", ActorRefs.Nobody, NodeRoles.All));
        _placement.Add(new RegisterNode("node-2", ActorRefs.Nobody, NodeRoles.Pods));
        _reconciler = new Reconciler(_placement, _stats, _clock, _owner);
    }

    private static MeshTopology Orders(int replicas, string version = "v1") =>
        MeshTopology.Create("t").Service("orders", s => s.Replicas(replicas).Version(version)).Build();

    /// <summary>Every pod started and not yet ready reports ready from the node it was placed on.</summary>
    private void AllReady()
    {
        foreach (var (node, spec) in _owner.Started.ToList())
        {
            if (_reconciler.Pod(spec.PodId) is not { Endpoint: null } record || record.Spec != spec) continue;
            _reconciler.PodReady(new Endpoint(spec.PodId, spec.Service.Name, spec.Index, ActorRefs.Nobody, node.Name, spec.Service.Version), node);
        }
    }

    private void Terminate(string podId) => _reconciler.Forget(_reconciler.Pod(podId)!);

    /// <summary>One ready pod of v1, then v2 desired: the old pod is drained and stopped, and its v2 replacement started.</summary>
    private void StartRolloutOfOnePod()
    {
        _reconciler.Desired = Orders(1);
        _reconciler.Reconcile();
        AllReady();
        _reconciler.Desired = Orders(1, "v2");
        _reconciler.Reconcile();
        Terminate("orders-0");
        _reconciler.Reconcile();
    }

    [Fact]
    public void Missing_replicas_are_started_spread_over_the_pod_nodes()
    {
        _reconciler.Desired = Orders(3);

        _reconciler.Reconcile();

        Assert.Equal(["orders-0@node-1", "orders-1@node-2", "orders-2@node-1"], _owner.Started.Select(s => $"{s.Spec.PodId}@{s.Node.Name}"));
        Assert.Equal((2, 1), (_placement.Find("node-1")!.Pods, _placement.Find("node-2")!.Pods));
        Assert.False(_reconciler.AllPodsReady());
        AllReady();
        Assert.True(_reconciler.AllPodsReady());
    }

    [Fact]
    public void A_reconciliation_is_timed_from_the_first_action_until_every_desired_pod_is_ready()
    {
        _reconciler.Desired = Orders(2);
        _reconciler.Reconcile();

        _clock.Advance(TimeSpan.FromMilliseconds(40));
        AllReady();
        _reconciler.CheckReconciled();

        Assert.Equal([40.0], _stats.ReconcileMs);
    }

    [Fact]
    public void Scaling_down_takes_pods_out_of_the_endpoints_at_once_and_stops_them_after_the_grace_period()
    {
        _reconciler.Desired = Orders(3);
        _reconciler.Reconcile();
        AllReady();

        _reconciler.Desired = Orders(1);
        _reconciler.Reconcile();

        Assert.Equal(["orders-1", "orders-2"], _owner.Graced);
        Assert.Equal(["orders-0"], _reconciler.Endpoints()["orders"].Select(e => e.PodId));
        Assert.Equal(1, _reconciler.ReadyInstances()["orders"]);
        Assert.Equal(3, _reconciler.Count); // still running until the grace period is over
    }

    [Fact]
    public void A_rolling_update_replaces_one_pod_at_a_time_lowest_index_first_and_records_the_deployment()
    {
        _reconciler.Desired = Orders(2);
        _reconciler.Reconcile();
        AllReady();

        _reconciler.Desired = Orders(2, "v2");
        _reconciler.Reconcile();
        Assert.Equal(["orders-0"], _owner.Graced);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Terminate("orders-0");
        _reconciler.Reconcile();
        Assert.Equal("v2", _owner.Started[^1].Spec.Service.Version);
        Assert.Equal([("orders-0", _clock.Now)], _owner.ProgressChecks);
        Assert.Equal(["orders-0"], _owner.Graced); // orders-1 waits until the new orders-0 is ready

        AllReady();
        _reconciler.Reconcile();
        Assert.Equal(["orders-0", "orders-1"], _owner.Graced);
        Terminate("orders-1");
        _reconciler.Reconcile();
        _clock.Advance(TimeSpan.FromSeconds(1));
        AllReady();
        _reconciler.Reconcile();

        var deploy = Assert.Single(_stats.Deployments);
        Assert.Equal(("orders", "v1", "v2", "shipped", 2), (deploy.Service, deploy.From, deploy.To, deploy.Outcome, deploy.PodsReplaced));
        Assert.Equal(2000, deploy.DurationMs);
    }

    [Fact]
    public void A_rollout_whose_new_pod_is_not_ready_by_the_progress_deadline_is_rolled_back_once()
    {
        StartRolloutOfOnePod();
        var (podId, createdAt) = Assert.Single(_owner.ProgressChecks);

        var rollout = _reconciler.ProgressDue(podId, createdAt);

        Assert.Equal("v2", rollout!.To);
        Assert.True(rollout.RolledBack);
        Assert.Null(_reconciler.ProgressDue(podId, createdAt));
    }

    [Fact]
    public void A_progress_check_of_a_pod_that_got_ready_changes_nothing()
    {
        StartRolloutOfOnePod();
        AllReady();

        var (podId, createdAt) = Assert.Single(_owner.ProgressChecks);
        Assert.Null(_reconciler.ProgressDue(podId, createdAt));
    }

    [Fact]
    public void A_pod_a_node_reports_is_adopted_with_the_version_it_runs()
    {
        _reconciler.Desired = Orders(1, "v2");
        var node = _placement.Find("node-2")!;

        var readiness = _reconciler.PodReady(new Endpoint("orders-0", "orders", 0, ActorRefs.Nobody, "node-2", "v1"), node);

        Assert.Equal(PodReadiness.ReadyReconcile, readiness); // it runs v1, v2 is desired: a rollout follows
        Assert.Equal("v1", _reconciler.Pod("orders-0")!.Spec.Service.Version);
        Assert.Equal(1, node.Pods);
        Assert.Empty(_owner.Started);
    }

    [Fact]
    public void A_pod_of_no_desired_service_or_already_running_elsewhere_is_refused()
    {
        _reconciler.Desired = Orders(1);
        _reconciler.Reconcile();
        var elsewhere = _placement.Find("node-2")!;

        Assert.Equal(PodReadiness.Refused, _reconciler.PodReady(new Endpoint("orders-0", "orders", 0, ActorRefs.Nobody, "node-2", "v1"), elsewhere));
        Assert.Equal(PodReadiness.Refused, _reconciler.PodReady(new Endpoint("billing-0", "billing", 0, ActorRefs.Nobody, "node-2", "v1"), elsewhere));
        Assert.Equal(PodReadiness.Ready, _reconciler.PodReady(new Endpoint("orders-0", "orders", 0, ActorRefs.Nobody, "node-1", "v1"), _placement.Find("node-1")));
    }

    [Fact]
    public void A_lost_nodes_pods_are_started_again_on_the_others()
    {
        _reconciler.Desired = Orders(4);
        _reconciler.Reconcile();
        AllReady();
        var lost = _placement.Find("node-2")!;

        _placement.Remove(lost);
        foreach (var record in _reconciler.PodsOn(lost)) _reconciler.Forget(record);
        _reconciler.Reconcile();

        Assert.Equal(["orders-1@node-1", "orders-3@node-1"], _owner.Started.Skip(4).Select(s => $"{s.Spec.PodId}@{s.Node.Name}"));
        Assert.Equal(4, _placement.Find("node-1")!.Pods);
    }

    internal sealed class Owner : IReconcilerOwner
    {
        public List<(NodeSlot Node, PodSpec Spec)> Started { get; } = [];
        public List<string> Stopped { get; } = [];
        public List<(NodeSlot Node, string PodId)> StoppedOn { get; } = [];
        public List<string> Graced { get; } = [];
        public List<(string PodId, string? Node)> GracedOn { get; } = [];
        public List<(string PodId, long CreatedAt)> ProgressChecks { get; } = [];

        public void StartPod(NodeSlot node, PodSpec spec) => Started.Add((node, spec));
        public void StopPod(NodeSlot node, string podId)
        {
            Stopped.Add(podId);
            StoppedOn.Add((node, podId));
        }

        public void StopAfterGrace(string podId, NodeSlot? on = null)
        {
            Graced.Add(podId);
            GracedOn.Add((podId, on?.Name));
        }

        public void CheckProgress(string podId, long createdAt) => ProgressChecks.Add((podId, createdAt));
    }
}
