using System.Globalization;
using System.Text;

namespace ActorMesh.Telemetry;

/// <summary>
/// The report's <see cref="RunReport.Timeline"/> as CSV: a header line, then one row per second of the
/// measured window, with the JSON's field names as columns. Numbers in the invariant culture; a value
/// the JSON has as null (no ok request that second, mesh counters not sampled) is an empty cell.
/// </summary>
public static class TimelineCsv
{
    /// <summary>The header line's columns, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["second", "sent", "ok", "failed", "timedOut", "rejected", "inFlight", "degraded", "p50Ms", "p99Ms", "retries", "circuitOpened", "circuitClosed"];

    /// <summary>The CSV text of <paramref name="timeline"/> (lines end with \n).</summary>
    public static string Write(IReadOnlyList<TimelineSecond> timeline)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Columns)).Append('\n');
        foreach (var s in timeline)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{s.Second},{s.Sent},{s.Ok},{s.Failed},{s.TimedOut},{s.Rejected},{s.InFlight},{s.Degraded},");
            csv.Append(CultureInfo.InvariantCulture, $"{s.P50Ms},{s.P99Ms},{s.Retries},{s.CircuitOpened},{s.CircuitClosed}\n");
        }
        return csv.ToString();
    }
}
