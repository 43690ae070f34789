using Akka.Cluster;
using Akka.Configuration;

namespace ActorMesh.Clustering;

/// <summary>
/// A whole cluster in one process: <c>N</c> nodes that run pods (node-1 … node-N, one ActorSystem
/// each, remoting on 127.0.0.1 on free ports) and an edge (the ActorSystem that drives the run: API
/// server, gateways, load generator). The nodes share one clock, so a run on N nodes is timed as
/// one on a single node.
/// <code>
/// await using var cluster = await MeshCluster.StartAsync(3, clock);
/// var mesh = MeshSystem.LaunchOnCluster(cluster.Edge, topology, edgeRuntime);
/// </code>
/// </summary>
internal sealed class MeshCluster : IAsyncDisposable
{
    // Written when a node joins (AddNodeAsync) while a run reads it: replaced, never changed in place.
    private volatile List<MeshClusterNode> _nodes;
    private readonly MeshClock _clock;
    private readonly long _seed;
    private readonly Config? _akkaConfig;

    private MeshCluster(List<MeshClusterNode> nodes, ActorSystem edge, MeshClock clock, long seed, Config? akkaConfig)
    {
        _nodes = nodes;
        Edge = edge;
        _clock = clock;
        _seed = seed;
        _akkaConfig = akkaConfig;
    }

    /// <summary>The nodes that run pods, node-1 first, then those that joined later in the order they did.</summary>
    public IReadOnlyList<MeshClusterNode> Nodes => _nodes;

    /// <summary>The edge's ActorSystem (role <c>edge</c>): start the mesh from it with <see cref="Hosting.MeshSystem.LaunchOnCluster(MeshCluster, MeshTopology, MeshRuntime, TimeSpan?)"/>.</summary>
    public ActorSystem Edge { get; }

    /// <summary>The node named <paramref name="name"/>.</summary>
    public MeshClusterNode Node(string name) => _nodes.Find(n => n.Name == name) ?? throw new ArgumentException($"no node named '{name}'", nameof(name));

    /// <summary>
    /// Starts <paramref name="nodes"/> pod nodes and the edge, and waits until all are up in one cluster.
    /// <paramref name="akkaConfig"/> is applied over the cluster configuration of every ActorSystem.
    /// <paramref name="progress"/> hears of each node started and of the members up; cancelling gives up.
    /// </summary>
    public static async Task<MeshCluster> StartAsync(int nodes, MeshClock clock, long seed = 1, Config? akkaConfig = null, TimeSpan? timeout = null,
        Action<Hosting.StartupProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        var list = new List<MeshClusterNode>(nodes);
        ActorSystem? edge = null;
        try
        {
            list.Add(MeshClusterNode.Start("node-1", "127.0.0.1", 0, [], clock, seed, extra: akkaConfig));
            progress?.Invoke(new Hosting.StartupProgress("cluster nodes started", 1, nodes));
            var seeds = new[] { list[0].Address.ToString() };
            for (var i = 2; i <= nodes; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                list.Add(MeshClusterNode.Start($"node-{i}", "127.0.0.1", 0, seeds, clock, seed, extra: akkaConfig));
                progress?.Invoke(new Hosting.StartupProgress("cluster nodes started", i, nodes));
            }
            edge = StartEdge("127.0.0.1", 0, seeds, akkaConfig);
            await WaitForMembersAsync(edge, nodes + 1, timeout ?? TimeSpan.FromSeconds(30), progress, cancellation);
            return new MeshCluster(list, edge, clock, seed, akkaConfig);
        }
        catch
        {
            if (edge is not null) await edge.Terminate();
            foreach (var n in list) await n.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts pod node <paramref name="name"/>, which joins the running cluster (through a node that is up) and
    /// registers with the control plane: if pods run, the control plane moves its share of them to it (see
    /// docs/cluster.md, "Late joiners"). Returns once its ActorSystem runs; the join itself follows within a second or so.
    /// </summary>
    public Task<MeshClusterNode> AddNodeAsync(string name) => Task.Run(() =>
    {
        var nodes = _nodes;
        if (nodes.Exists(n => n.Name == name && !n.Stopped)) throw new ArgumentException($"node '{name}' is already in the cluster", nameof(name));
        var seed = nodes.Find(n => !n.Stopped) ?? throw new InvalidOperationException("no node of the cluster is up to join through");
        var node = MeshClusterNode.Start(name, "127.0.0.1", 0, [seed.Address.ToString()], _clock, _seed, extra: _akkaConfig);
        lock (this) _nodes = [.. _nodes, node];
        return node;
    });

    /// <summary>Starts an edge ActorSystem that joins the cluster through <paramref name="seeds"/> (akka.tcp://actormesh@host:port).</summary>
    public static ActorSystem StartEdge(string hostname, int port, IReadOnlyList<string> seeds, Config? akkaConfig = null)
    {
        var config = MeshClusterConfig.Node(hostname, port, [], [ClusterMembershipWatcher.EdgeRole]);
        if (akkaConfig is not null) config = akkaConfig.WithFallback(config);
        var edge = ActorSystem.Create(MeshClusterConfig.SystemName, config);
        Cluster.Get(edge).JoinSeedNodes(seeds.Select(Address.Parse));
        return edge;
    }

    /// <summary>
    /// Waits until <paramref name="system"/> is up and sees at least <paramref name="members"/> members up;
    /// <paramref name="progress"/> hears each time more are up. Cancelling gives up (<see cref="OperationCanceledException"/>).
    /// </summary>
    public static async Task WaitForMembersAsync(ActorSystem system, int members, TimeSpan timeout,
        Action<Hosting.StartupProgress>? progress = null, CancellationToken cancellation = default)
    {
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        cancel.CancelAfter(timeout);
        try
        {
            await up.Task.WaitAsync(cancel.Token);
            var seen = 0;
            int count;
            while ((count = cluster.State.Members.Count(m => m.Status == MemberStatus.Up)) < members)
            {
                if (count > seen) progress?.Invoke(new Hosting.StartupProgress("cluster members up", seen = count, members));
                await Task.Delay(20, cancel.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            var seen = string.Join(", ", cluster.State.Members.Select(m => $"{m.Address} {m.Status}"));
            throw new ClusterJoinException($"the cluster did not form within {timeout.TotalSeconds:0.#} s: {members} members expected up, saw [{seen}]");
        }
    }

    /// <summary>Leaves cleanly: the edge first, then every node that has not crashed.</summary>
    public async Task LeaveAsync(TimeSpan? timeout = null)
    {
        var limit = Task.Delay(timeout ?? TimeSpan.FromSeconds(10));
        await Task.WhenAny(LeaveAsync(Edge), limit);
        await Task.WhenAny(Task.WhenAll(_nodes.Where(n => !n.Stopped).Select(n => n.LeaveAsync())), limit);
    }

    /// <summary>Makes <paramref name="system"/> leave its cluster cleanly and waits until it has stopped.</summary>
    public static async Task LeaveAsync(ActorSystem system)
    {
        if (system.WhenTerminated.IsCompleted) return;
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        await system.WhenTerminated;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Edge.Terminate();
        foreach (var n in _nodes) await n.DisposeAsync();
    }
}

/// <summary>A node could not join its cluster in time (nothing listens at the seed, or the cluster does not let it in).</summary>
public sealed class ClusterJoinException(string message) : Exception(message);
