using System.Diagnostics;
using System.Globalization;
using ActorMesh.Scenarios.Bench;

namespace ActorMesh.Bench;

/// <summary>
/// The <c>startup</c> command: how long a large mesh takes to start and how much memory it holds.
/// A tree of <c>--services</c> services (each calls the next two) with <c>--replicas</c> pods each,
/// every pod an app and a sidecar proxy, as an isotope graph of that size would give. Timed from
/// launch until every pod is ready and every sidecar has acknowledged the first config; memory is
/// the managed heap the mesh holds after a full collection, and the process's working set.
/// <c>--hold N</c> keeps the mesh running N seconds after it is measured (for dotnet-gcdump).
/// <c>--outlier</c> turns outlier detection on for every destination, <c>--zones N</c> spreads the pods
/// over N zones (locality-aware load balancing on): the per-caller state both bring is what they weigh.
/// </summary>
internal static class StartupCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int services = 10, replicas = 1000, repeat = 1, hold = 0, zones = 0;
        var outlier = false;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] == "--outlier")
            {
                outlier = true;
                i--;
                continue;
            }
            if (i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"{args[i]} needs a value");
                return 2;
            }
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--services": services = value; break;
                case "--replicas": replicas = value; break;
                case "--repeat": repeat = value; break;
                case "--hold": hold = value; break;
                case "--zones": zones = value; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        Console.WriteLine($"startup: {services} services × {replicas} pods = {services * replicas:N0} pods (app + sidecar proxy each){(outlier ? ", outlier detection" : "")}{(zones > 0 ? $", {zones} zones" : "")}, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}");
        Console.WriteLine($"{"run",3} {"ready s",8} {"pods/s",8} {"config s",8} {"CPU s",6} {"alloc MB",8} {"gen2",4} {"GC s",5} {"heap MB",8} {"heap B/pod",10} {"working set MB",15} {"peak WS MB",11}");
        for (var r = 1; r <= repeat; r++)
        {
            // --hold N: keep the started mesh N seconds, to look at it with dotnet-counters or dotnet-gcdump.
            var result = await StartupBench.MeasureAsync(services, replicas, hold > 0 ? () => Task.Delay(TimeSpan.FromSeconds(hold)) : null,
                outlierDetection: outlier, zones: zones);
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"{r,3} {result.ReadySeconds,8:0.00} {result.PodsPerSecond,8:N0} {result.ConfigConvergedSeconds,8:0.00} {result.CpuSeconds,6:0.0} "
                + $"{result.AllocatedBytes / 1e6,8:N0} {result.FullCollections,4} {result.GcPauseSeconds,5:0.00} {result.HeapBytes / 1e6,8:0.0} {result.BytesPerPod,10:N0} {result.WorkingSetBytes / 1e6,15:0.0} {process.PeakWorkingSet64 / 1e6,11:0.0}");
        }
        return 0;
    }
}
