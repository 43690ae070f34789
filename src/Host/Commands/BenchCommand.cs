using System.CommandLine;
using System.Text.Json.Nodes;
using ActorMesh.Scenarios.Bench;
using ActorMesh.Telemetry;
using ActorMesh.Time;
using Spectre.Console;

namespace ActorMesh.Host.Commands;

/// <summary>
/// <c>bench</c>: how fast the emulator itself is. The chain topology with nothing injected, run three
/// ways in one process (full mesh, no sidecars, raw actor chain), then the delay service's accuracy
/// (a 1 ms delay at 100,000 delays/s on the real clock).
/// </summary>
internal static class BenchCommand
{
    private static readonly TimeSpan DelayMeasured = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var duration = CliValues.Duration("--duration", "Measured duration of each of the three runs (default 10s)");
        var users = CliValues.PositiveInteger("--users", "Closed-loop users driving each run (default 256)", "users");
        var report = new Option<string?>("--report") { Description = "Write the JSON report (the mesh run's report with the bench figures)", HelpName = "out.json" };
        var nodes = CliValues.IntegerBetween("--nodes", "Also run the full mesh on N in-process cluster nodes (requests cross nodes through Akka.Remote)", "N", 1, 64);
        var command = new Command("bench", "Measure the emulator: maximum throughput of the chain with the full mesh, without sidecars, and as raw actors") { duration, users, nodes, report };
        command.SetAction(async (parse, cancellation) =>
        {
            var reportPath = parse.GetValue(report);
            RunCommand.CheckOutputPath("--report", reportPath, "report.json");
            var measured = parse.GetValue(duration) ?? TimeSpan.FromSeconds(10);
            var warmup = TimeSpan.FromSeconds(Math.Clamp(measured.TotalSeconds / 3, 1, 3));
            var u = parse.GetValue(users) ?? 256;
            Console.Out.WriteLine($"bench: chain with nothing injected, closed loop with {u} users, {measured.TotalSeconds:0.##}s measured after {warmup.TotalSeconds:0.##}s warm-up per run");

            Console.Out.WriteLine("1/3 full mesh (sidecars, all policies on) ...");
            var mesh = await ThroughputBench.MeasureMeshAsync(ThroughputBench.Chain(sidecars: true, u), warmup, measured, Logging.AkkaConfig);
            Console.Out.WriteLine("2/3 without sidecars (apps call apps through the network) ...");
            var plain = await ThroughputBench.MeasureMeshAsync(ThroughputBench.Chain(sidecars: false, u), warmup, measured, Logging.AkkaConfig);
            Console.Out.WriteLine("3/3 raw actor chain with the same messages per request ...");
            var raw = await ThroughputBench.MeasureRawAsync(mesh.MessagesPerRequest, u, warmup, measured, Logging.AkkaConfig);
            (ThroughputResult Result, double Messages, double Bytes)? cluster = null;
            if (parse.GetValue(nodes) is { } n)
            {
                Console.Out.WriteLine($"+ full mesh on {n} in-process cluster nodes ...");
                cluster = await ThroughputBench.MeasureClusterAsync(ThroughputBench.Chain(sidecars: true, u), n, warmup, measured, Logging.AkkaConfig);
            }
            // Start the delay measurement from a clean heap: the runs above leave garbage whose collection would be timed too.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            // The delay service alone; 5 s measured is plenty for a stable p99 at 100,000/s, so longer runs do not stretch it.
            var delayOptions = new DelayAccuracyOptions { Duration = measured < DelayMeasured ? measured : DelayMeasured };
            Console.Out.WriteLine($"delay accuracy: {delayOptions.Delay.TotalMilliseconds:0.##} ms at {delayOptions.Rate:N0} delays/s on the real clock, {delayOptions.Duration.TotalSeconds:0.##}s measured after {delayOptions.Warmup.TotalSeconds:0.##}s ...");
            var delay = await ThroughputBench.MeasureDelayAsync(delayOptions, Logging.AkkaConfig);

            var figures = new JsonObject
            {
                ["meshRps"] = Math.Round(mesh.Rps),
                ["noSidecarRps"] = Math.Round(plain.Rps),
                ["rawActorRps"] = Math.Round(raw.Rps),
                ["meshVsRaw"] = Math.Round(mesh.Rps / raw.Rps, 3),
                ["meshVsNoSidecar"] = Math.Round(mesh.Rps / plain.Rps, 3),
                ["messagesPerRequest"] = Math.Round(mesh.MessagesPerRequest, 2),
                ["bytesPerRequest"] = Math.Round(mesh.BytesPerRequest),
                ["bytesPerRequestPerHop"] = Math.Round(mesh.BytesPerRequest / ThroughputBench.HopsPerRequest),
                ["noSidecarMessagesPerRequest"] = Math.Round(plain.MessagesPerRequest, 2),
                ["noSidecarBytesPerRequest"] = Math.Round(plain.BytesPerRequest),
                ["rawBytesPerRequest"] = Math.Round(raw.BytesPerRequest),
                ["delayP99ErrorMs"] = Math.Round(delay.P99Ms, 3),
                ["delayP50ErrorMs"] = Math.Round(delay.P50Ms, 3),
                ["delayAchievedRate"] = Math.Round(delay.AchievedRate),
                ["delayLost"] = delay.Lost,
            };
            if (cluster is { } c)
            {
                figures["clusterNodes"] = parse.GetValue(nodes);
                figures["clusterRps"] = Math.Round(c.Result.Rps);
                figures["clusterVsMesh"] = Math.Round(c.Result.Rps / mesh.Rps, 3);
                figures["crossNodeMessagesPerRequest"] = Math.Round(c.Messages, 2);
                figures["crossNodeBytesPerRequest"] = Math.Round(c.Bytes);
                figures["clusterBytesAllocatedPerRequest"] = Math.Round(c.Result.BytesPerRequest);
            }
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]ActorMesh bench[/]: chain, nothing injected")
                .AddColumn("run").AddColumn("requests/s").AddColumn("messages/s").AddColumn("messages/request").AddColumn("bytes/request").AddColumn("vs raw");
            void Row(string name, ThroughputResult r) => table.AddRow(name, $"{r.Rps:N0}", $"{r.Rps * r.MessagesPerRequest:N0}", $"{r.MessagesPerRequest:0.0}", $"{r.BytesPerRequest:N0}", $"{r.Rps / raw.Rps:0.00}");
            Row("full mesh", mesh);
            Row("no sidecars", plain);
            Row("raw actors", raw);
            if (cluster is { } cr) Row($"full mesh, {parse.GetValue(nodes)} nodes", cr.Result);
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"allocated per request per hop (full mesh, {ThroughputBench.HopsPerRequest} calls per request): {mesh.BytesPerRequest / ThroughputBench.HopsPerRequest:N0} bytes");
            if (cluster is { } cn) AnsiConsole.MarkupLine($"crossed nodes per request ({parse.GetValue(nodes)} nodes): {cn.Messages:0.0} mesh messages, {cn.Bytes:N0} bytes serialized");
            AnsiConsole.MarkupLine($"delay error ({delay.Delay.TotalMilliseconds:0.##} ms at {delay.RequestedRate:N0}/s, achieved {delay.AchievedRate:N0}/s, {delay.Lost} lost): p50 {delay.P50Ms:0.000} ms, p99 {delay.P99Ms:0.000} ms (delayP99ErrorMs), max {delay.MaxMs:0.000} ms");
            if (reportPath is not null)
            {
                var result = mesh.Report! with { Scenario = "bench", Figures = figures };
                await File.WriteAllTextAsync(reportPath, result.ToJson(), CancellationToken.None);
                Console.Out.WriteLine($"Report written to {reportPath}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
