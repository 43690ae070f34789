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

    /// <summary>The topology with these overrides applied.</summary>
    public MeshTopology Apply(MeshTopology topology)
    {
        var load = topology.Load;
        if (Duration is { } d) load = load with { Duration = d };
        if (Warmup is { } w) load = load with { Warmup = w };
        if (Rps is { } rps) load = load with { Mode = LoadMode.Open, Rps = rps };
        if (Users is { } users) load = load with { Mode = LoadMode.Closed, Users = users };
        return topology with { Seed = Seed ?? topology.Seed, Load = load };
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
        using var runtime = new MeshRuntime(new HighResolutionClock(), topology.Seed) { LogStore = new CentralLogStore(options.LogSink) };
        var system = ActorSystem.Create("actormesh", config);
        try
        {
            var mesh = await MeshSystem.StartAsync(system, topology, runtime);
            var load = await mesh.RunLoadAsync(topology.Load, options.Progress, options.ProgressInterval, cancellation);
            var status = await mesh.StatusAsync();
            var pods = await mesh.PodStatsAsync();
            var events = await mesh.AppliedEventsAsync();
            // Stop every actor before reading the per-thread telemetry, so nothing writes while it is merged.
            await system.Terminate();
            return ReportBuilder.Build(topology, topology.Seed, load, TelemetryView.Of(runtime), status, pods, events);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
