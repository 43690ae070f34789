using BenchmarkDotNet.Running;

namespace ActorMesh.Bench;

/// <summary>
/// <c>startup [--services 10] [--replicas 1000]</c> times a large mesh's start and weighs it;
/// <c>delay [--rate N[,N...]] [--delay 1ms] [--seconds 5] [--warmup 1] [--repeat 1]</c> compares the
/// delay services' accuracy and CPU; anything else goes to BenchmarkDotNet (e.g. <c>--filter *</c>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "delay") return await DelayCommand.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "startup") return await StartupCommand.RunAsync(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
