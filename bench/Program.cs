using BenchmarkDotNet.Running;

namespace ActorMesh.Bench;

/// <summary>
/// <c>startup [--services 10] [--replicas 1000] [--outlier] [--zones N]</c> times a large mesh's start and weighs it;
/// <c>delay [--rate N[,N...]] [--delay 1ms] [--seconds 5] [--warmup 1] [--repeat 1]</c> compares the
/// delay services' accuracy and CPU; <c>queueing [--seconds 10] [--service-ms 5] [--utilisation 0.5,0.7,0.8,0.9]
/// [--workers 1,2]</c> checks M/M/c queues in real time against Erlang-C and virtual time; <c>crossnode
/// [--rounds 3] [--seconds 2] [--nodes 3]</c> measures only the chain with every hop across nodes; anything else
/// goes to BenchmarkDotNet (e.g. <c>--filter *</c>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "delay") return await DelayCommand.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "startup") return await StartupCommand.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "crossnode") return await CrossNodeCommand.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "queueing") return await QueueingCommand.RunAsync(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
