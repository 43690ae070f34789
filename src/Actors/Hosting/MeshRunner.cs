using ActorMesh.Clustering;
using ActorMesh.Load;
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
    /// <summary>
    /// ActorMesh's Akka defaults: quiet dead letters at shutdown (requests still in flight when a run
    /// ends are expected), and no coordinated shutdown on SIGINT, SIGTERM or process exit: the console
    /// handles those signals itself (a run stops its load and still reports), and Akka's own handler
    /// would terminate the actor systems under the run.
    /// </summary>
    public static readonly Config DefaultAkkaConfig = ConfigurationFactory.ParseString("""
        akka {
          log-dead-letters = 0
          log-dead-letters-during-shutdown = off
          actor.default-dispatcher.throughput = 64
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """);

    /// <summary>
    /// Runs <paramref name="topology"/> with <paramref name="options"/> and returns the report, with the verdicts of
    /// the topology's <see cref="MeshTopology.Slo"/> thresholds in its <c>slo</c> section.
    /// </summary>
    public static async Task<RunReport> RunAsync(MeshTopology topology, RunOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new RunOptions();
        var skipped = options.SkippedEvents(topology);
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
        // The topology's SLO thresholds are checked on the finished report (a lesson checks them again on its own, figures and all).
        return Telemetry.Metrics.SloCheck.Apply(report with
        {
            Emulator = meter.Report(clock, report.LatencyMs.P50),
            Run = meter.RunInfo(topology.Seed, clock, options.CommandLine),
            Events = [.. report.Events, .. skipped.Select(e => new AppliedEvent(Math.Round(e.At.TotalSeconds, 3), e.Event.Describe(), SkippedOutcome))],
        }, topology.Slo);
    }

    /// <summary>Gives the run's merged telemetry to the exports' tap, if any.</summary>
    internal static TelemetryView Complete(RunOptions options, TelemetryView view) => options.Tap?.Complete(view) ?? view;

    /// <summary>The outcome in the report's <c>events</c> of a timeline event that fell after a load shortened by <see cref="RunOptions.Duration"/> or <see cref="RunOptions.Warmup"/>.</summary>
    public const string SkippedOutcome = "skipped: after the load ended";

    /// <summary>How long a mesh of <paramref name="topology"/>'s size may take to start in real time: 60 s, and 2 ms more per pod (start-up grows faster than linearly with the pods).</summary>
    internal static TimeSpan ReadyTimeout(MeshTopology topology) =>
        TimeSpan.FromSeconds(60) + TimeSpan.FromMilliseconds(2) * topology.Services.Sum(s => s.Replicas);

    /// <summary>
    /// Waits until every pod is up and every workload has acknowledged the first config, reporting every
    /// <see cref="RunOptions.ProgressInterval"/> the pods started (<paramref name="podsStarted"/>, read
    /// from the runtimes in this process) or, for pods in other processes, the pods ready as the control
    /// plane last counted them. Cancelling gives the start up: there is no load to report yet
    /// (<see cref="OperationCanceledException"/>).
    /// </summary>
    private static async Task StartAsync(MeshSystem mesh, RunOptions options, Func<int>? podsStarted, CancellationToken cancellation)
    {
        await mesh.Started.WaitAsync(cancellation);
        var ready = mesh.Ready.WaitAsync(cancellation);
        if (options.Startup is not { } startup) await ready;
        else if (podsStarted is not null)
        {
            var pods = mesh.Topology.Services.Sum(s => s.Replicas);
            while (await Task.WhenAny(ready, Task.Delay(options.ProgressInterval, CancellationToken.None)) != ready)
                startup(StartupProgress.OfPods(Math.Min(pods, podsStarted()), pods));
            await ready;
        }
        else
        {
            var pods = mesh.Topology.Services.Sum(s => s.Replicas);
            await ProgressPoll.PollAsync(patience => mesh.Ask<ControlPlaneStatus>(mesh.Host, GetControlPlaneStatus.Instance, patience),
                status => startup(new StartupProgress("pods ready", status.InstancesByService.Values.Sum(), pods)), options.ProgressInterval, ready);
            await ready;
        }
    }

    private static async Task<RunReport> RunInRealTimeAsync(MeshTopology topology, RunOptions options, Config config, EmulatorMeter meter, CancellationToken cancellation)
    {
        using var runtime = new MeshRuntime(options.RealClock?.Invoke() ?? new HighResolutionClock(), topology.Seed) { LogStore = new CentralLogStore(options.LogSink) };
        var system = ActorSystem.Create("actormesh", config);
        try
        {
            var probe = system.ActorOf(LatenessProbe.Props(runtime), "lateness-probe");
            options.Tap?.Attach([runtime]);
            var started = runtime.Clock.Now;
            var mesh = MeshSystem.Launch(system, topology, runtime, timeout: ReadyTimeout(topology));
            await StartAsync(mesh, options, () => runtime.PodsStarted, cancellation);
            var load = await mesh.RunLoadAsync(topology.Load, options.Progress, options.ProgressInterval, cancellation, options.StopDrain);
            var collected = await mesh.CollectAsync(options.CollectTimeout);
            collected = await MeasureLagAsync(probe, meter, runtime.Clock.Now - started, collected, options.CollectTimeout);
            // Stop every actor before reading the per-thread telemetry, so nothing writes while it is merged.
            await system.Terminate();
            return collected.Build(topology, load, Complete(options, TelemetryView.Of(runtime)));
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>
    /// Adds the lateness the probe sampled, and the mesh time that passed, to <paramref name="meter"/>.
    /// A probe that does not answer in time leaves the lateness out, and <paramref name="state"/> says so.
    /// </summary>
    private static async Task<MeshState> MeasureLagAsync(IActorRef probe, EmulatorMeter meter, long simulatedTicks, MeshState state, TimeSpan timeout)
    {
        try
        {
            var samples = await probe.Ask<LatenessSamples>(GetLateness.Instance, timeout);
            meter.AddPhase(simulatedTicks, 0, samples.Ticks);
            return state;
        }
        catch (AskTimeoutException)
        {
            meter.AddPhase(simulatedTicks, 0, null);
            return state with { Missing = [.. state.Missing, $"emulator.timerLatenessMs: the lateness probe did not answer within {timeout.TotalSeconds:0.#} s"] };
        }
    }

    /// <summary>
    /// A run on a cluster: the nodes in this process (<see cref="MeshTopology.Nodes"/>) or a running
    /// cluster joined as its edge (<see cref="RunOptions.Cluster"/>). The edge drives the load; the
    /// report merges every node's telemetry and counts what crossed nodes.
    /// </summary>
    /// <summary>How long <paramref name="nodes"/> in-process nodes and the edge may take to form a cluster: 30 s, and 2 s more per node.</summary>
    internal static TimeSpan FormTimeout(int nodes) => TimeSpan.FromSeconds(30 + 2 * nodes);

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
            var nodes = topology.Nodes;
            local = await MeshCluster.StartAsync(nodes, clock, topology.Seed, config, FormTimeout(nodes), options.Startup, cancellation);
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
            options.Tap?.Attach(local is null ? [runtime] : [runtime, .. local.Nodes.SelectMany(n => n.Runtimes)]);
            var mesh = local is null ? MeshSystem.LaunchOnCluster(edge, topology, runtime, ReadyTimeout(topology)) : MeshSystem.LaunchOnCluster(local, topology, runtime, ReadyTimeout(topology));
            await StartAsync(mesh, options, local is null ? null : () => local.Nodes.Sum(n => n.Runtimes.Sum(r => r.PodsStarted)), cancellation);
            var load = await mesh.RunLoadAsync(topology.Load, options.Progress, options.ProgressInterval, cancellation, options.StopDrain);
            if (local is not null && options.BeforeCollect is { } beforeCollect) await beforeCollect(local);
            var state = await mesh.CollectAsync(options.CollectTimeout, nodeTelemetry: local is null);
            state = await MeasureLagAsync(probe, meter, clock.Now - started, state, options.CollectTimeout);
            var remote = state.NodeTelemetry;
            // In one process the counters see every node; separate processes report their own.
            var crossed = CrossNodeTraffic.Total().Since(traffic);
            foreach (var node in remote) crossed += node.CrossNode;
            var reported = state.Cluster.PodsPerNode.Count + state.Cluster.Unreported.Count(n => !state.Cluster.PodsPerNode.ContainsKey(n));
            var cluster = state.Cluster with
            {
                // Separate processes: the nodes that answered or were asked, and those that failed (a failed node the report also asked is counted once).
                Nodes = local?.Nodes.Count ?? reported + failures.Count - state.UnreportedAddresses.Count(failures.Includes),
                CrossNodeMessages = crossed.Messages,
                CrossNodeBytes = crossed.Bytes,
                Batches = crossed.Batches,
                MessagesPerBatch = Math.Round(crossed.MessagesPerBatch, 1),
                DirectBatches = crossed.DirectBatches,
                LostOnBrokenLinks = crossed.Lost,
                // As the edge saw it: a control plane that moved with its node did not see its own node go.
                NodeFailures = failures.Count,
                PodsReplaced = state.Status.PodsReplaced,
                // Dated from the load's start by the control plane itself (see LoadClock), on any node's clock.
                Rebalance = state.Status.Rebalances,
            };
            // Leave cleanly, then read the telemetry: nothing writes while it is merged.
            if (local is not null) await local.LeaveAsync();
            else await MeshCluster.LeaveAsync(edge);
            var telemetry = local is null
                ? TelemetryView.Of([runtime], remote)
                : TelemetryView.Of([runtime, .. local.Nodes.SelectMany(n => n.Runtimes)]);
            var report = (state with { Cluster = cluster }).Build(topology, load, Complete(options, telemetry));
            // The load generator samples its own node's counters each second; on a cluster the pods are elsewhere.
            return report with { Timeline = [.. report.Timeline.Select(s => s with { Retries = null, CircuitOpened = null, CircuitClosed = null })] };
        }
        finally
        {
            if (local is not null) await local.DisposeAsync();
            else await edge.Terminate();
        }
    }
}
