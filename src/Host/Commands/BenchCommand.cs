using System.Text.Json.Nodes;
using ActorMesh.Scenarios.Bench;

namespace ActorMesh.Host.Commands;

/// <summary>
/// <c>bench</c>: how fast the emulator itself is. The chain topology with nothing injected, run three
/// ways (full mesh, no sidecars, raw actor chain; and on N cluster nodes with <c>--nodes</c>), then
/// the delay service's accuracy (a 1 ms delay at 100,000 delays/s on the real clock), interleaved
/// over several rounds in one process; the figures are the medians, each with its spread and a
/// verdict on whether the rounds agree enough to trust them.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var defaults = new BenchOptions();
        var rounds = CliValues.IntegerBetween("--rounds", $"Rounds; each runs every measurement once, interleaved (default {defaults.Rounds})", "N", 1, 100);
        var duration = CliValues.Duration("--duration", $"Measured time of each single measurement, after its warm-up (default {defaults.Duration.TotalSeconds:0}s)");
        var users = CliValues.PositiveInteger("--users", $"Closed-loop users driving each run (default {defaults.Users})", "users");
        var report = new Option<string?>("--report") { Description = "Write the JSON report (the median round's mesh report, with the bench figures and every round)", HelpName = "out.json" };
        var nodes = CliValues.IntegerBetween("--nodes", "Also run the full mesh on N in-process cluster nodes in every round (zones mapped to nodes; and every hop across nodes)", "N", 1, 64);
        var transport = LinkFlags.Transport();
        var reading = LinkFlags.Reading(defaultValue: BenchReading); // the bench measures throughput at saturation
        var command = new Command("bench", "Measure the emulator: maximum throughput of the chain with the full mesh, without sidecars, and as raw actors, interleaved over rounds; medians with their spread")
        {
            rounds, duration, users, nodes, transport, reading, report,
        };
        // --metrics-port: Istio's metrics of the mesh runs served while the bench goes on, to measure what serving (and scraping) them costs.
        var exports = new ExportFlags();
        foreach (var option in exports.MetricsServerOptions) command.Add(option);
        command.Validators.Add(exports.Validate);
        command.SetAction(async (parse, cancellation) =>
        {
            var reportPath = parse.GetValue(report);
            using var metricsServer = exports.Serve(parse);
            RunCommand.CheckOutputPath("--report", reportPath, "report.json");
            var options = new BenchOptions
            {
                Rounds = parse.GetValue(rounds) ?? defaults.Rounds,
                Duration = parse.GetValue(duration) ?? defaults.Duration,
                Users = parse.GetValue(users) ?? defaults.Users,
                Nodes = parse.GetValue(nodes),
                Tap = metricsServer is null ? null : exports.Tap,
            };
            var order = options.Nodes is { } n
                ? $"full mesh, no sidecars, raw actors, full mesh on {n} nodes, every hop across {n} nodes, start-up of {options.StartupPods:N0} pods, delay service"
                : $"full mesh, no sidecars, raw actors, start-up of {options.StartupPods:N0} pods, delay service";
            Console.Out.WriteLine($"bench: chain with nothing injected, closed loop with {options.Users} users");
            Console.Out.WriteLine($"{options.Rounds} rounds of: {order}; {Seconds(options.Duration)} measured per run after {Seconds(options.Warmup)} warm-up "
                + $"({Seconds(options.FirstRoundWarmup)} in the first round), the delay service {Seconds(options.DelayDuration)}");
            var measured = await InterleavedBench.RunAsync(options, LinkFlags.Apply(Logging.AkkaConfig, parse.GetValue(transport), reading: parse.GetValue(reading) ?? BenchReading), round => Console.Out.WriteLine(RoundLine(round, options.Rounds)));

            var series = BenchFigures.Series(measured);
            var verdict = BenchVerdict.Judge(measured.Count, series);
            Print(measured, series, verdict);
            if (reportPath is not null)
            {
                var figures = BenchFigures.ToJson(measured, verdict, Measurement(options, parse.GetValue(transport), parse.GetValue(reading)));
                var result = BenchFigures.MedianRound(measured).Mesh.Report! with { Scenario = "bench", Figures = figures };
                await File.WriteAllTextAsync(reportPath, result.ToJson(), CancellationToken.None);
                Console.Out.WriteLine($"Report written to {reportPath}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.##}s";

    private static string RoundLine(BenchRound r, int rounds)
    {
        var cluster = r.Cluster is { } c ? $" · {c.Nodes} nodes {c.Result.Rps:N0}" : "";
        if (r.CrossNode is { } x) cluster += $" · every hop across nodes {x.Result.Rps:N0}";
        return $"round {r.Number}/{rounds}: full mesh {r.Mesh.Rps:N0} rps · no sidecars {r.NoSidecar.Rps:N0} · raw {r.Raw.Rps:N0}{cluster} · meshVsRaw {r.Mesh.Rps / r.Raw.Rps:0.000} · delay p99 {r.Delay.P99Ms:0.000} ms";
    }

    private static void Print(IReadOnlyList<BenchRound> rounds, IReadOnlyList<BenchSeries> series, BenchVerdict verdict)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]ActorMesh bench[/]: chain, nothing injected, {rounds.Count} rounds")
            .AddColumn("figure").AddColumn("median", c => c.RightAligned()).AddColumn("min", c => c.RightAligned()).AddColumn("max", c => c.RightAligned())
            .AddColumn("middle half (q1–q3)", c => c.RightAligned()).AddColumn("spread", c => c.RightAligned()).AddColumn("trend", c => c.RightAligned());
        var medians = new Dictionary<string, double>();
        foreach (var s in series)
        {
            var spread = BenchStatistics.Summarize(s.Values);
            medians[s.Name] = spread.Median;
            if (s.Check == FigureCheck.None) continue;
            var drift = BenchStatistics.Drift(s.Values);
            var trend = s.Check != FigureCheck.Rate ? "" : double.IsFinite(drift) ? $"{drift * 100:+0;-0;0} %" : "n/a";
            table.AddRow(s.Name, s.Format(spread.Median), s.Format(spread.Min), s.Format(spread.Max),
                $"{s.Format(spread.Q1)}–{s.Format(spread.Q3)}", BenchVerdict.Percent(spread.RelativeSpread), trend);
        }
        AnsiConsole.Write(table);
        Console.Out.WriteLine("spread = (q3 − q1) / median; trend = how far a rate moved from the first round to the last (Theil–Sen), as a share of its median; ratios are taken within each round");
        Console.Out.WriteLine($"per request (medians): full mesh {medians["messagesPerRequest"]:0.0} messages, {medians["bytesPerRequest"]:N0} bytes allocated "
            + $"({medians["bytesPerRequestPerHop"]:N0} per hop, {ThroughputBench.HopsPerRequest} calls) and {medians.GetValueOrDefault("meshCpuMicrosPerRequest"):0.00} µs of CPU; "
            + $"no sidecars {medians["noSidecarMessagesPerRequest"]:0.0} messages, {medians["noSidecarBytesPerRequest"]:N0} bytes, {medians.GetValueOrDefault("noSidecarCpuMicrosPerRequest"):0.00} µs of CPU; "
            + $"raw actors {medians["rawBytesPerRequest"]:N0} bytes");
        if (rounds[0].Cluster is { } c)
        {
            Console.Out.WriteLine($"crossed nodes per request ({c.Nodes} nodes, a zone and a gateway replica each, medians): {medians["crossNodeMessagesPerRequest"]:0.00} mesh messages, {medians["crossNodeBytesPerRequest"]:N0} bytes serialized, "
                + $"{medians["clusterMessagesPerBatch"]:0.#} messages per batch");
            Console.Out.WriteLine($"CPU per request (medians): full mesh {medians.GetValueOrDefault("meshCpuMicrosPerRequest"):0.0} µs, on {c.Nodes} nodes {medians.GetValueOrDefault("clusterCpuMicrosPerRequest"):0.0} µs (clusterVsMeshCpu {medians.GetValueOrDefault("clusterVsMeshCpu"):0.000}), "
                + $"every hop across nodes {medians.GetValueOrDefault("crossNodeCpuMicrosPerRequest"):0.0} µs ({medians.GetValueOrDefault("crossNodeCpuMicrosPerMessage"):0.00} µs per message across nodes)");
            Console.Out.WriteLine($"every hop across nodes (medians): {medians["crossNodeRps"]:N0} req/s, {medians["crossNodeHopMessagesPerRequest"]:0.0} mesh messages per request, "
                + $"{medians["crossNodeMessagesPerBatch"]:0.#} per batch; each costs {medians["crossNodeMicrosPerMessage"]:0.00} µs and {medians["crossNodeBytesAllocatedPerMessage"]:N0} bytes more than in one node");
        }
        if (rounds[0].Startup is { } startup)
            Console.Out.WriteLine($"startup of {startup.Pods:N0} pods (medians): {medians["startupPodsPerSecond"]:N0} pods/s, {medians["startupBytesPerPod"]:N0} bytes of heap per pod");
        var delay = rounds[0].Delay;
        var lost = 0L;
        var worst = 0.0;
        foreach (var r in rounds)
        {
            lost += r.Delay.Lost;
            worst = Math.Max(worst, r.Delay.MaxMs);
        }
        Console.Out.WriteLine($"delay error ({delay.Delay.TotalMilliseconds:0.##} ms at {delay.RequestedRate:N0}/s, achieved {medians["delayAchievedRate"]:N0}/s, {lost} lost): "
            + $"p50 {medians["delayP50ErrorMs"]:0.000} ms, p99 {medians["delayP99ErrorMs"]:0.000} ms (delayP99ErrorMs, medians), max {worst:0.000} ms (worst round)");
        if (verdict.Trustworthy)
        {
            AnsiConsole.MarkupLine("[green]Trustworthy:[/] the rounds agree (every rate and ratio within its spread limit, no rate trending).");
            return;
        }
        AnsiConsole.MarkupLine("[yellow]Do not trust these figures:[/] the rounds disagree or are too few. Re-run on a quiet machine, or with more rounds.");
        foreach (var warning in verdict.Warnings) AnsiConsole.MarkupLine($"  [yellow]![/] {Markup.Escape(warning)}");
    }

    // Throughput at saturation is what the bench measures, and where polling the links pays (docs/cluster.md#direct-links).
    private const string BenchReading = "poll";

    private static JsonObject Measurement(BenchOptions options, string? transport, string? reading)
    {
        var order = new JsonArray("mesh", "noSidecar", "raw");
        if (options.Nodes is not null) order.Add("cluster");
        order.Add("delay");
        var measurement = new JsonObject
        {
            ["rounds"] = options.Rounds,
            ["order"] = order,
            ["users"] = options.Users,
            ["measuredSeconds"] = options.Duration.TotalSeconds,
            ["warmupSeconds"] = options.Warmup.TotalSeconds,
            ["firstRoundWarmupSeconds"] = options.FirstRoundWarmup.TotalSeconds,
            ["delayMeasuredSeconds"] = options.DelayDuration.TotalSeconds,
        };
        if (options.Nodes is not null)
        {
            measurement["transport"] = transport ?? "direct"; // how requests crossed nodes
            measurement["linkReading"] = reading ?? BenchReading; // and how the nodes read their links
        }
        return measurement;
    }
}
