using ActorMesh.ControlPlane;
using ActorMesh.Hosting;
using ActorMesh.Load;
using ActorMesh.Scenarios.Yaml;
using ActorMesh.Telemetry;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Configuration;
using Akka.Event;
using Xunit.Abstractions;

namespace ActorMesh.TestKit;

/// <summary>
/// Base for mesh experiments in virtual time (xunit + Akka.TestKit.Xunit2): the mesh's actors run on
/// the <see cref="VirtualTimeDispatcher"/> and its clock is a <see cref="VirtualClock"/>, so a run is
/// single-threaded, deterministic for its seed, and takes no wall time.
/// </summary>
/// <remarks>
/// Logs are quiet by default: no actor system log events (dead letters included) reach the test
/// output. Pass <c>logEvents: LogLevel.WarningLevel</c> (or another level) to the constructor to see
/// them there.
/// <code>
/// public class MyExperiments(ITestOutputHelper output) : VirtualTimeSpec(output)
/// {
///     [Fact]
///     public void Every_request_is_answered()
///     {
///         var mesh = StartMesh(MeshTopology.Create("shop").Service("orders").Build());
///         var report = RunAndReport(mesh);
///         report.ShouldHaveOk(atLeastPercent: 100);
///     }
/// }
/// </code>
/// </remarks>
public abstract class VirtualTimeSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = OFF
        akka.stdout-loglevel = OFF
        akka.log-dead-letters = 0
        akka.log-dead-letters-during-shutdown = off
        """).WithFallback(VirtualTimeDispatcher.Config);

    /// <summary>Starts an actor system on the virtual-time dispatcher, with quiet logs.</summary>
    /// <param name="output">The test's output: <see cref="Out"/>, and where log events go when asked.</param>
    protected VirtualTimeSpec(ITestOutputHelper output) : this(output, null) { }

    /// <summary>Starts an actor system on the virtual-time dispatcher.</summary>
    /// <param name="output">The test's output: <see cref="Out"/>, and where log events go when asked.</param>
    /// <param name="logEvents">Actor system log events of this level and above go to <paramref name="output"/>; <c>null</c>: none.</param>
    protected VirtualTimeSpec(ITestOutputHelper output, LogLevel? logEvents) : base(ConfigFor(logEvents), output: logEvents is null ? null : output)
    {
        Out = output;
        // Akka.TestKit's listener prints every dead letter (a mesh's shutdown has a few), whatever akka.log-dead-letters says.
        if (logEvents is null) EventFilter.DeadLetter().Mute();
        Clock = new VirtualClock(VirtualTimeDispatcher.Of(Sys));
        Driver = new VirtualTimeDriver(Clock);
    }

    private static Config ConfigFor(LogLevel? logEvents) => logEvents is not { } level ? Quiet
        : ConfigurationFactory.ParseString($"""
            akka.loglevel = {Logging.StringFor(level)}
            akka.log-dead-letters = 0
            akka.log-dead-letters-during-shutdown = off
            """).WithFallback(VirtualTimeDispatcher.Config);

    /// <summary>Runs the actors' work and moves the clock: what <see cref="Await{T}"/> and <see cref="Advance(Task, TimeSpan)"/> use.</summary>
    protected VirtualTimeDriver Driver { get; }

    /// <summary>The test's output, for figures worth reading when a claim fails.</summary>
    protected ITestOutputHelper Out { get; }

    /// <summary>The virtual clock of the mesh under test.</summary>
    protected VirtualClock Clock { get; }

    /// <summary>A runtime on the virtual clock and dispatcher.</summary>
    private protected MeshRuntime NewRuntime(long seed) => new(Clock, seed);

    /// <summary>Starts <paramref name="topology"/> in virtual time; returns once every pod and gateway runs the first config.</summary>
    protected MeshSystem StartMesh(MeshTopology topology, long? seed = null)
    {
        var mesh = MeshSystem.Launch(Sys, topology, NewRuntime(seed ?? topology.Seed), new ControlPlaneOptions { PushDebounce = TimeSpan.FromMilliseconds(100) });
        // The host is a top-level actor: Akka starts it on its own threads, before any time passes.
        Await(mesh.Started);
        Advance(mesh.Ready, TimeSpan.FromSeconds(5));
        return mesh;
    }

    /// <summary>
    /// Starts the topology file at <paramref name="path"/> (YAML, as <c>actormesh run</c> reads it) in
    /// virtual time; a file with problems fails the test with every problem listed.
    /// </summary>
    protected MeshSystem StartMesh(string path, long? seed = null) => StartMesh(LoadTopology(path), seed);

    /// <summary>Reads the topology file at <paramref name="path"/> as the console does; throws listing every problem.</summary>
    protected static MeshTopology LoadTopology(string path) => TopologyFile.Load(path).OrThrow();

    /// <summary>Runs the load (the topology's, unless given) in virtual time until it has drained.</summary>
    protected LoadResult RunLoad(MeshSystem mesh, LoadProfile? profile = null)
    {
        profile ??= mesh.Topology.Load;
        var run = mesh.StartLoad(profile);
        Advance(run.Finished, profile.Warmup + profile.Duration + profile.Drain + TimeSpan.FromSeconds(1));
        return run.Finished.Result.Result;
    }

    /// <summary>The report of <paramref name="load"/>: what the client measured and what the mesh recorded.</summary>
    protected RunReport Report(MeshSystem mesh, LoadResult load) => Await(mesh.ReportAsync(load));

    /// <summary>Runs the load (the topology's, unless given) and returns the run's report.</summary>
    protected RunReport RunAndReport(MeshSystem mesh, LoadProfile? profile = null) => Report(mesh, RunLoad(mesh, profile));

    /// <summary>
    /// Waits for <paramref name="task"/> (an ask of the mesh, a report), running the actors' work on
    /// this thread meanwhile; no virtual time passes.
    /// </summary>
    protected T Await<T>(Task<T> task) => Driver.Await(task);

    /// <summary>Waits for <paramref name="task"/>, running the actors' work on this thread meanwhile; no virtual time passes.</summary>
    protected void Await(Task task) => Driver.Await(task);

    /// <summary>Advances virtual time in 1 ms steps until <paramref name="task"/> completes (at most <paramref name="limit"/>).</summary>
    protected void Advance(Task task, TimeSpan limit) => Driver.Advance(task, limit);

    /// <summary>Lets <paramref name="time"/> of mesh time pass (timers fire, pushes arrive); never sleep in an experiment.</summary>
    protected void Advance(TimeSpan time) => Clock.Advance(time);

    /// <summary>Shuts the system down, running the stopping actors' work on this thread.</summary>
    protected override void AfterAll()
    {
        Driver.Shutdown(Sys.Terminate());
        base.AfterAll();
    }
}
