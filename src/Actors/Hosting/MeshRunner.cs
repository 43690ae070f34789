using ActorMesh.Clustering;
using ActorMesh.Load;
using ActorMesh.Telemetry;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Actor;
using Akka.Configuration;
using Serilog.Core;

namespace ActorMesh.Hosting;

/// <summary>Overrides and hooks for one run.</summary>
public sealed record RunOptions
{
    /// <summary>Seed; null keeps the topology's.</summary>
    public long? Seed { get; init; }
    /// <summary>Measured duration; null keeps the topology's.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Warm-up; null keeps the topology's.</summary>
    public TimeSpan? Warmup { get; init; }
    /// <summary>Open-loop rate; switches the load to open loop.</summary>
    public double? Rps { get; init; }
    /// <summary>Closed-loop users; switches the load to closed loop.</summary>
    public int? Users { get; init; }
    /// <summary>Live progress, every <see cref="ProgressInterval"/>.</summary>
    public Action<LiveStats>? Progress { get; init; }
    /// <summary>How often <see cref="Progress"/> is called. Default 1 s.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Extra Akka configuration (logging, dispatchers), applied over ActorMesh's defaults.</summary>
    public Config? AkkaConfig { get; init; }
    /// <summary>Where the central log store also writes the events log collectors ship (e.g. a file); disposed at the end of the run. Default none: they are only counted.</summary>
    public ILogEventSink? LogSink { get; init; }

    /// <summary>Cluster nodes to start in this process; null keeps the topology's (<see cref="MeshTopology.Nodes"/>).</summary>
    public int? Nodes { get; init; }

    /// <summary>
    /// Drive the run on a running cluster instead: join it through this seed (akka.tcp://actormesh@host:port)
    /// as its edge. The nodes are started with the console's <c>node</c> command.
    /// </summary>
    public string? Cluster { get; init; }

    /// <summary>The address the edge listens on when it joins a cluster (<see cref="Cluster"/>). Default 127.0.0.1.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>The topology with these overrides applied.</summary>
    public MeshTopology Apply(MeshTopology topology)
    {
        var load = topology.Load;
        if (Duration is { } d) load = load with { Duration = d };
        if (Warmup is { } w) load = load with { Warmup = w };
        if (Rps is { } rps) load = load with { Mode = LoadMode.Open, Rps = rps };
        if (Users is { } users) load = load with { Mode = LoadMode.Closed, Users = users };
        return topology with { Seed = Seed ?? topology.Seed, Load = load, Nodes = Nodes ?? topology.Nodes };
    }
}

/// <summary>
/// Runs a topology end to end in its own ActorSystem on the real high-resolution clock: start the
/// mesh, apply the load, drain, collect telemetry, shut down, report.
/// </summary>
public static class MeshRunner
{
    /// <summary>ActorMesh's Akka defaults: quiet dead letters at shutdown (requests still in flight when a run ends are expected).</summary>
    public static readonly Config DefaultAkkaConfig = ConfigurationFactory.ParseString("""
        akka {
          log-dead-letters = 0
          log-dead-letters-during-shutdown = off
          actor.default-dispatcher.throughput = 64
        }
        """);

    /// <summary>Runs <paramref name="topology"/> with <paramref name="options"/> and returns the report.</summary>
    public static async Task<RunReport> RunAsync(MeshTopology topology, RunOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new RunOptions();
        topology = options.Apply(topology);
        TopologyValidator.ThrowIfInvalid(topology);
        var config = options.AkkaConfig is null ? DefaultAkkaConfig : options.AkkaConfig.WithFallback(DefaultAkkaConfig);
        if (options.Cluster is not null || topology.Nodes > 1) return await RunOnClusterAsync(topology, options, config, cancellation);
        using var runtime = new MeshRuntime(new HighResolutionClock(), topology.Seed) { LogStore = new CentralLogStore(options.LogSink) };
        var system = ActorSystem.Create("actormesh", config);
        try
        {
            var mesh = await MeshSystem.StartAsync(system, topology, runtime);
            var load = await mesh.RunLoadAsync(topology.Load, options.Progress, options.ProgressInterval, cancellation);
            var status = await mesh.StatusAsync();
            var pods = await mesh.PodStatsAsync();
            var events = await mesh.AppliedEventsAsync();
            var cluster = new ClusterReport { Nodes = 1, PodsPerNode = await mesh.PodsPerNodeAsync() };
            // Stop every actor before reading the per-thread telemetry, so nothing writes while it is merged.
            await system.Terminate();
            return ReportBuilder.Build(topology, topology.Seed, load, TelemetryView.Of(runtime), status, pods, events, cluster);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>
    /// A run on a cluster: the nodes in this process (<see cref="MeshTopology.Nodes"/>) or a running
    /// cluster joined as its edge (<see cref="RunOptions.Cluster"/>). The edge drives the load; the
    /// report merges every node's telemetry and counts what crossed nodes.
    /// </summary>
    private static async Task<RunReport> RunOnClusterAsync(MeshTopology topology, RunOptions options, Config config, CancellationToken cancellation)
    {
        using var clock = new HighResolutionClock();
        MeshCluster? local = null;
        ActorSystem edge;
        if (options.Cluster is { } seed)
        {
            edge = MeshCluster.StartEdge(options.Hostname, 0, [seed], config);
            try
            {
                await MeshCluster.WaitForMembersAsync(edge, 2, TimeSpan.FromSeconds(15));
            }
            catch (ClusterJoinException)
            {
                await edge.Terminate();
                throw new ClusterJoinException($"could not join the cluster through {seed} within 15 s: is a node running there (start one with 'node --port <port>'), and can it reach {options.Hostname}?");
            }
        }
        else
        {
            local = await MeshCluster.StartAsync(topology.Nodes, clock, topology.Seed, config);
            edge = local.Edge;
        }
        using var runtime = new MeshRuntime(clock, topology.Seed, "edge") { OwnsClock = false, LogStore = new CentralLogStore(options.LogSink) };
        try
        {
            var traffic = CrossNodeTraffic.Total();
            var failures = NodeFailureCounter.Start(edge);
            var mesh = MeshSystem.LaunchOnCluster(edge, topology, runtime);
            await mesh.Started;
            await mesh.Ready;
            var load = await mesh.RunLoadAsync(topology.Load, options.Progress, options.ProgressInterval, cancellation);
            var status = await mesh.StatusAsync();
            var pods = await mesh.PodStatsAsync();
            var nodes = await mesh.NodePodsAsync();
            var events = await mesh.AppliedEventsAsync();
            var remote = local is null ? await mesh.RemoteTelemetryAsync(nodes) : [];
            var crossed = CrossNodeTraffic.Total();
            var podsPerNode = MeshSystem.PodsPerNode(nodes);
            var cluster = new ClusterReport
            {
                Nodes = local?.Nodes.Count ?? podsPerNode.Count + failures.Count,
                PodsPerNode = podsPerNode,
                // In one process the counters see every node; separate processes report their own.
                CrossNodeMessages = crossed.Messages - traffic.Messages + remote.Sum(r => r.CrossNodeMessages),
                CrossNodeBytes = crossed.Bytes - traffic.Bytes + remote.Sum(r => r.CrossNodeBytes),
                // As the edge saw it: a control plane that moved with its node did not see its own node go.
                NodeFailures = failures.Count,
                PodsReplaced = status.PodsReplaced,
            };
            // Leave cleanly, then read the telemetry: nothing writes while it is merged.
            if (local is not null) await local.LeaveAsync();
            else await MeshCluster.LeaveAsync(edge);
            var telemetry = local is null
                ? TelemetryView.Of([runtime], remote)
                : TelemetryView.Of([runtime, .. local.Nodes.SelectMany(n => n.Runtimes)]);
            return ReportBuilder.Build(topology, topology.Seed, load, telemetry, status, pods, events, cluster);
        }
        finally
        {
            if (local is not null) await local.DisposeAsync();
            else await edge.Terminate();
        }
    }
}
