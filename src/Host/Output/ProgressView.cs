using System.Diagnostics;
using ActorMesh.Load;

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
        Console.Out.WriteLine($"load: {load} for {t.Load.Duration.TotalSeconds:0.##}s after {t.Load.Warmup.TotalSeconds:0.##}s warm-up, seed {t.Seed}");
        Console.Out.WriteLine($"clock: {(t.Load.Clock == ClockMode.Virtual ? "virtual (one thread, repeatable by seed)" : "real")}");
    }

    /// <summary>Topologies with this many pods or more get the estimate in the header (starting them takes a while).</summary>
    private const int LargeTopology = 10_000;

    /// <summary>
    /// Runs <paramref name="run"/> with a live view of <paramref name="topology"/>'s load (flags applied): its
    /// callbacks take the load's live stats, the start's progress (a line at most every second, or when what
    /// is counted changes) and the phases of a multi-phase lesson. Returns the report and the phase it is of.
    /// </summary>
    public static async Task<(RunReport Report, LessonPhase? Phase)> RunAsync(MeshTopology topology,
        Func<Action<LiveStats>, Action<StartupProgress>, Action<LessonPhase>, Task<RunReport>> run)
    {
        var feed = new LiveFeed(topology);
        if (!Interactive)
        {
            var plain = await run(s =>
            {
                foreach (var e in feed.Update(s)) Console.Out.WriteLine(e);
                Console.Out.WriteLine(feed.Line(s));
            }, Throttled(p => Console.Out.WriteLine(StartupLine(p))), p => Console.Out.WriteLine(feed.StartPhase(p)));
            return (plain, feed.Phase);
        }
        RunReport? report = null;
        var console = AnsiConsole.Console;
        await AnsiConsole.Live(feed.View(console.Profile.Width)).AutoClear(false).StartAsync(async context =>
        {
            report = await run(s =>
            {
                feed.Update(s);
                context.UpdateTarget(feed.View(console.Profile.Width));
                context.Refresh();
            }, Throttled(p =>
            {
                context.UpdateTarget(Starting(p));
                context.Refresh();
            }), p =>
            {
                // The finished phase stays as one line above the new phase's heading.
                feed.StartPhase(p);
                context.UpdateTarget(feed.View(console.Profile.Width));
                context.Refresh();
            });
        });
        return (report!, feed.Phase);
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
}
