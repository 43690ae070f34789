using System.Diagnostics;
using System.Globalization;
using ActorMesh.Hosting;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Actor;
using Akka.Configuration;

namespace ActorMesh.Bench;

/// <summary>
/// The <c>startup</c> command: how long a large mesh takes to start and how much memory it holds.
/// A tree of <c>--services</c> services (each calls the next two) with <c>--replicas</c> pods each,
/// every pod an app and a sidecar proxy, as an isotope graph of that size would give. Timed from
/// launch until every pod is ready and every sidecar has acknowledged the first config; memory is
/// the managed heap the mesh holds after a full collection, and the process's working set.
/// <c>--hold N</c> keeps the mesh running N seconds after it is measured (for dotnet-gcdump).
/// </summary>
internal static class StartupCommand
{
    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        akka.stdout-loglevel = WARNING
        """);

    public static async Task<int> RunAsync(string[] args)
    {
        int services = 10, replicas = 1000, repeat = 1, hold = 0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--services": services = value; break;
                case "--replicas": replicas = value; break;
                case "--repeat": repeat = value; break;
                case "--hold": hold = value; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        Console.WriteLine($"startup: {services} services × {replicas} pods = {services * replicas:N0} pods (app + sidecar proxy each), {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}");
        Console.WriteLine($"{"run",3} {"ready s",8} {"heap MB",8} {"heap B/pod",10} {"working set MB",15} {"peak WS MB",11}");
        for (var r = 1; r <= repeat; r++)
        {
            var topology = Tree(services, replicas);
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            var wsBefore = process.WorkingSet64;
            using var runtime = new MeshRuntime(new HighResolutionClock(), topology.Seed);
            var system = ActorSystem.Create("startup", Quiet.WithFallback(MeshRunner.DefaultAkkaConfig));
            var watch = Stopwatch.StartNew();
            var mesh = await MeshSystem.StartAsync(system, topology, runtime, timeout: TimeSpan.FromMinutes(2));
            var ready = watch.Elapsed;
            var heap = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
            process.Refresh();
            Console.WriteLine($"{r,3} {ready.TotalSeconds,8:0.00} {heap / 1e6,8:0.0} {heap / (services * replicas),10:N0} {(process.WorkingSet64 - wsBefore) / 1e6,15:0.0} {process.PeakWorkingSet64 / 1e6,11:0.0}");
            // --hold N: keep the started mesh N seconds, to look at it with dotnet-counters or dotnet-gcdump.
            if (hold > 0) await Task.Delay(TimeSpan.FromSeconds(hold));
            GC.KeepAlive(mesh);
            await system.Terminate();
        }
        return 0;
    }

    /// <summary>A binary tree of services: svc-0 (the entry point) calls svc-1 and svc-2, and so on.</summary>
    internal static MeshTopology Tree(int services, int replicas)
    {
        var builder = MeshTopology.Create($"tree-{services}x{replicas}");
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
}
