using ActorMesh.DataPlane.Pod;
using ActorMesh.Load;

namespace ActorMesh.Hosting;

/// <summary>A load run: the generator (once created) and its result (once drained).</summary>
internal sealed record LoadRun(Task<IActorRef> Generator, Task<LoadFinished> Finished);

/// <summary>
/// A running mesh inside an ActorSystem: node agent, control plane, pods and gateways. The entry
/// point for experiments (TestKit) and for the console's runs:
/// <code>
/// var mesh = await MeshSystem.StartAsync(Sys, topology, runtime);
/// var load = await mesh.RunLoadAsync();
/// var report = await mesh.ReportAsync(load);
/// </code>
/// </summary>
public sealed class MeshSystem
{
    private static int _instances;
    private readonly IActorRef _host;
    private readonly Task<IActorRef> _started;
    private readonly Lazy<Task<MeshReady>> _ready;
    private int _loads;

    private MeshSystem(ActorSystem system, MeshTopology topology, MeshRuntime runtime, IActorRef host, Task<IActorRef> started, TimeSpan readyTimeout)
    {
        System = system;
        Topology = topology;
        Runtime = runtime;
        _host = host;
        _started = started;
        _ready = new Lazy<Task<MeshReady>>(() => Ask<MeshReady>(_host, AwaitReady.Instance, readyTimeout));
    }

    /// <summary>The ActorSystem the mesh runs in.</summary>
    public ActorSystem System { get; }
    /// <summary>The desired state it started from.</summary>
    public MeshTopology Topology { get; }
    /// <summary>Clock, random source, network and telemetry.</summary>
    internal MeshRuntime Runtime { get; }
    /// <summary>Completes when the mesh's host actor has created the API server, the node agent and the control plane.</summary>
    public Task Started => _started;
    /// <summary>The node agent, one node (once <see cref="Started"/>).</summary>
    public IActorRef NodeAgent => _started.Result;
    /// <summary>
    /// The mesh's host: it applies events (<see cref="ApplyEvent"/>) and answers for the current
    /// control plane (<see cref="AwaitReady"/>, <see cref="GetControlPlaneStatus"/>) even across control-plane restarts.
    /// </summary>
    public IActorRef Host => _host;
    /// <summary>Completes when every pod is up and every sidecar and gateway has acknowledged the first config.</summary>
    internal Task<MeshReady> Ready => _ready.Value;
    /// <summary>Gateways by name (once <see cref="Ready"/>).</summary>
    internal IReadOnlyDictionary<string, IActorRef> Gateways => Ready.Result.Gateways;
    /// <summary>How long to wait for answers from the mesh.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts the mesh for <paramref name="topology"/> without waiting: one host actor creates the API
    /// server, the node agent and the control plane, which places every pod and gateway.
    /// <see cref="Started"/> and then <see cref="Ready"/> complete as that happens (in virtual time:
    /// run the dispatcher, then advance the clock).
    /// </summary>
    internal static MeshSystem Launch(ActorSystem system, MeshTopology topology, MeshRuntime runtime, ControlPlaneOptions? options = null, TimeSpan? timeout = null) =>
        Launch(system, topology, runtime, options, timeout, clustered: false);

    /// <summary>
    /// Starts the mesh on a cluster, from <paramref name="edge"/>: an ActorSystem that has joined a
    /// cluster with the <c>edge</c> role. The edge keeps the API server and the gateways and drives
    /// the load; the control plane (a cluster singleton) places the pods on the nodes with the
    /// <c>pods</c> role (see <see cref="Clustering.MeshClusterNode"/>).
    /// </summary>
    internal static MeshSystem LaunchOnCluster(ActorSystem edge, MeshTopology topology, MeshRuntime runtime, TimeSpan? timeout = null) =>
        Launch(edge, topology, runtime, null, timeout, clustered: true);

    /// <summary>
    /// Starts the mesh on an in-process <paramref name="cluster"/>, from its edge, as <see cref="LaunchOnCluster(ActorSystem, MeshTopology, MeshRuntime, TimeSpan?)"/>;
    /// the timeline's <see cref="JoinNodeEvent"/>s (and <see cref="Apply"/>-ed ones) start new nodes in it.
    /// </summary>
    internal static MeshSystem LaunchOnCluster(Clustering.MeshCluster cluster, MeshTopology topology, MeshRuntime runtime, TimeSpan? timeout = null) =>
        Launch(cluster.Edge, topology, runtime, null, timeout, clustered: true, joinNode: cluster.AddNodeAsync);

    private static MeshSystem Launch(ActorSystem system, MeshTopology topology, MeshRuntime runtime, ControlPlaneOptions? options, TimeSpan? timeout, bool clustered,
        Func<string, Task<Clustering.MeshClusterNode>>? joinNode = null)
    {
        TopologyValidator.ThrowIfInvalid(topology);
        foreach (var s in topology.Services) runtime.Services.Of(s.Name);
        if (clustered) runtime.Network.CrossNode ??= new Clustering.CrossNodeLinks(system, runtime.Clock);
        // A large mesh on one node: a pod's actors in compact mailboxes (a third of a pod's memory otherwise).
        else if (topology.Services.Sum(s => (long)s.Replicas) >= DataPlane.Pod.PodMailbox.FromPods)
        {
            DataPlane.Pod.PodMailbox.Declare(system);
            runtime.CompactMailboxes = true;
        }
        var started = new TaskCompletionSource<IActorRef>();
        var host = system.ActorOf(MeshHost.Props(topology, runtime, options, clustered, started, joinNode), $"mesh-{Interlocked.Increment(ref _instances)}");
        return new MeshSystem(system, topology, runtime, host, started.Task, timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts the mesh and waits until every pod is up and every sidecar and gateway has acknowledged the first config.</summary>
    internal static async Task<MeshSystem> StartAsync(ActorSystem system, MeshTopology topology, MeshRuntime runtime, ControlPlaneOptions? options = null, TimeSpan? timeout = null)
    {
        var mesh = Launch(system, topology, runtime, options, timeout);
        await mesh.Started;
        await mesh.Ready;
        return mesh;
    }

    /// <summary>Applies a timeline event now: a policy push, a scale, a kill, a control-plane stop or start, a fault.</summary>
    public void Apply(TimelineEvent change) => _host.Tell(new ApplyEvent(change));

    /// <summary>Events applied so far (from the timeline and from <see cref="Apply"/>), with when and how.</summary>
    public async Task<IReadOnlyList<AppliedEvent>> AppliedEventsAsync() => (await Ask<AppliedEvents>(_host, GetAppliedEvents.Instance)).Events;

    /// <summary>The gateway the load generator sends to (of a gateway per zone, the replica in the first zone).</summary>
    public IActorRef EntryGateway => Gateways[Topology.EntryGateway.Instances(Topology.Zones).First().InstanceName];

    /// <summary>Creates an actor under the mesh's host (on the mesh's dispatcher).</summary>
    public Task<IActorRef> SpawnAsync(Props props)
    {
        var created = new TaskCompletionSource<IActorRef>();
        _host.Tell(new MeshHost.Spawn(Runtime.Place(props), created));
        return created.Task;
    }

    /// <summary>
    /// Asks <paramref name="target"/> once through a listener under the mesh's host; the task completes
    /// on the thread that delivers the answer.
    /// </summary>
    public Task<T> Ask<T>(IActorRef target, object question, TimeSpan? timeout = null)
    {
        var answer = new TaskCompletionSource<T>();
        _host.Tell(new MeshHost.Spawn(Reply<T>.Props(Runtime, target, question, timeout ?? AskTimeout, answer), new TaskCompletionSource<IActorRef>()));
        return answer.Task;
    }

    /// <summary>
    /// Starts the load profile (the topology's, unless given) without waiting. <c>Finished</c> completes
    /// at the end of its drain with what the client measured; the generator is stopped then.
    /// </summary>
    internal LoadRun StartLoad(LoadProfile? profile = null)
    {
        profile ??= Topology.Load;
        var gateway = (profile.Gateway is { } name ? Topology.Gateways.FirstOrDefault(g => g.Name == name) : null) ?? Topology.EntryGateway;
        IReadOnlyList<RequestMix> requests = profile.Requests.IsEmpty ? [new RequestMix(gateway.Routes[0].Prefix) { Method = gateway.Routes[0].Method }] : profile.Requests;
        Props generatorProps;
        // An entry gateway per zone: clients in every zone, each zone's next to its replica, their results merged.
        if (gateway.PerZone && Topology.Zones.Any) generatorProps = ZonalLoad.Props(Runtime, ZonalLoad.Shares(Topology, profile, gateway, Gateways, requests));
        else
        {
            // The entry gateway first (kinds without a gateway of their own go there), then every gateway for the kinds that name one.
            List<LoadTarget> targets = [Target(gateway)];
            foreach (var g in Topology.Gateways) if (g.Name != gateway.Name) targets.Add(Target(g));
            generatorProps = LoadGenerator.Props(profile, Runtime, targets, requests);
        }
        var created = new TaskCompletionSource<IActorRef>();
        var finished = new TaskCompletionSource<LoadFinished>();
        _host.Tell(new MeshHost.Spawn(generatorProps, created));
        var total = profile.Warmup + profile.Duration + profile.Drain + TimeSpan.FromSeconds(30);
        // The topology's timeline counts from the start of the first load.
        if (Interlocked.Increment(ref _loads) == 1) _host.Tell(MeshHost.StartTimeline.Instance);
        created.Task.ContinueWith(t =>
        {
            var generator = t.Result;
            _host.Tell(new MeshHost.Spawn(Reply<LoadFinished>.Props(Runtime, generator, Load.StartLoad.Instance, total, finished), new TaskCompletionSource<IActorRef>()));
            finished.Task.ContinueWith(_ => System.Stop(generator), TaskContinuationOptions.ExecuteSynchronously);
        }, TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion);
        return new LoadRun(created.Task, finished.Task);
    }

    // A gateway per zone called from one generator: its replica in the first zone.
    private LoadTarget Target(GatewaySpec g) => new(g.Name, Gateways[g.Instances(Topology.Zones).First().InstanceName], g.ClientLatency, g.TokenIssuer, g.TokenAudience);

    /// <summary>
    /// Runs the load profile (the topology's, unless given) to the end of its drain and returns what
    /// the client measured. <paramref name="onProgress"/> gets a live snapshot every <paramref name="progressInterval"/>
    /// (a snapshot that is late is skipped). Cancelling ends the load early: the requests in flight get
    /// <paramref name="stopDrain"/> of mesh time (default <see cref="RunOptions.DefaultStopDrain"/>) to
    /// be answered, and every request is still accounted for.
    /// </summary>
    public async Task<LoadResult> RunLoadAsync(LoadProfile? profile = null, Action<LiveStats>? onProgress = null, TimeSpan? progressInterval = null,
        CancellationToken cancellation = default, TimeSpan? stopDrain = null)
    {
        var run = StartLoad(profile);
        var generator = await run.Generator;
        var stopLoad = new StopLoad(stopDrain ?? RunOptions.DefaultStopDrain);
        await using var stop = cancellation.Register(() => generator.Tell(stopLoad));
        var interval = progressInterval ?? TimeSpan.FromSeconds(1);
        if (onProgress is not null)
            await ProgressPoll.PollAsync(patience => generator.Ask<LiveStats>(GetLiveStats.Instance, patience), onProgress, interval, run.Finished);
        return (await run.Finished).Result;
    }

    /// <summary>The control plane's counters (also while it is down).</summary>
    public Task<ControlPlaneStatus> StatusAsync() => Ask<ControlPlaneStatus>(_host, GetControlPlaneStatus.Instance);

    /// <summary>Every pod's counters: the running pods', and the final ones of pods that stopped during the run.</summary>
    public async Task<IReadOnlyList<PodStatsReport>> PodStatsAsync()
    {
        var stopped = new List<PodStatsReport>();
        var running = new List<Task<PodStatsReport>>();
        foreach (var node in await NodePodsAsync())
        {
            stopped.AddRange(node.Pods.Stopped);
            running.AddRange(node.Pods.PodIds.Select(id => Ask<PodStatsReport>(node.Agent, new ForwardToPod(id, GetPodStats.Instance))));
        }
        // Stopped pods first, so a running pod's settings version (the latest) wins where a report keeps one per pod.
        return [.. stopped, .. await Task.WhenAll(running)];
    }

    /// <summary>The nodes the control plane knows (one, unless on a cluster).</summary>
    internal async Task<IReadOnlyList<NodeInfo>> NodesAsync() => (await Ask<MeshNodes>(_host, GetNodes.Instance)).Nodes;

    /// <summary>What each node that is up runs (nodes that run neither pods nor gateways left out).</summary>
    internal async Task<IReadOnlyList<(NodeInfo Node, IActorRef Agent, NodePods Pods)>> NodePodsAsync()
    {
        var nodes = (await NodesAsync()).Where(n => n.Up).ToList();
        var pods = await Task.WhenAll(nodes.Select(n => Ask<NodePods>(n.Agent, GetPods.Instance)));
        return [.. nodes.Select((n, i) => (n, n.Agent, pods[i]))];
    }

    /// <summary>Pods running now, by node (nodes that run pods only).</summary>
    internal async Task<SortedDictionary<string, int>> PodsPerNodeAsync() => PodsPerNode(await NodePodsAsync());

    /// <summary>Pods running, by node, from what <see cref="NodePodsAsync"/> answered (nodes that run pods only).</summary>
    internal static SortedDictionary<string, int> PodsPerNode(IReadOnlyList<(NodeInfo Node, IActorRef Agent, NodePods Pods)> nodes)
    {
        var perNode = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (node, _, pods) in nodes)
            if ((node.Roles & NodeRoles.Pods) != 0) perNode[node.Node] = pods.PodIds.Count;
        return perNode;
    }

    /// <summary>Sends <paramref name="message"/> to pod <paramref name="podId"/> (e.g. a <see cref="DataPlane.CrashContainer"/>), on whichever node runs it.</summary>
    public void TellPod(string podId, object message) => _host.Tell(new ToPod(podId, new ForwardToPod(podId, message)));

    /// <summary>Builds the report of a run from what the client measured and what the mesh recorded.</summary>
    public async Task<RunReport> ReportAsync(LoadResult load, long? seed = null) =>
        (await CollectAsync()).Build(Topology, load, TelemetryView.Of(Runtime), seed);

    /// <summary>
    /// What the report needs from the running mesh besides its telemetry: the control plane's counters,
    /// every pod's, the events applied, the pods per node, and (<paramref name="nodeTelemetry"/>) the
    /// telemetry of pod nodes in other processes. Each answer is awaited at most <paramref name="timeout"/>
    /// (default <see cref="AskTimeout"/>); what does not come in time is left out and named in
    /// <see cref="MeshState.Missing"/>.
    /// </summary>
    internal Task<MeshState> CollectAsync(TimeSpan? timeout = null, bool nodeTelemetry = false) =>
        ReportCollection.CollectAsync(this, timeout ?? AskTimeout, nodeTelemetry);
}
