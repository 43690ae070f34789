using ActorMesh.Clustering;
using ActorMesh.ControlPlane;
using ActorMesh.Load;
using ActorMesh.Time;
using Akka.Configuration;

namespace ActorMesh.Tests.Clustering;

/// <summary>
/// A three-node cluster in this process (three ActorSystems that run pods, and the edge that drives
/// the load), in real time: placement, config pushes, a node crash and recovery, and the control
/// plane's singleton moving with its node. Bounds are wide for a loaded 2-core CI machine.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Config Quiet = ClusterCollection.Quiet;
    private readonly HighResolutionClock _clock = new();
    private MeshCluster _cluster = null!;
    private MeshRuntime _edge = null!;
    private Akka.TestKit.Xunit2.TestKit _kit = null!;

    public async Task InitializeAsync()
    {
        _cluster = await MeshCluster.StartAsync(3, _clock, seed: 1, Quiet);
        _edge = new MeshRuntime(_clock, 1, "edge") { OwnsClock = false };
        _kit = new Akka.TestKit.Xunit2.TestKit(_cluster.Edge, output);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _edge.Dispose();
        _clock.Dispose();
    }

    private static MeshTopology Shop(double rps, TimeSpan duration, TimelineEntry? crash = null)
    {
        var builder = MeshTopology.Create("shop").Nodes(3)
        .Gateway("edge", g => g.Route("/", "frontend"))
        .Service("frontend", s => s.Replicas(3).Call("payments"))
        .Service("payments", s => s.Replicas(3).ServiceTime(Distribution.Constant(0.5)))
        .Latency(Distribution.Constant(0.5))
        .DefaultPolicy(p => p with
        {
            Timeout = TimeSpan.FromSeconds(3),
            Retries = new RetryOptions { Attempts = 2, RetryOn = RetryOn.FiveXx, PerTryTimeout = TimeSpan.FromMilliseconds(250) },
        })
        .Load(l => l with { Rps = rps, Duration = duration, Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(4) });
        if (crash is not null) builder.At(crash.At, crash.Event);
        return builder.Build();
    }

    private async Task<MeshSystem> StartAsync(MeshTopology topology)
    {
        var mesh = MeshSystem.LaunchOnCluster(_cluster.Edge, topology, _edge);
        await mesh.Started;
        await mesh.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        return mesh;
    }

    private Task Eventually(Func<Task<bool>> condition, TimeSpan within, string what) =>
        _kit.AwaitConditionAsync(condition, within, TimeSpan.FromMilliseconds(100), what);

    [Fact]
    public async Task Pods_spread_over_the_nodes_and_a_push_reaches_every_node_with_the_same_version()
    {
        var mesh = await StartAsync(Shop(200, TimeSpan.FromSeconds(1)));

        var nodes = await mesh.NodePodsAsync();
        var pods = nodes.Where(n => (n.Node.Roles & NodeRoles.Pods) != 0).ToDictionary(n => n.Node.Node, n => n.Pods.PodIds);
        output.WriteLine(string.Join("; ", pods.Select(p => $"{p.Key}: {string.Join(", ", p.Value)}")));
        Assert.Equal(["node-1", "node-2", "node-3"], pods.Keys.Order());
        Assert.All(pods.Values, ids => Assert.Equal(2, ids.Count));
        Assert.Equal(6, pods.Values.SelectMany(p => p).Distinct().Count());
        var gateways = nodes.Single(n => (n.Node.Roles & NodeRoles.Gateways) != 0);
        Assert.Equal("edge", gateways.Node.Node);

        var before = await mesh.StatusAsync();
        mesh.Apply(new SetPolicyEvent("payments", mesh.Topology.Mesh.PolicyFor("payments") with { Timeout = TimeSpan.FromSeconds(2) }));
        await Eventually(async () => (await mesh.StatusAsync()).ConvergenceMs.Count > before.ConvergenceMs.Count, TimeSpan.FromSeconds(20), "the push converged");
        var after = await mesh.StatusAsync();
        output.WriteLine($"v{before.Version} → v{after.Version}, ACKs {before.Acks} → {after.Acks}, convergence {after.ConvergenceMs[^1]} ms");
        Assert.Equal(before.Version + 1, after.Version);
        // Every sidecar on every node (6) and the gateway ACKed the new version; nobody NACKed.
        Assert.Equal(before.Acks + 7, after.Acks);
        Assert.Equal(0, after.Nacks);

        // An invalid push is NACKed by every workload on every node, as on one node; each keeps its last good config.
        mesh.Apply(new SetPolicyEvent("payments", mesh.Topology.Mesh.PolicyFor("payments") with { Retries = new RetryOptions { Attempts = -1 } }));
        await Eventually(async () => (await mesh.StatusAsync()).Nacks == 7, TimeSpan.FromSeconds(20), "seven NACKs");
        var rejected = await mesh.StatusAsync();
        output.WriteLine($"v{rejected.Version}: {rejected.Nacks} NACKs, last: {rejected.LastNackReason}");
        Assert.Equal(after.Version + 1, rejected.Version);
        Assert.Equal(after.Acks, rejected.Acks);

        var traffic = CrossNodeTraffic.Total();
        var load = await mesh.RunLoadAsync();
        Assert.True(load.Measured.AddsUp);
        Assert.Equal(load.Measured.Sent, load.Measured.Ok);
        var crossed = CrossNodeTraffic.Total().Since(traffic);
        // Requests and responses crossed nodes through the compact serializer: gateway → frontend, and frontend → payments on other nodes.
        Assert.True(crossed.Messages >= load.Measured.Sent * 2, $"{crossed.Messages} messages crossed for {load.Measured.Sent} requests");
        // In batches, one envelope per node pair at a time: every request and response went in one.
        Assert.True(crossed.Batches > 0 && crossed.BatchedMessages >= load.Measured.Sent * 2, $"{crossed.BatchedMessages} messages in {crossed.Batches} batches");
        // On the node pairs' direct links, once they connected (by the end of the config pushes above, they all had), none lost.
        Assert.True(crossed.DirectBatches > crossed.Batches / 2, $"{crossed.DirectBatches} of {crossed.Batches} batches on direct links");
        Assert.Equal(0, crossed.Lost);
    }

    [Fact]
    public async Task With_a_gateway_per_zone_the_load_runs_on_each_zones_node_no_request_crosses_nodes_and_every_one_is_accounted_for()
    {
        var topology = MeshTopology.Create("zoned-shop").Nodes(3)
            .Zones(["a", "b", "c"])
            .Gateway("ingress", g => g.PerZone().Route("/", "frontend"))
            .Service("frontend", s => s.Replicas(3).Call("payments"))
            .Service("payments", s => s.Replicas(3))
            .DefaultPolicy(p => p with { OutlierDetection = new ActorMesh.DataPlane.Resilience.OutlierDetection.OutlierDetectionOptions() })
            .Load(l => l with { Rps = 300, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(4) })
            .Build();
        var mesh = await StartAsync(topology);

        // Each zone's replica runs on the node placement mapped its zone to, next to the zone's pods.
        var zoneNodes = (await mesh.StatusAsync()).ZoneNodes;
        var agents = (await mesh.NodesAsync()).ToDictionary(n => n.Node, n => n.Agent.Path.Address);
        Assert.Equal(["a", "b", "c"], zoneNodes.Keys);
        Assert.Equal(3, zoneNodes.Values.Distinct().Count());
        foreach (var zone in zoneNodes.Keys) Assert.Equal(agents[zoneNodes[zone]], mesh.Gateways[$"ingress@{zone}"].Path.Address);

        var traffic = CrossNodeTraffic.Total();
        var load = await mesh.RunLoadAsync();
        var crossed = CrossNodeTraffic.Total().Since(traffic);
        output.WriteLine($"sent {load.Measured.Sent}, ok {load.Measured.Ok}; {crossed.Messages} messages crossed nodes");

        // Three zones' generators, 100 requests/s each, merged: every request is accounted for.
        Assert.True(load.Measured.AddsUp && load.Warmup.AddsUp);
        Assert.Equal(600, load.Measured.Sent);
        Assert.Equal(load.Measured.Sent, load.Measured.Ok);
        Assert.Equal(load.Measured.Ok, load.Latency.TotalCount);
        Assert.Equal(load.Measured.Sent, load.Kinds.Single().Measured.Sent);
        // Locality keeps every call on its zone's node: what crosses is control traffic, not requests.
        Assert.True(crossed.Messages <= load.Measured.Sent / 10, $"{crossed.Messages} messages crossed nodes for {load.Measured.Sent} requests");
    }

    [Fact]
    public async Task A_restarted_control_plane_adopts_the_pods_where_they_run_and_moves_none()
    {
        var mesh = await StartAsync(Shop(300, TimeSpan.FromSeconds(4)));
        var before = (await mesh.NodePodsAsync()).ToDictionary(n => n.Node.Node, n => string.Join(",", n.Pods.PodIds));

        // Stop the control plane, scale during the outage, start it again: the new one must learn where
        // every pod runs before it places the new one (placing from scratch would start pods a second
        // time on other nodes, then stop the originals and the requests they were serving).
        var run = mesh.StartLoad();
        mesh.Apply(new StopControlPlaneEvent());
        mesh.Apply(new ScaleEvent("frontend", 4));
        mesh.Apply(new StartControlPlaneEvent());
        var load = (await run.Finished.WaitAsync(TimeSpan.FromSeconds(60))).Result;
        await Eventually(async () => (await mesh.StatusAsync()).InstancesByService["frontend"] == 4, TimeSpan.FromSeconds(20), "frontend scaled to 4");

        var nodes = await mesh.NodePodsAsync();
        var after = nodes.ToDictionary(n => n.Node.Node, n => n.Pods.PodIds);
        output.WriteLine($"before: {string.Join("; ", before)}; after: {string.Join("; ", after.Select(a => $"{a.Key}: {string.Join(",", a.Value)}"))}");
        foreach (var (node, pods) in before)
            foreach (var pod in pods.Split(',', StringSplitOptions.RemoveEmptyEntries)) Assert.Contains(pod, after[node]);
        Assert.Equal(7, after.Values.Sum(p => p.Count));
        Assert.Equal(0, nodes.Sum(n => n.Pods.Stopped.Count));
        Assert.Equal(load.Measured.Sent, load.Measured.Ok);
    }

    [Fact]
    public async Task A_crashed_nodes_pods_are_placed_on_the_survivors_and_every_request_is_accounted_for()
    {
        var mesh = await StartAsync(Shop(300, TimeSpan.FromSeconds(10), new TimelineEntry(TimeSpan.FromSeconds(2), new CrashNodeEvent("node-3"))));
        var load = await mesh.RunLoadAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await Eventually(async () => (await mesh.StatusAsync()).PodsReplaced == 2, TimeSpan.FromSeconds(20), "node-3's two pods were placed again");

        var status = await mesh.StatusAsync();
        var nodes = await mesh.NodePodsAsync();
        var pods = nodes.Where(n => (n.Node.Roles & NodeRoles.Pods) != 0).ToDictionary(n => n.Node.Node, n => n.Pods.PodIds.Count);
        var m = load.Measured;
        output.WriteLine($"sent {m.Sent}: ok {m.Ok}, failed {m.Failed}, timed out {m.TimedOut}, rejected {m.Rejected}, in flight {m.InFlight}; " +
                         $"nodes lost {status.NodesLost}, pods replaced {status.PodsReplaced}; pods {string.Join(", ", pods)}");
        Assert.True(_cluster.Node("node-3").Stopped);
        Assert.Equal(1, status.NodesLost);
        Assert.Equal(["node-1", "node-2"], pods.Keys.Order());
        Assert.Equal(6, pods.Values.Sum());
        // Every request ended exactly once, and the crash cost little: calls in flight on node-3 were retried elsewhere.
        // Every request ended exactly once (how many the crash cost depends on the machine's load: real time asserts no rate).
        Assert.True(m.AddsUp);
        Assert.Equal(0, m.InFlight);
        // Traffic went on after the crash.
        Assert.True(load.Timeline[^1].Ok > 0, "the last second served requests");
    }

    [Fact]
    public async Task When_the_control_planes_node_dies_the_singleton_moves_and_the_data_plane_keeps_serving()
    {
        // The singleton runs on the oldest node with the pods role: node-1. It crashes 1 s into the load.
        var mesh = await StartAsync(Shop(300, TimeSpan.FromSeconds(12), new TimelineEntry(TimeSpan.FromSeconds(1), new CrashNodeEvent("node-1"))));
        var before = await mesh.StatusAsync();
        var load = await mesh.RunLoadAsync().WaitAsync(TimeSpan.FromSeconds(60));

        // A control plane runs again (on node-2) and took over: it placed node-1's pods on the survivors and pushed new endpoints.
        await Eventually(async () =>
        {
            var nodes = await mesh.NodePodsAsync();
            return nodes.Where(n => n.Node.Node is "node-2" or "node-3").Sum(n => n.Pods.PodIds.Count) == 6;
        }, TimeSpan.FromSeconds(30), "six pods run on node-2 and node-3");
        var status = await mesh.StatusAsync();
        output.WriteLine($"v{before.Version} → v{status.Version}, pushes {before.Pushes} → {status.Pushes}, acks {before.Acks} → {status.Acks}, up {status.Up}, down {status.DownSeconds} s; " +
                         $"ok {load.Measured.Ok} of {load.Measured.Sent}, timed out {load.Measured.TimedOut}");
        Assert.True(status.Up);
        Assert.True(status.Version > before.Version, "the moved control plane went on with the version sequence");
        // Its counters went on from the API server's ledger: every push either incarnation made is counted ...
        Assert.Equal(status.Version, status.Pushes);
        Assert.True(status.Acks >= before.Acks, "and no ACK the first one counted was lost");
        // ... and the hand-over, from the old incarnation's last sign of life to the new one's start, is downtime.
        Assert.True(status.DownSeconds > 0, $"downSeconds {status.DownSeconds}");
        Assert.True(load.Measured.AddsUp);
        Assert.True(load.Timeline[^1].Ok > 0, "the data plane served through the move");
    }
}

/// <summary>Cluster specs run one at a time: each starts four ActorSystems with real timers.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";

    /// <summary>Akka settings for cluster specs: errors only, no dead-letter logging.</summary>
    public static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = ERROR
        akka.log-dead-letters = 0
        akka.log-dead-letters-during-shutdown = off
        """);
}
