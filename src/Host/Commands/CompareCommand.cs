using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorMesh.Host.Output;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Host.Commands;

/// <summary><c>compare a.json b.json</c>: two reports side by side with deltas; <c>--fail-on</c> exits with code 3 on a regression.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var a = Report("a.json", "The baseline: a JSON report written by 'run --report'");
        var b = Report("b.json", "The report to compare with it");
        var failOn = CliValues.Regressions("--fail-on", "A regression that fails the comparison with exit code 3: metric:change, e.g. 'p99:+10%' (B more than 10 % above A), 'okRate:-1%', 'p99:+5ms' (repeatable)");
        var json = new Option<string?>("--json") { Description = "Write the comparison here as JSON", HelpName = "out.json" };
        var command = new Command("compare", "Compare two JSON reports: headline figures, services and figures side by side, with B − A and the change in %") { a, b, failOn, json };
        command.SetAction(async (parse, cancellation) =>
        {
            var jsonPath = parse.GetValue(json);
            RunCommand.CheckOutputPath("--json", jsonPath, "comparison.json");
            var (pathA, reportA) = parse.GetValue(a)!.Value;
            var (pathB, reportB) = parse.GetValue(b)!.Value;
            var comparison = ReportComparison.Of(reportA, reportB, Label(pathA, reportA), Label(pathB, reportB), parse.GetValue(failOn));
            CompareView.Write(comparison);
            if (jsonPath is not null)
            {
                await File.WriteAllTextAsync(jsonPath, comparison.ToJson(), CancellationToken.None);
                Console.Out.WriteLine($"Comparison written to {jsonPath}");
            }
            return comparison.Passed == false ? ExitCodes.CheckFailed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// A report file as an argument: read while the command line is parsed, so that a missing file, a file that is
    /// not a report and a bad <c>--fail-on</c> are listed together.
    /// </summary>
    private static Argument<(string Path, JsonNode Report)?> Report(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var path = result.Tokens[0].Value;
            var (report, error) = Load(path);
            if (report is not null) return (path, report);
            result.AddError(error!);
            return null;
        },
    };

    /// <summary>The report at <paramref name="path"/> as JSON, or why it is not one.</summary>
    private static (JsonNode? Report, string? Error) Load(string path)
    {
        if (!File.Exists(path)) return (null, $"report '{path}' not found");
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject { } report && report["requests"] is JsonObject) return (report, null);
            return (null, $"'{path}' is not an ActorMesh report (it has no 'requests' section); write one with 'run --report'");
        }
        catch (JsonException e)
        {
            return (null, $"'{path}' is not JSON: {e.Message}");
        }
    }

    /// <summary>The file and what ran: "a.json (chain, seed 1, 10 s measured, virtual clock, sidecars on)".</summary>
    private static string Label(string path, JsonNode report)
    {
        var parts = new List<string>();
        if (Text(report, "scenario") is { } scenario) parts.Add(scenario);
        if (ReportMetrics.Measure(report, "seed").Value is { } seed) parts.Add(string.Create(CultureInfo.InvariantCulture, $"seed {seed}"));
        if (ReportMetrics.Measure(report, "durationSeconds").Value is { } seconds) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{seconds:0.##} s measured"));
        if (Text(report, "emulator", "clock") is { } clock) parts.Add($"{clock} clock");
        if (Child(Child(report, "mesh"), "sidecars") is JsonValue sidecars && sidecars.TryGetValue<bool>(out var on)) parts.Add(on ? "sidecars on" : "sidecars off");
        return parts.Count == 0 ? path : $"{path} ({string.Join(", ", parts)})";
    }

    private static string? Text(JsonNode report, params string[] path)
    {
        JsonNode? node = report;
        foreach (var key in path) node = Child(node, key);
        return node is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
    }

    private static JsonNode? Child(JsonNode? node, string key) => node is JsonObject o ? o[key] : null;
}
