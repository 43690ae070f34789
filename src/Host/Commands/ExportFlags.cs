using System.CommandLine;
using ActorMesh.Telemetry;

namespace ActorMesh.Host.Commands;

/// <summary>
/// The run's exports beside the JSON report: <c>--csv</c> (the timeline). Declared and checked here, so the
/// run command only adds them and calls <see cref="Check"/> before the run and <see cref="WriteAsync"/> after it.
/// </summary>
internal sealed class ExportFlags
{
    private readonly Option<string?> _csv = new("--csv") { Description = "Write the report's per-second timeline here as CSV (a header line, one row per second)", HelpName = "out.csv" };

    /// <summary>The options, to add to the command.</summary>
    public IEnumerable<Option> Options => [_csv];

    /// <summary>Checks the paths given before anything runs (a bad one exits 2).</summary>
    public void Check(ParseResult parse) => RunCommand.CheckOutputPath("--csv", parse.GetValue(_csv), "timeline.csv");

    /// <summary>Writes each export asked for and says where.</summary>
    public async Task WriteAsync(ParseResult parse, RunReport report)
    {
        if (parse.GetValue(_csv) is { } csv)
        {
            await File.WriteAllTextAsync(csv, TimelineCsv.Write(report.Timeline), CancellationToken.None);
            Console.Out.WriteLine($"Timeline written to {csv}: {report.Timeline.Count} seconds");
        }
    }
}
