using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;

namespace ActorMesh.Clustering;

/// <summary>
/// One cluster node that runs pods: an ActorSystem with the cluster provider, its <see cref="NodeHost"/>
/// (the node agent of each run), and its share of the control plane's cluster singleton (the
/// singleton runs on the oldest such node and moves when that node goes). Used for the nodes of an
/// in-process cluster (<c>run --nodes N</c>) and by the console's <c>node</c> command.
/// </summary>
internal sealed class MeshClusterNode : IAsyncDisposable
{
    private readonly List<MeshRuntime> _runtimes = [];
    private readonly MeshClock _clock;
    private readonly MeshRuntime _controlRuntime;

    private MeshClusterNode(string name, ActorSystem system, MeshClock clock, long seed, ControlPlaneOptions? options)
    {
        Name = name;
        System = system;
        _clock = clock;
        // The control plane's own runtime (its clock, push latency draws), for as long as the node lives.
        _controlRuntime = new MeshRuntime(clock, seed, name) { OwnsClock = false };
        system.ActorOf(ClusterSingletonManager.Props(
            ControlPlaneHost.ClusterProps(_controlRuntime, options),
            PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system).WithRole(ClusterMembershipWatcher.PodsRole)), "control-plane");
        var proxy = system.ActorOf(ControlPlaneProxy(system), "control-plane-proxy");
        system.ActorOf(NodeHost.Props(name, clock, proxy, OnRuntime), "node");
    }

    /// <summary>The node's name (node-1, ...).</summary>
    public string Name { get; }
    /// <summary>The node's ActorSystem.</summary>
    public ActorSystem System { get; }
    /// <summary>The node's address in the cluster.</summary>
    public Address Address => Cluster.Get(System).SelfAddress;
    /// <summary>True once the node crashed or left.</summary>
    public bool Stopped => System.WhenTerminated.IsCompleted;

    /// <summary>The runtimes of the last two runs this node served, oldest first (their telemetry, for in-process reports).</summary>
    internal IReadOnlyList<MeshRuntime> Runtimes
    {
        get { lock (_runtimes) return [.. _runtimes]; }
    }

    /// <summary>
    /// Starts node <paramref name="name"/> listening on <paramref name="hostname"/>:<paramref name="port"/>
    /// (0: a free port), joining the cluster through <paramref name="seeds"/> (none: it starts a new
    /// cluster by joining itself).
    /// </summary>
    public static MeshClusterNode Start(string name, string hostname, int port, IReadOnlyList<string> seeds, MeshClock clock, long seed = 1,
        ControlPlaneOptions? options = null, Config? extra = null)
    {
        var config = MeshClusterConfig.Node(hostname, port, [], [ClusterMembershipWatcher.PodsRole]);
        if (extra is not null) config = extra.WithFallback(config);
        var system = ActorSystem.Create(MeshClusterConfig.SystemName, config);
        var node = new MeshClusterNode(name, system, clock, seed, options);
        var cluster = Cluster.Get(system);
        if (seeds.Count == 0) cluster.Join(cluster.SelfAddress);
        else cluster.JoinSeedNodes(seeds.Select(Akka.Actor.Address.Parse));
        return node;
    }

    /// <summary>Props of a proxy to the control plane's cluster singleton, from any node (the edge included).</summary>
    public static Props ControlPlaneProxy(ActorSystem system) =>
        ClusterSingletonProxy.Props("/user/control-plane",
            ClusterSingletonProxySettings.Create(system).WithRole(ClusterMembershipWatcher.PodsRole).WithBufferSize(10_000));

    /// <summary>Crashes the node: its ActorSystem stops at once without leaving (as a killed process would).</summary>
    public Task CrashAsync() => System.Terminate();

    /// <summary>Leaves the cluster cleanly (hand-over of the singleton included) and stops.</summary>
    public async Task LeaveAsync()
    {
        if (Stopped) return;
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        await System.WhenTerminated;
    }

    private void OnRuntime(MeshRuntime runtime)
    {
        lock (_runtimes)
        {
            _runtimes.Add(runtime);
            // A long-lived node serves run after run: keep the last two runs' runtimes (the one before may
            // still be winding down, its telemetry read by a late edge) and let older ones go.
            while (_runtimes.Count > 2)
            {
                _runtimes[0].Dispose();
                _runtimes.RemoveAt(0);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await System.Terminate();
        lock (_runtimes) foreach (var r in _runtimes) r.Dispose();
        _controlRuntime.Dispose();
    }
}
