using ActorMesh.ControlPlane;
using ActorMesh.Hosting;
using ActorMesh.Load;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorMesh.Tests.Support;

/// <summary>
/// Base for mesh experiments in virtual time: the mesh's actors run on the
/// <see cref="VirtualTimeDispatcher"/> and its clock is a <see cref="VirtualClock"/>, so a run is
/// single-threaded, deterministic for its seed, and takes no wall time.
/// </summary>
public abstract class VirtualTimeSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config Config = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.log-dead-letters = 0
        """).WithFallback(VirtualTimeDispatcher.Config);

    protected VirtualTimeSpec(ITestOutputHelper output) : base(Config, output: output)
    {
        Out = output;
        Clock = new VirtualClock(VirtualTimeDispatcher.Of(Sys));
        Driver = new VirtualTimeDriver(Clock);
    }

    /// <summary>Runs the actors' work and moves the clock: what <see cref="Await{T}"/> and <see cref="Advance"/> use.</summary>
    protected VirtualTimeDriver Driver { get; }

    /// <summary>The test's output, for reports worth reading when a claim fails.</summary>
    protected ITestOutputHelper Out { get; }

    /// <summary>The virtual clock of the mesh under test.</summary>
    protected VirtualClock Clock { get; }

    /// <summary>A runtime on the virtual clock and dispatcher.</summary>
    protected MeshRuntime NewRuntime(long seed) => new(Clock, seed);

    /// <summary>Starts <paramref name="topology"/> in virtual time; returns once every pod and gateway runs the first config.</summary>
    protected MeshSystem StartMesh(MeshTopology topology, long? seed = null)
    {
        var mesh = MeshSystem.Launch(Sys, topology, NewRuntime(seed ?? topology.Seed), new ControlPlaneOptions { PushDebounce = TimeSpan.FromMilliseconds(100) });
        // The host is a top-level actor: Akka starts it on its own threads, before any time passes.
        Await(mesh.Started);
        Advance(mesh.Ready, TimeSpan.FromSeconds(5));
        return mesh;
    }

    /// <summary>Runs the load (the topology's, unless given) in virtual time until it has drained.</summary>
    protected LoadResult RunLoad(MeshSystem mesh, LoadProfile? profile = null)
    {
        profile ??= mesh.Topology.Load;
        var run = mesh.StartLoad(profile);
        Advance(run.Finished, profile.Warmup + profile.Duration + profile.Drain + TimeSpan.FromSeconds(1));
        return run.Finished.Result.Result;
    }

    /// <summary>
    /// Waits for <paramref name="task"/> (an ask of the mesh, a report), running the actors' work on
    /// this thread meanwhile; no virtual time passes.
    /// </summary>
    protected T Await<T>(Task<T> task) => Driver.Await(task);

    /// <summary>Waits for <paramref name="task"/>, running the actors' work on this thread meanwhile; no virtual time passes.</summary>
    protected void Await(Task task) => Driver.Await(task);

    /// <summary>Shuts the system down, running the stopping actors' work on this thread.</summary>
    protected override void AfterAll()
    {
        Driver.Shutdown(Sys.Terminate());
        base.AfterAll();
    }

    /// <summary>Advances virtual time in 1 ms steps until <paramref name="task"/> completes (at most <paramref name="limit"/>).</summary>
    protected void Advance(Task task, TimeSpan limit) => Driver.Advance(task, limit);
}
