using System.Globalization;
using ActorMesh.Scenarios.Bench;

namespace ActorMesh.Bench;

/// <summary>
/// The <c>crossnode</c> command: only <c>bench --nodes N</c>'s "every hop across nodes" figure, against the
/// same chain (one pod per service) on one node, interleaved over rounds. What a message across nodes costs
/// is the difference in CPU time and bytes allocated per request, divided by the messages that crossed:
/// both figures move less with the host's load than the rate does.
/// <c>crossnode [--rounds 3] [--seconds 2] [--nodes 3] [--users 256] [--one-node true]</c> (<c>--one-node false</c>:
/// the cluster alone, to profile it; <c>--akka "HOCON"</c>: Akka settings over the nodes', to try remoting's).
/// </summary>
internal static class CrossNodeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int rounds = 3, nodes = 3, users = 256;
        var seconds = 2.0;
        var oneNode = true;
        Akka.Configuration.Config? akka = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--one-node": oneNode = bool.Parse(value); break;
                case "--akka": akka = Akka.Configuration.ConfigurationFactory.ParseString(value); break;
                case "--rounds": rounds = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--nodes": nodes = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--users": users = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        var topology = ThroughputBench.CrossNodeChain(users);
        var duration = TimeSpan.FromSeconds(seconds);
        Console.WriteLine($"crossnode: the chain with one pod per service, on 1 node and on {nodes} nodes (every hop across nodes), {users} users, {seconds:0.##} s per run, {rounds} rounds");
        Console.WriteLine($"{"round",5} {"1-node rps",11} {"µs CPU/req",10} {"B/req",7} {"x-node rps",11} {"µs CPU/req",10} {"B/req",7} {"crossed/req",11} {"per batch",9} {"µs CPU/msg",10} {"B/msg",6}");
        for (var r = 1; r <= rounds; r++)
        {
            var warmup = TimeSpan.FromSeconds(r == 1 ? 1 : Math.Clamp(seconds / 2, 0.1, 1));
            Settle();
            var one = oneNode ? await ThroughputBench.MeasureMeshAsync(topology, warmup, duration) : new ThroughputResult(0, 0, 0, null);
            Settle();
            var cross = await ThroughputBench.MeasureClusterAsync(topology, nodes, warmup, duration, (akka ?? Akka.Configuration.Config.Empty).WithFallback(PollLinks));
            var crossed = Math.Max(0.01, cross.CrossNodeMessagesPerRequest);
            var x = cross.Result;
            Console.WriteLine($"{r,5} {one.Rps,11:N0} {one.CpuMicrosPerRequest,10:0.00} {one.BytesPerRequest,7:N0} {x.Rps,11:N0} {x.CpuMicrosPerRequest,10:0.00} {x.BytesPerRequest,7:N0} "
                + $"{cross.CrossNodeMessagesPerRequest,11:0.00} {cross.MessagesPerBatch,9:0.0} {(x.CpuMicrosPerRequest - one.CpuMicrosPerRequest) / crossed,10:0.00} {(x.BytesPerRequest - one.BytesPerRequest) / crossed,6:N0}");
        }
        return 0;
    }

    // As `bench --nodes`: throughput at saturation, where polling the links pays (--akka "actormesh.cross-node.reader = wait" to compare).
    private static readonly Akka.Configuration.Config PollLinks = Akka.Configuration.ConfigurationFactory.ParseString("actormesh.cross-node.reader = poll");

    private static void Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }
}
