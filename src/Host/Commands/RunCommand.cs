using ActorMesh.Host.Output;
using ActorMesh.Host.Output.Html;
using ActorMesh.Load;
using ActorMesh.Scenarios.Catalog;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Host.Commands;

/// <summary><c>run &lt;scenario | topology.yaml&gt;</c>: runs under load with a live view, prints a summary, writes the JSON report.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("scenario") { Description = "A built-in scenario (see 'scenarios') or a topology file (.yaml)" };
        var duration = CliValues.Duration("--duration", "Measured duration, e.g. 10s (default: the scenario's)");
        var warmup = CliValues.Duration("--warmup", "Warm-up before measuring, excluded from the figures (default: the scenario's, usually 1s)", allowZero: true);
        var rps = CliValues.PositiveNumber("--rps", "Open loop at this many requests per second (latency from the intended send time)", "rate");
        var users = CliValues.PositiveInteger("--users", "Closed loop with this many users (each waits for its answer)", "users");
        var seed = CliValues.Integer("--seed", "Seed of the run's random source. With --clock virtual a seed repeats the whole report; in real time it repeats the sampled values (latencies, faults, arrivals), but thread timing can still change outcomes", "seed");
        var clock = CliValues.Clock("--clock", "real (default): the mesh runs on the real clock and many threads; virtual: one thread in virtual time, faster than real time, never late, and repeatable by seed (one node only)");
        var report = new Option<string?>("--report") { Description = "Write the JSON report here", HelpName = "out.json" };
        var html = new Option<string?>("--html") { Description = "Write a self-contained HTML report here (charts, service graph, traces; opens offline)", HelpName = "report.html" };
        var logs = new Option<string?>("--logs") { Description = "Write every log event the log collectors ship here, one compact JSON object per line (Serilog's CLEF)", HelpName = "out.jsonl" };
        var nodes = CliValues.IntegerBetween("--nodes", "Run on this many cluster nodes in this process (one ActorSystem each, on 127.0.0.1); default: the scenario's, usually 1", "N", 1, 64);
        var cluster = CliValues.Endpoint("--cluster", "Drive the run on a running cluster (started with 'node'), joining through this node");
        var hostname = new Option<string>("--hostname") { Description = "With --cluster: the address this process listens on (default 127.0.0.1; the nodes must reach it)", DefaultValueFactory = _ => "127.0.0.1" };
        var assert = CliValues.Thresholds("--assert", "An SLO threshold the run must meet, e.g. 'p99<=50ms' or 'okRate>=99%' (repeatable; beside the file's slo); one missed exits with code 3");
        var transport = LinkFlags.Transport();
        var reading = LinkFlags.Reading();
        var withoutMesh = new Option<bool>("--compare-without-mesh") { Description = "Run the topology again without the mesh (no sidecars, plain clients) and print both side by side: what the mesh costs; the report is the run with the mesh, with the table in its 'comparison'" };
        var command = new Command("run", "Run a scenario or topology file under load") { target, duration, warmup, rps, users, seed, clock, nodes, cluster, hostname, transport, reading, report, html, logs, assert, withoutMesh };
        var exports = new ExportFlags();
        foreach (var option in exports.Options) command.Add(option);
        command.Validators.Add(r =>
        {
            if (r.GetResult(nodes) is not null && r.GetResult(cluster) is not null)
                r.AddError("--nodes and --cluster cannot be used together: --nodes starts its own nodes, --cluster uses a running cluster's");
            // The token, not the value: a clock that did not parse has its own error already.
            var virtualClock = r.GetResult(clock) is { Tokens: [var token] } && string.Equals(token.Value, "virtual", StringComparison.OrdinalIgnoreCase);
            if (virtualClock && (r.GetResult(nodes) is not null || r.GetResult(cluster) is not null))
                r.AddError($"--clock virtual cannot be used with {(r.GetResult(nodes) is not null ? "--nodes" : "--cluster")}: virtual time runs on one node, and a cluster runs in real time");
            if (r.GetResult(rps) is not null && r.GetResult(users) is not null)
                r.AddError("--rps and --users cannot be used together: --rps drives an open loop, --users a closed loop");
            exports.Validate(r);
        });
        command.SetAction(async parse =>
        {
            var reportPath = parse.GetValue(report);
            CheckOutputPath("--report", reportPath, "report.json");
            var htmlPath = parse.GetValue(html);
            CheckOutputPath("--html", htmlPath, "report.html");
            var logsPath = parse.GetValue(logs);
            CheckOutputPath("--logs", logsPath, "logs.jsonl");
            exports.Check(parse);
            var (topology, builtIn) = ScenarioResolver.Resolve(parse.GetValue(target)!);
            using var interrupts = Interrupts.Listen($"stopping the load; the requests in flight get up to {RunOptions.DefaultStopDrain.TotalSeconds:0.#} s (mesh time), then the summary and the report", "a report");
            using var logFile = logsPath is null ? null : new LogFile(logsPath);
            var options = new RunOptions
            {
                Duration = parse.GetValue(duration),
                Warmup = parse.GetValue(warmup),
                Rps = parse.GetValue(rps),
                Users = parse.GetValue(users),
                Seed = parse.GetValue(seed),
                Clock = parse.GetValue(clock),
                CommandLine = CommandLine(),
                Meter = new EmulatorMeter(),
                Nodes = parse.GetValue(nodes),
                Cluster = parse.GetValue(cluster),
                Hostname = parse.GetValue(hostname)!,
                AkkaConfig = LinkFlags.Apply(Logging.AkkaConfig, parse.GetValue(transport), reading: parse.GetValue(reading)),
                LogSink = logFile,
                Tap = exports.Tap,
            };
            var effective = options.Apply(topology);
            var asserted = parse.GetValue(assert)!;
            // Every problem at once: the topology's with the flags applied, and the names --assert gives that the topology lacks.
            List<string> problems = [.. TopologyValidator.Validate(effective).Select(p => $"with the flags given, {p}"), .. AssertProblems(effective, asserted)];
            if (problems.Count > 0) throw new UserError(problems);
            IReadOnlyList<SloThreshold> thresholds = [.. topology.Slo, .. asserted];
            var estimate = MeshCapacity.Estimate(effective, podsElsewhere: options.Cluster is not null);
            if (estimate.Problems.Count > 0) throw new UserError([.. estimate.Problems, $"estimate: {estimate}"]);

            ProgressView.Header(effective, estimate);
            foreach (var skipped in options.SkippedEvents(topology))
                Console.Error.WriteLine($"warning: timeline event at {skipped.At.TotalSeconds:0.###}s ({skipped.Event.Describe()}) falls after the load ends with the flags given " +
                    $"({(effective.Load.Warmup + effective.Load.Duration).TotalSeconds:0.###}s): skipped, and listed as skipped in the report's events");
            var scenario = builtIn ?? new BuiltInScenario(topology.Name, topology.Description ?? "");
            RunReport result;
            LessonPhase? phase;
            using var metricsServer = exports.Serve(parse);
            // The report's serializer metadata is built on another core while the run goes on (a virtual-time run uses one).
            if (reportPath is not null || htmlPath is not null) _ = Task.Run(() => RunReport.WarmUpJson());
            try
            {
                // The thresholds are checked once, below, on the scenario's final report (a lesson's figures included), not on each of its phases.
                var withoutSlo = topology with { Slo = [] };
                (result, phase) = await ProgressView.RunAsync(effective, (progress, startup, phaseStarted) =>
                    scenario.RunAsync(withoutSlo, options with { Progress = progress, Startup = startup, PhaseStarted = phaseStarted }, interrupts.Token));
            }
            catch (ActorMesh.Clustering.ClusterJoinException e)
            {
                throw new UserError(options.Cluster is not null ? $"--cluster: {e.Message}"
                    : $"{effective.Nodes} nodes in this process: {e.Message}; try fewer nodes (this machine runs at most {estimate.MaxNodes} in one process)");
            }
            catch (OperationCanceledException) when (interrupts.Interrupted)
            {
                Console.Error.WriteLine("Interrupted while the mesh was starting: no load ran, so there is no report.");
                return interrupts.ExitCode;
            }
            if (phase is not null) Console.Out.WriteLine($"Summary of {phase} (the figures compare the phases)");
            if (parse.GetValue(withoutMesh) && !interrupts.Interrupted)
                result = await MeshOverheadRun.CompareAsync(topology, options, result, interrupts.Token);
            result = SloCheck.Apply(result, thresholds);
            // The JSON report is written on the second core while this one prints the summary: both only read the finished
            // report (its figures' JSON nodes build their contents on first read, so they are read once here first).
            var finished = result;
            ReadThrough(finished.Figures);
            var reportWritten = reportPath is null ? Task.CompletedTask : Task.Run(() => File.WriteAllTextAsync(reportPath, finished.ToJson(), CancellationToken.None));
            SummaryView.Write(result);
            if (result.Comparison is { } comparison) CompareView.Write(comparison);
            if (interrupts.Interrupted)
                Console.Out.WriteLine($"Interrupted ({interrupts.Signal}): the load stopped early; requests still open after the {RunOptions.DefaultStopDrain.TotalSeconds:0.#} s drain are counted as in flight.");
            if (reportPath is not null)
            {
                await reportWritten;
                Console.Out.WriteLine($"Report written to {reportPath}");
            }
            if (htmlPath is not null)
            {
                await File.WriteAllTextAsync(htmlPath, HtmlReport.Render(result), CancellationToken.None);
                Console.Out.WriteLine($"HTML report written to {htmlPath}");
            }
            await exports.WriteAsync(parse, result);
            if (logFile is not null)
            {
                logFile.Dispose();
                Console.Out.WriteLine($"Logs written to {logsPath}: {logFile.Written} events (those still buffered at the end were shipped as the pods stopped)");
            }
            // An interrupted run keeps its signal's code: its thresholds were checked on part of the load.
            if (interrupts.Interrupted) return interrupts.ExitCode;
            return result.SloPassed == false ? ExitCodes.CheckFailed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Reads every node under <paramref name="node"/>, so that later reads, from several threads, only read.</summary>
    private static void ReadThrough(System.Text.Json.Nodes.JsonNode? node)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject o:
                foreach (var (_, value) in o) ReadThrough(value);
                break;
            case System.Text.Json.Nodes.JsonArray list:
                foreach (var item in list) ReadThrough(item);
                break;
        }
    }

    /// <summary>The services and request kinds <c>--assert</c> names that <paramref name="topology"/> does not have.</summary>
    private static IEnumerable<string> AssertProblems(MeshTopology topology, SloThreshold[] asserted) =>
        asserted.SelectMany(t => MetricNames.Problems(t.Metric, topology).Select(p => $"--assert '{t.Expression}': {p}"));

    /// <summary>The command line as the user typed it (the program named actormesh), for the report.</summary>
    private static string CommandLine() =>
        string.Join(' ', ["actormesh", .. Environment.GetCommandLineArgs().Skip(1).Select(a => a.Contains(' ') ? $"\"{a}\"" : a)]);

    internal static void CheckOutputPath(string flag, string? path, string example)
    {
        if (path is null) return;
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UserError($"{flag}: '{path}' is a directory; give a file name such as {example}");
        var dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new UserError($"{flag}: directory '{dir}' does not exist");
    }
}
