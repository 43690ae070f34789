using ActorMesh.ControlPlane;
using ActorMesh.DataPlane.Pod;
using ActorMesh.Load;
using ActorMesh.Telemetry;
using ActorMesh.Topology;
using Akka.Actor;

namespace ActorMesh.Hosting;

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

    private MeshSystem(ActorSystem system, MeshTopology topology, MeshRuntime runtime, IActorRef nodeAgent, IActorRef controlPlane, IReadOnlyDictionary<string, IActorRef> gateways)
    {
        System = system;
        Topology = topology;
        Runtime = runtime;
        NodeAgent = nodeAgent;
        ControlPlane = controlPlane;
        Gateways = gateways;
    }

    /// <summary>The ActorSystem the mesh runs in.</summary>
    public ActorSystem System { get; }
    /// <summary>The desired state it started from.</summary>
    public MeshTopology Topology { get; }
    /// <summary>Clock, random source, network and telemetry.</summary>
    public MeshRuntime Runtime { get; }
    /// <summary>The node agent (one node).</summary>
    public IActorRef NodeAgent { get; }
    /// <summary>The control plane.</summary>
    public IActorRef ControlPlane { get; }
    /// <summary>Gateways by name.</summary>
    public IReadOnlyDictionary<string, IActorRef> Gateways { get; }
    /// <summary>How long to wait for control-plane answers.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts the mesh for <paramref name="topology"/> and waits until every pod is up and every
    /// sidecar and gateway has acknowledged the first config.
    /// </summary>
    public static async Task<MeshSystem> StartAsync(ActorSystem system, MeshTopology topology, MeshRuntime runtime, ControlPlaneOptions? options = null, TimeSpan? timeout = null)
    {
        TopologyValidator.ThrowIfInvalid(topology);
        var wait = timeout ?? TimeSpan.FromSeconds(60);
        foreach (var s in topology.Services) runtime.Services.Of(s.Name);
        var suffix = Interlocked.Increment(ref _instances);
        var agent = system.ActorOf(ActorMesh.ControlPlane.NodeAgent.Props(runtime), $"node-agent-{suffix}");
        var controlPlane = system.ActorOf(ActorMesh.ControlPlane.ControlPlane.Props(topology, runtime, [agent], options), $"control-plane-{suffix}");
        await controlPlane.Ask<MeshReady>(AwaitReady.Instance, wait);
        var gateways = await controlPlane.Ask<Gateways>(GetGateways.Instance, wait);
        return new MeshSystem(system, topology, runtime, agent, controlPlane, gateways.ByName);
    }

    /// <summary>The gateway the load generator sends to.</summary>
    public IActorRef EntryGateway => Gateways[Topology.EntryGateway.Name];

    /// <summary>
    /// Runs the load profile (the topology's, unless given) to the end of its drain and returns what
    /// the client measured. <paramref name="onProgress"/> gets a live snapshot every <paramref name="progressInterval"/>.
    /// </summary>
    public async Task<LoadResult> RunLoadAsync(LoadProfile? profile = null, Action<LiveStats>? onProgress = null, TimeSpan? progressInterval = null, CancellationToken cancellation = default)
    {
        profile ??= Topology.Load;
        var gateway = Topology.EntryGateway;
        var requests = profile.Requests.IsEmpty ? [new RequestMix(gateway.Routes[0].Prefix)] : profile.Requests;
        var generator = System.ActorOf(LoadGenerator.Props(profile, Runtime, Gateways[gateway.Name], gateway.ClientLatency, requests));
        try
        {
            var total = profile.Warmup + profile.Duration + profile.Drain + TimeSpan.FromSeconds(30);
            var finished = generator.Ask<LoadFinished>(StartLoad.Instance, total, cancellation);
            if (onProgress is not null)
            {
                var interval = progressInterval ?? TimeSpan.FromSeconds(1);
                while (!finished.IsCompleted)
                {
                    var tick = await Task.WhenAny(finished, Task.Delay(interval, cancellation));
                    if (tick == finished) break;
                    if (cancellation.IsCancellationRequested) break;
                    onProgress(await generator.Ask<LiveStats>(GetLiveStats.Instance, AskTimeout, cancellation));
                }
            }
            return (await finished).Result;
        }
        finally
        {
            System.Stop(generator);
        }
    }

    /// <summary>The control plane's counters.</summary>
    public Task<ControlPlaneStatus> StatusAsync() => ControlPlane.Ask<ControlPlaneStatus>(GetControlPlaneStatus.Instance, AskTimeout);

    /// <summary>Every pod's counters.</summary>
    public async Task<IReadOnlyList<PodStatsReport>> PodStatsAsync()
    {
        var pods = await NodeAgent.Ask<NodePods>(GetPods.Instance, AskTimeout);
        var asks = pods.PodIds.Select(id => NodeAgent.Ask<PodStatsReport>(new ForwardToPod(id, GetPodStats.Instance), AskTimeout));
        return await Task.WhenAll(asks);
    }

    /// <summary>Sends <paramref name="message"/> to pod <paramref name="podId"/> (e.g. a <see cref="DataPlane.CrashContainer"/>).</summary>
    public void TellPod(string podId, object message) => NodeAgent.Tell(new ForwardToPod(podId, message));

    /// <summary>Builds the report of a run from what the client measured and what the mesh recorded.</summary>
    public async Task<RunReport> ReportAsync(LoadResult load, long? seed = null)
    {
        var status = await StatusAsync();
        var pods = await PodStatsAsync();
        return ReportBuilder.Build(Topology, seed ?? Topology.Seed, load, Runtime, status, pods);
    }
}
