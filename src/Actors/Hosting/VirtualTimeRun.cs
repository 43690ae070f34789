using System.Diagnostics;
using ActorMesh.Load;
using Akka.Configuration;

namespace ActorMesh.Hosting;

/// <summary>
/// A run in virtual time (<c>--clock virtual</c>): the mesh's actors run on the
/// <see cref="VirtualTimeDispatcher"/>, one thread (this one), and its clock is a
/// <see cref="VirtualClock"/> that jumps from one due delivery to the next. Nothing is ever late, so
/// every latency is the model's; a seed repeats the report byte for byte (but for its wall-clock
/// sections), and a run takes as long as the machine needs to compute it, not as long as it models.
/// </summary>
internal static class VirtualTimeRun
{
    /// <summary>How much mesh time the mesh may take to start (every pod up, every workload on config v1).</summary>
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(120);

    /// <summary>Runs <paramref name="topology"/> (validated, overrides applied) to the end of its drain and reports.</summary>
    public static RunReport Run(MeshTopology topology, RunOptions options, Config config, EmulatorMeter meter, CancellationToken cancellation)
    {
        var system = ActorSystem.Create("actormesh", VirtualTimeDispatcher.Config.WithFallback(config));
        var dispatcher = VirtualTimeDispatcher.Of(system);
        var clock = new VirtualClock(dispatcher);
        var driver = new VirtualTimeDriver(clock);
        using var runtime = new MeshRuntime(options.WrapVirtualClock?.Invoke(clock) ?? clock, topology.Seed) { LogStore = new CentralLogStore(options.LogSink) };
        try
        {
            var mesh = MeshSystem.Launch(system, topology, runtime);
            options.Tap?.Attach([runtime]);
            // The host is a top-level actor: Akka starts it on its own threads, before any time passes.
            driver.Await(mesh.Started);
            Start(mesh, driver, options, cancellation);
            var load = RunLoad(mesh, driver, topology.Load, options, cancellation);
            var state = driver.Await(mesh.CollectAsync(options.CollectTimeout));
            // This system's own count, read on this thread with every actor idle: Akka's own actors are not in it, nor is any other system in the process.
            meter.AddPhase(clock.Now, dispatcher.Messages, null);
            // Stop every actor before reading the telemetry, so nothing writes while it is merged.
            driver.Shutdown(system.Terminate());
            return state.Build(topology, load, MeshRunner.Complete(options, TelemetryView.Of(runtime)));
        }
        finally
        {
            driver.Shutdown(system.Terminate());
        }
    }

    /// <summary>
    /// Advances virtual time until the mesh is ready (for at most <see cref="ReadyLimit"/>), reporting the
    /// pods started every <see cref="RunOptions.ProgressInterval"/> of wall time: starting a large mesh takes
    /// the machine time even when no mesh time passes. Cancelling gives the start up.
    /// </summary>
    private static void Start(MeshSystem mesh, VirtualTimeDriver driver, RunOptions options, CancellationToken cancellation)
    {
        var clock = driver.Clock;
        var end = clock.Now + ReadyLimit.Ticks;
        var step = TimeSpan.FromMilliseconds(1).Ticks;
        var pods = mesh.Topology.Services.Sum(s => s.Replicas);
        var lastProgress = Stopwatch.GetTimestamp();
        clock.RunUntilIdle();
        while (!mesh.Ready.IsCompleted)
        {
            cancellation.ThrowIfCancellationRequested();
            if (clock.Now >= end) throw new TimeoutException($"the mesh was not ready after {ReadyLimit} of virtual time");
            clock.AdvanceTo(clock.Now + step);
            if (options.Startup is { } startup && Stopwatch.GetElapsedTime(lastProgress) >= options.ProgressInterval && !mesh.Ready.IsCompleted)
            {
                lastProgress = Stopwatch.GetTimestamp();
                startup(StartupProgress.OfPods(Math.Min(pods, mesh.Runtime.PodsStarted), pods));
            }
        }
        driver.Await(mesh.Ready);
    }

    /// <summary>
    /// Plays the load to the end of its drain, 1 ms of mesh time at a step (as the test harness does, so
    /// a run from the console and one from an experiment end at the same instant). Live progress comes
    /// every <see cref="RunOptions.ProgressInterval"/> of mesh time; cancelling stops the load early.
    /// </summary>
    private static LoadResult RunLoad(MeshSystem mesh, VirtualTimeDriver driver, LoadProfile profile, RunOptions options, CancellationToken cancellation)
    {
        var clock = driver.Clock;
        var run = mesh.StartLoad(profile);
        var generator = driver.Await(run.Generator);
        var end = clock.Now + (profile.Warmup + profile.Duration + profile.Drain + TimeSpan.FromSeconds(1)).Ticks;
        var step = TimeSpan.FromMilliseconds(1).Ticks;
        var interval = Math.Max(step, options.ProgressInterval.Ticks);
        var nextProgress = clock.Now + interval;
        var stopped = false;
        clock.RunUntilIdle();
        while (!run.Finished.IsCompleted)
        {
            if (clock.Now >= end) throw new TimeoutException($"the load had not drained after {profile.Warmup + profile.Duration + profile.Drain} of virtual time");
            if (!stopped && cancellation.IsCancellationRequested)
            {
                generator.Tell(new StopLoad(options.StopDrain));
                stopped = true;
            }
            clock.AdvanceTo(clock.Now + step);
            if (options.Progress is { } progress && clock.Now >= nextProgress && !run.Finished.IsCompleted)
            {
                nextProgress += interval;
                progress(driver.Await(mesh.Ask<LiveStats>(generator, GetLiveStats.Instance)));
            }
        }
        return run.Finished.Result.Result;
    }
}
