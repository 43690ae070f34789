using System.Diagnostics;
using ActorMesh.Hosting;
using ActorMesh.Load;
using ActorMesh.Telemetry;
using ActorMesh.Topology;
using Spectre.Console;

namespace ActorMesh.Host.Output;

/// <summary>The live view during a run: a refreshing table on a terminal, plain lines when output is redirected.</summary>
internal static class ProgressView
{
    private static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static void Header(MeshTopology t, CapacityEstimate estimate)
    {
        var load = t.Load.Mode == LoadMode.Open
            ? $"open loop {t.Load.Rps:0.#} rps ({t.Load.Arrival.ToString().ToLowerInvariant()})"
            : $"closed loop {t.Load.Users} users";
        Console.Out.WriteLine($"{t.Name}: {t.Services.Length} services, {t.Services.Sum(s => s.Replicas)} pods, {t.Gateways.Length} gateway(s), sidecars {(t.Mesh.Sidecars ? "on" : "off")}");
        if (estimate.Pods >= LargeTopology) Console.Out.WriteLine($"estimate: {estimate}");
        Console.Out.WriteLine($"load: {load} for {t.Load.Duration.TotalSeconds:0.##}s after {t.Load.Warmup.TotalSeconds:0.##}s warm-up, seed {t.Seed}, {(t.Load.Clock == ClockMode.Virtual ? "virtual clock (one thread, repeatable by seed)" : "real clock")}");
    }

    /// <summary>Topologies with this many pods or more get the estimate in the header (starting them takes a while).</summary>
    private const int LargeTopology = 10_000;

    /// <summary>
    /// Runs <paramref name="run"/> with a live view: its first callback takes the load's live stats, its
    /// second the start's progress (a line at most every second, or when what is counted changes).
    /// </summary>
    public static async Task<RunReport> RunAsync(Func<Action<LiveStats>, Action<StartupProgress>, Task<RunReport>> run)
    {
        if (!Interactive) return await run(s => Console.Out.WriteLine(Line(s)), Throttled(p => Console.Out.WriteLine(StartupLine(p))));
        RunReport? report = null;
        await AnsiConsole.Live(Table(null)).AutoClear(false).StartAsync(async context =>
        {
            report = await run(s =>
            {
                context.UpdateTarget(Table(s));
                context.Refresh();
            }, Throttled(p =>
            {
                context.UpdateTarget(Starting(p));
                context.Refresh();
            }));
        });
        return report!;
    }

    /// <summary>Passes progress on when what is counted changes, or when the count has moved and a second has passed since the last.</summary>
    private static Action<StartupProgress> Throttled(Action<StartupProgress> show)
    {
        var gate = new object();
        var last = 0L;
        StartupProgress? shown = null;
        return p =>
        {
            lock (gate)
            {
                if (p.What == shown?.What && (p.Done == shown.Done || Stopwatch.GetElapsedTime(last) < TimeSpan.FromSeconds(1))) return;
                shown = p;
                last = Stopwatch.GetTimestamp();
                show(p);
            }
        };
    }

    private static string StartupLine(StartupProgress p) => $"[starting] {p.Done:N0} of {p.Total:N0} {p.What}";

    private static Table Starting(StartupProgress p) =>
        new Table().Border(TableBorder.Rounded).Title("[bold]ActorMesh[/] starting").AddColumn(Markup.Escape(p.What)).AddRow($"{p.Done:N0} of {p.Total:N0}");

    private static string Line(LiveStats s) =>
        $"[{s.ElapsedSeconds,6:0.0}s] {s.Phase,-7} rate {s.IntervalRps,9:0}/s  ok {s.IntervalOkPercent,6:0.00}%  p99 {s.IntervalP99Ms,8:0.00}ms  sent {s.Sent,9}  outstanding {s.Outstanding,6}";

    private static Table Table(LiveStats? s)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]ActorMesh[/] live")
            .AddColumn("elapsed").AddColumn("phase").AddColumn("rate/s").AddColumn("ok %").AddColumn("p99 ms").AddColumn("sent").AddColumn("outstanding");
        if (s is null) table.AddRow("starting", "", "", "", "", "", "");
        else table.AddRow($"{s.ElapsedSeconds:0.0}s", s.Phase, $"{s.IntervalRps:0}", $"{s.IntervalOkPercent:0.00}", $"{s.IntervalP99Ms:0.00}", $"{s.Sent}", $"{s.Outstanding}");
        return table;
    }
}
