using System.CommandLine;
using ActorMesh.Hosting;
using ActorMesh.Telemetry;

namespace ActorMesh.Host.Commands;

/// <summary>
/// The run's exports beside the JSON report: <c>--csv</c> (the timeline) and <c>--traces</c> (Zipkin v2 JSON).
/// Declared and checked here, so the run command only adds them, calls <see cref="Check"/> before the run, passes
/// <see cref="Tap"/> in its options and calls <see cref="WriteAsync"/> after it.
/// </summary>
internal sealed class ExportFlags
{
    private readonly Option<string?> _csv = new("--csv") { Description = "Write the report's per-second timeline here as CSV (a header line, one row per second)", HelpName = "out.csv" };

    private readonly Option<string?> _traces = new("--traces") { Description = "Write every sampled trace (ok and failed) here as Zipkin v2 JSON, which Zipkin and Jaeger import", HelpName = "out.json" };

    /// <summary>The options, to add to the command.</summary>
    public IEnumerable<Option> Options => [_csv, _traces];

    /// <summary>Where the exports read the run's telemetry.</summary>
    public TelemetryTap Tap { get; } = new();

    /// <summary>Checks the paths given before anything runs (a bad one exits 2).</summary>
    public void Check(ParseResult parse)
    {
        RunCommand.CheckOutputPath("--csv", parse.GetValue(_csv), "timeline.csv");
        RunCommand.CheckOutputPath("--traces", parse.GetValue(_traces), "traces.json");
    }

    /// <summary>Writes each export asked for and says where.</summary>
    public async Task WriteAsync(ParseResult parse, RunReport report)
    {
        if (parse.GetValue(_csv) is { } csv)
        {
            await File.WriteAllTextAsync(csv, TimelineCsv.Write(report.Timeline), CancellationToken.None);
            Console.Out.WriteLine($"Timeline written to {csv}: {report.Timeline.Count} seconds");
        }
        if (parse.GetValue(_traces) is { } traces)
        {
            var runs = Tap.Completed.Select(v => (IReadOnlyList<Span>)v.Spans).ToList();
            var start = DateTimeOffset.TryParse(report.Run.StartedAtUtc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.UnixEpoch;
            await File.WriteAllTextAsync(traces, ZipkinExport.Write(runs, start.ToUnixTimeMilliseconds() * 1000), CancellationToken.None);
            Console.Out.WriteLine($"Traces written to {traces}: {runs.Sum(r => r.Count)} spans of {runs.Sum(r => r.Select(s => s.TraceId).Distinct().Count())} sampled requests, as Zipkin v2 JSON");
        }
    }
}
