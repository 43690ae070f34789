using ActorMesh.Clustering;
using ActorMesh.Load;
using ActorMesh.Telemetry;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Actor;
using Akka.Configuration;
using Serilog.Core;

namespace ActorMesh.Hosting;

/// <summary>
/// Runs a topology end to end in its own ActorSystem: start the mesh, apply the load, drain, collect
/// telemetry, shut down, report. On the real high-resolution clock (one node or a cluster), or in
/// virtual time (<see cref="ClockMode.Virtual"/>, one node), where a seed repeats the report.
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
        var virtualTime = topology.Load.Clock == ClockMode.Virtual;
        if (virtualTime && options.Cluster is not null)
            throw new ArgumentException("virtual time runs on one node; a cluster (RunOptions.Cluster) runs in real time", nameof(options));
        var meter = options.Meter ?? new EmulatorMeter();
        var config = options.AkkaConfig is null ? DefaultAkkaConfig : options.AkkaConfig.WithFallback(DefaultAkkaConfig);
        var report = virtualTime ? VirtualTimeRun.Run(topology, options, config, meter, cancellation)
            : options.Cluster is not null || topology.Nodes > 1 ? await RunOnClusterAsync(topology, options, config, meter, cancellation)
            : await RunInRealTimeAsync(topology, options, config, meter, cancellation);
        var clock = virtualTime ? "virtual" : "real";
        return report with { Emulator = meter.Report(clock, report.LatencyMs.P50), Run = meter.RunInfo(topology.Seed, clock, options.CommandLine) };
    }

    private static async Task<RunReport> RunInRealTimeAsync(MeshTopology topology, RunOptions options, Config config, EmulatorMeter meter, CancellationToken cancellation)
    {
        using var runtime = new MeshRuntime(options.RealClock?.Invoke() ?? new HighResolutionClock(), topology.Seed) { LogStore = new CentralLogStore(options.LogSink) };
        var system = ActorSystem.Create("actormesh", config);
        try
        {
            var probe = system.ActorOf(LatenessProbe.Props(runtime), "lateness-probe");
            var started = runtime.Clock.Now;
            var mesh = await MeshSystem.StartAsync(system, topology, runtime);
            var load = await mesh.RunLoadAsync(topology.Load, options.Progress, options.ProgressInterval, cancellation);
            var collected = await mesh.CollectAsync();
            await MeasureLagAsync(probe, meter, runtime.Clock.Now - started);
            // Stop every actor before reading the per-thread telemetry, so nothing writes while it is merged.
            await system.Terminate();
            return collected.Build(topology, load, TelemetryView.Of(runtime));
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Adds the lateness the probe sampled, and the mesh time that passed, to <paramref name="meter"/>.</summary>
    private static async Task MeasureLagAsync(IActorRef probe, EmulatorMeter meter, long simulatedTicks)
    {
        var samples = await probe.Ask<LatenessSamples>(GetLateness.Instance, TimeSpan.FromSeconds(10));
        meter.AddPhase(simulatedTicks, 0, samples.Ticks);
    }

    /// <summary>
    /// A run on a cluster: the nodes in this process (<see cref="MeshTopology.Nodes"/>) or a running
    /// cluster joined as its edge (<see cref="RunOptions.Cluster"/>). The edge drives the load; the
    /// report merges every node's telemetry and counts what crossed nodes.
    /// </summary>
    private static async Task<RunReport> RunOnClusterAsync(MeshTopology topology, RunOptions options, Config config, EmulatorMeter meter, CancellationToken cancellation)
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
            // The edge's lag: its clock serves the nodes in this process too.
            var probe = edge.ActorOf(LatenessProbe.Props(runtime), "lateness-probe");
            var started = clock.Now;
            var mesh = MeshSystem.LaunchOnCluster(edge, topology, runtime);
            await mesh.Started;
            await mesh.Ready;
            var load = await mesh.RunLoadAsync(topology.Load, options.Progress, options.ProgressInterval, cancellation);
            var status = await mesh.StatusAsync();
            var pods = await mesh.PodStatsAsync();
            var nodes = await mesh.NodePodsAsync();
            var events = await mesh.AppliedEventsAsync();
            var remote = local is null ? await mesh.RemoteTelemetryAsync(nodes) : [];
            await MeasureLagAsync(probe, meter, clock.Now - started);
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
