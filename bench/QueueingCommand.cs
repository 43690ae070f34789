using System.Globalization;
using ActorMesh.Hosting;
using ActorMesh.Scenarios.Bench;
using ActorMesh.Telemetry;
using ActorMesh.Topology;

namespace ActorMesh.Bench;

/// <summary>
/// The <c>queueing</c> command: does real time keep the model's numbers? One service with exponential
/// service time and Poisson arrivals is an M/M/c queue (<see cref="QueueingModel"/>); it runs at each
/// utilisation with 1 and 2 workers, in real time and, with the same seed, in virtual time, and prints
/// the mean response time against Erlang-C and against the virtual run, with the emulator's lateness.
/// </summary>
/// <remarks>
/// The virtual run with the same seed sends the same requests and samples the same service times, so
/// "real vs virtual" isolates what the emulator itself adds (its lateness and reordering), free of
/// sampling error; "real vs Erlang-C" adds the sampling error of the run's length, large near
/// saturation (a queue's response times are strongly autocorrelated), so it needs long runs.
/// </remarks>
internal static class QueueingCommand
{
    private static readonly Akka.Configuration.Config Quiet = Akka.Configuration.ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """);

    public static async Task<int> RunAsync(string[] args)
    {
        double seconds = 10, warmup = 1, serviceMs = 5;
        long seed = 1;
        double[] utilisations = [0.5, 0.7, 0.8, 0.9];
        int[] workers = [1, 2];
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--seconds": seconds = Number(value); break;
                case "--warmup": warmup = Number(value); break;
                case "--service-ms": serviceMs = Number(value); break;
                case "--seed": seed = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--utilisation": utilisations = [.. value.Split(',').Select(Number)]; break;
                case "--workers": workers = [.. value.Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture))]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (args.Length % 2 != 0) { Console.Error.WriteLine($"option {args[^1]} needs a value"); return 2; }
        if (utilisations.Any(u => u is <= 0 or >= 1) || workers.Any(w => w < 1) || seconds <= 0 || serviceMs <= 0)
        {
            Console.Error.WriteLine("utilisations must be in (0, 1), workers at least 1, seconds and service-ms positive");
            return 2;
        }

        Console.WriteLine($"queueing: one service, exponential service time {serviceMs} ms, Poisson arrivals; {seconds} s measured after {warmup} s warm-up per run; seed {seed}; {Environment.ProcessorCount} cores");
        Console.WriteLine("mean response time (ms), as the client measures it from the intended send time; virtual = the same seed in virtual time (same requests, same service times)");
        Console.WriteLine();
        Console.WriteLine($"{"c",2} {"ρ",5} {"rps",8} {"Erlang-C",9} {"virtual",9} {"real",9} {"real vs Erlang-C",17} {"real vs virtual",16} {"lateness p50/p99 ms",20} {"saturated",9}");
        var worst = 0.0;
        foreach (var c in workers)
        foreach (var rho in utilisations)
        {
            var topology = QueueingModel.Topology(c, rho, serviceMs, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(warmup), seed);
            var expected = QueueingModel.MeanResponseMs(c, topology.Load.Rps, serviceMs);
            var modelled = await MeshRunner.RunAsync(topology, new RunOptions { Clock = ClockMode.Virtual, AkkaConfig = Quiet });
            var real = await MeshRunner.RunAsync(topology, new RunOptions { Clock = ClockMode.Real, AkkaConfig = Quiet });
            var vsVirtual = Bias(real.LatencyMs.Mean, modelled.LatencyMs.Mean);
            worst = Math.Max(worst, Math.Abs(vsVirtual));
            var late = real.Emulator.TimerLatenessMs;
            Console.WriteLine($"{c,2} {rho,5:0.00} {topology.Load.Rps,8:0.0} {expected,9:0.000} {modelled.LatencyMs.Mean,9:0.000} {real.LatencyMs.Mean,9:0.000} " +
                $"{Bias(real.LatencyMs.Mean, expected),16:+0.00;-0.00} % {vsVirtual,15:+0.00;-0.00} % {$"{late.P50:0.000} / {late.P99:0.000}",20} {(real.Emulator.Saturated ? "yes" : "no"),9}");
            if (real.Requests.Ok != real.Requests.Sent)
                Console.WriteLine($"   note: {real.Requests.Sent - real.Requests.Ok} of {real.Requests.Sent} requests were not ok");
        }
        Console.WriteLine();
        Console.WriteLine($"worst |real vs virtual| = {worst:0.00} % (target on a quiet machine: ≤ 3 %); real vs Erlang-C also holds the runs' sampling error: lengthen --seconds to narrow it");
        return 0;
    }

    private static double Bias(double measured, double expected) => expected <= 0 ? 0 : 100 * (measured - expected) / expected;

    private static double Number(string value) => double.Parse(value, CultureInfo.InvariantCulture);
}
