using System.Diagnostics;
using System.Globalization;
using ActorMesh.Time;
using Akka.Actor;
using Akka.Configuration;

namespace ActorMesh.Bench;

/// <summary>
/// The <c>delay</c> command: one table comparing <see cref="HighResolutionClock"/> with Akka's default
/// scheduler at each requested rate (rate 0 = idle: nothing scheduled, CPU only). Each run gets a
/// fresh ActorSystem and clock; CPU is the whole process's, split user/system, plus the clock thread's own.
/// </summary>
internal static class DelayCommand
{
    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        akka.stdout-loglevel = WARNING
        # --dispatcher pinned: the receiver gets a thread of its own, which isolates the delay service from the thread pool.
        delay-pinned-dispatcher { type = PinnedDispatcher, executor = fork-join-executor }
        """);

    public static async Task<int> RunAsync(string[] args)
    {
        double[] rates = [100_000];
        var delay = TimeSpan.FromMilliseconds(1);
        double seconds = 5, warmup = 1;
        int repeat = 1;
        string clocks = "both";
        string? dispatcher = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--rate": rates = [.. value.Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture))]; break;
                case "--delay": delay = ParseDuration(value); break;
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--clock": clocks = value; break;
                case "--dispatcher": dispatcher = value == "pinned" ? "delay-pinned-dispatcher" : value; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (args.Length % 2 != 0) { Console.Error.WriteLine($"option {args[^1]} needs a value"); return 2; }

        Console.WriteLine($"delay {delay.TotalMilliseconds} ms, {seconds} s measured after {warmup} s warm-up, {Environment.ProcessorCount} cores, {repeat} run(s) each, receiver on {dispatcher ?? "the default dispatcher"}");
        Console.WriteLine($"HighResolutionClock waits with {(TimerWait.IsPrecise ? "a futex to an absolute CLOCK_MONOTONIC deadline" : "millisecond event waits and yields (no futex on this platform)")}");
        Console.WriteLine("error = time the receiving actor processes the message - (request time + delay); CPU = process CPU s per wall s (user+sys), clock = the HighResolutionClock thread's");
        Console.WriteLine();
        Console.WriteLine($"{"scheduler",-20} {"rate/s",8} {"achieved/s",10} {"lost",5} {"p50 ms",7} {"p90 ms",7} {"p99 ms",7} {"p99.9 ms",8} {"max ms",7} {"CPU",5} {"user",5} {"sys",5} {"clock",5}");
        var worst = new Dictionary<double, double>();
        foreach (var rate in rates)
        {
            for (var r = 0; r < repeat; r++)
            {
                var options = new DelayAccuracyOptions
                {
                    Delay = delay, Rate = Math.Max(rate, 1), Duration = TimeSpan.FromSeconds(seconds), Warmup = TimeSpan.FromSeconds(warmup),
                    Dispatcher = dispatcher,
                };
                if (clocks is "both" or "hr")
                {
                    var row = await RunOnceAsync(options, rate, akka: false);
                    if (rate > 0) worst[rate] = Math.Max(worst.GetValueOrDefault(rate), row);
                }
                if (clocks is "both" or "akka") await RunOnceAsync(options, rate, akka: true);
            }
        }
        Console.WriteLine();
        foreach (var (rate, p99) in worst)
            Console.WriteLine($"delayP99ErrorMs = {p99:0.000} (HighResolutionClock, {delay.TotalMilliseconds} ms at {rate:0}/s, worst of {repeat} run(s))");
        return 0;
    }

    /// <summary>One row of the table; returns the p99 error in ms (0 for an idle row).</summary>
    private static async Task<double> RunOnceAsync(DelayAccuracyOptions options, double rate, bool akka)
    {
        using var system = ActorSystem.Create("bench", Quiet);
        // The clock times both schedulers; in the Akka rows its thread only waits.
        using var clock = new HighResolutionClock();
        await Task.Delay(200); // let the system and the clock settle before counting CPU
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var (user0, sys0) = (process.UserProcessorTime, process.PrivilegedProcessorTime);
        var clock0 = ThreadCpu.Of("actormesh-clock");
        var wallStart = clock.Now;

        DelayAccuracyResult? result = null;
        if (rate > 0)
        {
            result = akka
                ? await DelayAccuracy.MeasureAkkaSchedulerAsync(system, clock, options)
                : await DelayAccuracy.MeasureClockAsync(system, clock, options);
        }
        else
        {
            await Task.Delay(options.Warmup + options.Duration);
        }

        var wall = MeshClock.ToMilliseconds(clock.Now - wallStart) / 1000;
        process.Refresh();
        var user = (process.UserProcessorTime - user0).TotalSeconds / wall;
        var sys = (process.PrivilegedProcessorTime - sys0).TotalSeconds / wall;
        var clockCpu = (ThreadCpu.Of("actormesh-clock") - clock0).TotalSeconds / wall;
        var name = akka ? "AkkaScheduler" : nameof(HighResolutionClock);
        if (result is null)
        {
            Console.WriteLine($"{name,-20} {"idle",8} {"",10} {"",5} {"",7} {"",7} {"",7} {"",8} {"",7} {user + sys,5:0.00} {user,5:0.00} {sys,5:0.00} {clockCpu,5:0.00}");
            return 0;
        }
        Console.WriteLine($"{name,-20} {rate,8:0} {result.AchievedRate,10:0} {result.Lost,5} {result.P50Ms,7:0.000} {result.P90Ms,7:0.000} {result.P99Ms,7:0.000} {result.P999Ms,8:0.000} {result.MaxMs,7:0.000} {user + sys,5:0.00} {user,5:0.00} {sys,5:0.00} {clockCpu,5:0.00}");
        return result.P99Ms;
    }

    private static TimeSpan ParseDuration(string text)
    {
        static double Number(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        if (text.EndsWith("us", StringComparison.Ordinal)) return TimeSpan.FromTicks((long)(Number(text[..^2]) * 10));
        if (text.EndsWith("ms", StringComparison.Ordinal)) return TimeSpan.FromTicks((long)(Number(text[..^2]) * TimeSpan.TicksPerMillisecond));
        if (text.EndsWith('s')) return TimeSpan.FromTicks((long)(Number(text[..^1]) * TimeSpan.TicksPerSecond));
        return TimeSpan.FromTicks((long)(Number(text) * TimeSpan.TicksPerMillisecond));
    }
}

/// <summary>CPU time of this process's threads with a given name, from /proc (Linux only; zero elsewhere).</summary>
internal static class ThreadCpu
{
    public static TimeSpan Of(string name)
    {
        if (!OperatingSystem.IsLinux()) return TimeSpan.Zero;
        var ticksPerSecond = 100.0; // USER_HZ: 100 on every mainstream Linux build
        var total = 0L;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != name) continue;
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException) { } // the thread ended while we looked
        }
        return TimeSpan.FromSeconds(total / ticksPerSecond);
    }
}
