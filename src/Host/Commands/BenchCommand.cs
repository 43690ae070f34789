using System.CommandLine;
using System.Text.Json.Nodes;
using ActorMesh.Scenarios.Bench;
using ActorMesh.Telemetry;
using Spectre.Console;

namespace ActorMesh.Host.Commands;

/// <summary>
/// <c>bench</c>: how fast the emulator itself is. The chain topology with nothing injected, run three
/// ways in one process (full mesh, no sidecars, raw actor chain), then the delay service's accuracy.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var duration = CliValues.Duration("--duration", "Measured duration of each of the three runs (default 10s)");
        var users = CliValues.PositiveInteger("--users", "Closed-loop users driving each run (default 256)", "users");
        var report = new Option<string?>("--report") { Description = "Write the JSON report (the mesh run's report with the bench figures)", HelpName = "out.json" };
        var command = new Command("bench", "Measure the emulator: maximum throughput of the chain with the full mesh, without sidecars, and as raw actors") { duration, users, report };
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
            };
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]ActorMesh bench[/]: chain, nothing injected")
                .AddColumn("run").AddColumn("requests/s").AddColumn("messages/s").AddColumn("messages/request").AddColumn("bytes/request").AddColumn("vs raw");
            void Row(string name, ThroughputResult r) => table.AddRow(name, $"{r.Rps:N0}", $"{r.Rps * r.MessagesPerRequest:N0}", $"{r.MessagesPerRequest:0.0}", $"{r.BytesPerRequest:N0}", $"{r.Rps / raw.Rps:0.00}");
            Row("full mesh", mesh);
            Row("no sidecars", plain);
            Row("raw actors", raw);
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"allocated per request per hop (full mesh, {ThroughputBench.HopsPerRequest} calls per request): {mesh.BytesPerRequest / ThroughputBench.HopsPerRequest:N0} bytes");
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
