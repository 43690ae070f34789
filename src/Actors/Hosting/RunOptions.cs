using ActorMesh.Load;
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
    /// <summary>Called by a lesson that runs several times as each run (phase) starts; the report it returns is its last phase's.</summary>
    public Action<LessonPhase>? PhaseStarted { get; init; }
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

    /// <summary>The clock to run on; null keeps the topology's (<see cref="LoadProfile.Clock"/>, real time unless the file says virtual).</summary>
    public ClockMode? Clock { get; init; }

    /// <summary>The command line that started the run, for the report's <c>run</c> section.</summary>
    public string? CommandLine { get; init; }

    /// <summary>
    /// Measures wall and CPU time, mesh time and the emulator's lag across the phases of one run (a
    /// lesson runs several; give them one meter). Null: each call measures itself.
    /// </summary>
    internal EmulatorMeter? Meter { get; init; }

    /// <summary>
    /// How long a load stopped early (cancelled: Ctrl+C, SIGTERM) waits for the requests still in
    /// flight before it counts them as in flight and reports. Mesh time: real seconds on the real
    /// clock, virtual seconds (little wall time) in virtual time. Default 2 s (<see cref="DefaultStopDrain"/>).
    /// </summary>
    public TimeSpan StopDrain { get; init; } = DefaultStopDrain;

    /// <summary>The default <see cref="StopDrain"/>: 2 s.</summary>
    public static readonly TimeSpan DefaultStopDrain = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long collecting the report waits for each answer from the mesh (the control plane, a node,
    /// a pod), in real time. What does not answer in time is left out and named in the report's
    /// <c>missing</c> (and <c>cluster.unreported</c>); the run is never lost for it. Default 5 s.
    /// </summary>
    public TimeSpan CollectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where exports read the run's telemetry, live and at the end (see <see cref="TelemetryTap"/>). Default none.</summary>
    internal TelemetryTap? Tap { get; init; }

    /// <summary>Progress while the mesh starts (cluster members up, pods ready), every <see cref="ProgressInterval"/>.</summary>
    public Action<StartupProgress>? Startup { get; init; }

    /// <summary>On an in-process cluster: runs after the load, before the report is collected (tests crash a node there).</summary>
    internal Func<Clustering.MeshCluster, Task>? BeforeCollect { get; init; }

    /// <summary>The real-time clock to run on (tests inject one that delivers late). Null: a new <see cref="HighResolutionClock"/>.</summary>
    internal Func<MeshClock>? RealClock { get; init; }

    /// <summary>Wraps a virtual-time run's clock (tests wrap it in one that delivers late). Null: the virtual clock as it is.</summary>
    internal Func<MeshClock, MeshClock>? WrapVirtualClock { get; init; }

    /// <summary>The topology with these overrides applied.</summary>
    public MeshTopology Apply(MeshTopology topology)
    {
        var load = topology.Load;
        if (Duration is { } d) load = load with { Duration = d };
        if (Warmup is { } w) load = load with { Warmup = w };
        if (Rps is { } rps) load = load with { Mode = LoadMode.Open, Rps = rps };
        if (Users is { } users) load = load with { Mode = LoadMode.Closed, Users = users };
        if (Clock is { } clock) load = load with { Clock = clock };
        var skipped = SkippedEvents(topology);
        var timeline = skipped.Count == 0 ? topology.Timeline : [.. topology.Timeline.Where(e => !skipped.Contains(e))];
        return topology with { Seed = Seed ?? topology.Seed, Load = load, Nodes = Nodes ?? topology.Nodes, Timeline = timeline };
    }

    /// <summary>
    /// The timeline events of <paramref name="topology"/> that fall after the load ends once
    /// <see cref="Duration"/> or <see cref="Warmup"/> shortened it: <see cref="Apply"/> leaves them
    /// out, and the report lists them as skipped. (An event after the end of the file's own load is
    /// still a problem of the file.)
    /// </summary>
    public IReadOnlyList<TimelineEntry> SkippedEvents(MeshTopology topology)
    {
        if (Duration is null && Warmup is null) return [];
        var fileEnd = topology.Load.Warmup + topology.Load.Duration;
        var end = (Warmup ?? topology.Load.Warmup) + (Duration ?? topology.Load.Duration);
        return [.. topology.Timeline.Where(e => e.At > end && e.At <= fileEnd)];
    }
}
