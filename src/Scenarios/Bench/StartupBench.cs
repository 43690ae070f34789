using System.Diagnostics;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.Time;
using Akka.Actor;
using Akka.Configuration;

namespace ActorMesh.Scenarios.Bench;

/// <summary>How fast a large mesh starts and what a pod weighs.</summary>
/// <param name="Pods">Pods started (an app and a sidecar proxy each).</param>
/// <param name="ReadySeconds">From launch until every pod was ready and every sidecar had acknowledged the first config.</param>
/// <param name="HeapBytes">Managed heap the started mesh holds (after a full collection, against before its launch).</param>
/// <param name="WorkingSetBytes">Growth of the process's working set over the start.</param>
internal sealed record StartupResult(int Pods, double ReadySeconds, long HeapBytes, long WorkingSetBytes)
{
    /// <summary>CPU time the process spent from launch to ready (every thread; less moved by other load than <see cref="ReadySeconds"/>).</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Bytes allocated from launch to ready (garbage included).</summary>
    public long AllocatedBytes { get; init; }

    /// <summary>Full (generation 2) collections from launch to ready.</summary>
    public int FullCollections { get; init; }

    /// <summary>Time the GC paused the process from launch to ready.</summary>
    public double GcPauseSeconds { get; init; }

    /// <summary>From the first config push until every sidecar and gateway had ACKed it (part of <see cref="ReadySeconds"/>).</summary>
    public double ConfigConvergedSeconds { get; init; }

    /// <summary>Pods made ready per second.</summary>
    public double PodsPerSecond => Pods / Math.Max(ReadySeconds, 1e-9);

    /// <summary>Managed heap per pod.</summary>
    public double BytesPerPod => (double)HeapBytes / Math.Max(1, Pods);
}

/// <summary>
/// Starts a large mesh in real time and weighs it: a tree of services (each calls the next two) with
/// the same number of pods each, as an isotope graph of that size would give. Used by <c>bench</c>
/// (the <c>startup</c> figures) and by the bench program's <c>startup</c> command.
/// </summary>
internal static class StartupBench
{
    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        akka.stdout-loglevel = WARNING
        """);

    /// <summary>
    /// A binary tree of services: svc-0 (the entry point) calls svc-1 and svc-2, and so on. With
    /// <paramref name="outlierDetection"/> every destination detects outliers (Istio's defaults); with
    /// <paramref name="zones"/> above 0 the pods spread over that many zones (locality on, as in Istio).
    /// </summary>
    public static MeshTopology Tree(int services, int replicas, bool outlierDetection = false, int zones = 0)
    {
        var builder = MeshTopology.Create($"tree-{services}x{replicas}");
        if (outlierDetection) builder.DefaultPolicy(p => p with { OutlierDetection = new OutlierDetectionOptions() });
        if (zones > 0) builder.Zones([.. Enumerable.Range(1, zones).Select(z => $"zone-{z}")]);
        for (var i = 0; i < services; i++)
        {
            var children = new[] { 2 * i + 1, 2 * i + 2 }.Where(c => c < services).Select(c => $"svc-{c}").ToArray();
            builder.Service($"svc-{i}", s =>
            {
                s.Replicas(replicas).ServiceTime(Distribution.Constant(1));
                if (children.Length > 0) s.Parallel(children);
            });
        }
        return builder.Gateway("edge", g => g.Route("/", "svc-0")).Build();
    }

    /// <summary>
    /// Starts <paramref name="services"/> × <paramref name="replicas"/> pods (see <see cref="Tree"/> for
    /// <paramref name="outlierDetection"/> and <paramref name="zones"/>) in an ActorSystem of their own, measures, runs <paramref name="whileStarted"/> (e.g. a pause for dotnet-gcdump), and stops it.
    /// </summary>
    public static async Task<StartupResult> MeasureAsync(int services, int replicas, Func<Task>? whileStarted = null, Config? akkaConfig = null,
        bool outlierDetection = false, int zones = 0)
    {
        var topology = Tree(services, replicas, outlierDetection, zones);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        var workingSetBefore = process.WorkingSet64;
        using var runtime = new MeshRuntime(new HighResolutionClock(), topology.Seed);
        var system = ActorSystem.Create("startup", (akkaConfig ?? Config.Empty).WithFallback(Quiet).WithFallback(MeshRunner.DefaultAkkaConfig));
        try
        {
            var cpuBefore = process.TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var fullBefore = GC.CollectionCount(2);
            var pausedBefore = GC.GetTotalPauseDuration();
            var watch = Stopwatch.StartNew();
            var mesh = await MeshSystem.StartAsync(system, topology, runtime, timeout: TimeSpan.FromMinutes(5));
            var ready = watch.Elapsed.TotalSeconds;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
            var full = GC.CollectionCount(2) - fullBefore;
            var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds;
            var converged = (await mesh.StatusAsync()).ConvergenceMs is [var first, ..] ? first / 1000 : 0;
            var heap = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
            process.Refresh();
            var result = new StartupResult(services * replicas, ready, heap, process.WorkingSet64 - workingSetBefore)
            {
                CpuSeconds = cpu,
                AllocatedBytes = allocated,
                FullCollections = full,
                GcPauseSeconds = paused,
                ConfigConvergedSeconds = converged,
            };
            if (whileStarted is not null) await whileStarted();
            GC.KeepAlive(mesh);
            return result;
        }
        finally
        {
            await system.Terminate();
        }
    }
}
