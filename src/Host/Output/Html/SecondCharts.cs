namespace ActorMesh.Host.Output.Html;

/// <summary>One line of a chart: a label and one value per point (null: no value there).</summary>
internal sealed record ChartLine(string Label, IReadOnlyList<double?> Values);

/// <summary>
/// A per-second chart of the measured window: the seconds, its lines, and the timeline events to mark.
/// A chart whose report has no value for any of its lines (an older report, or a cluster's retries) has
/// no lines (<see cref="Missing"/> says why).
/// </summary>
internal sealed record SecondChart(string Id, string Title, string Unit, IReadOnlyList<double> Seconds, IReadOnlyList<ChartLine> Lines, IReadOnlyList<TimelineMarker> Markers, string? Missing);

/// <summary>
/// The per-second charts and where each line comes from in <see cref="RunReport.Timeline"/>. Adding a
/// line that the timeline gains is one <see cref="Line"/> entry below.
/// </summary>
internal static class SecondCharts
{
    private sealed record Line(string Label, Func<TimelineSecond, double?> Value);

    private sealed record Spec(string Id, string Title, string Unit, Line[] Lines, string? MissingWhy = null);

    private static readonly Spec[] Specs =
    [
        new("throughput", "Throughput (by intended send time)", "requests/s",
            [new("sent", s => s.Sent), new("ok", s => s.Ok), new("not ok", s => s.Failed + s.TimedOut + s.Rejected)]),
        new("ok-percent", "Ok %", "%", [new("ok %", s => s.Sent == 0 ? null : Math.Round(100.0 * s.Ok / s.Sent, 2))]),
        new("latency", "Latency of ok requests (p50, p99)", "ms", [new("p50", s => s.P50Ms), new("p99", s => s.P99Ms)],
            "this report's timeline has no per-second latency (p50, p99)"),
        new("retries", "Retries", "retries/s", [new("retries", s => s.Retries)],
            "this report's timeline has no per-second retries (on a cluster the pods' counters are on other nodes)"),
        new("rejections", "Rejections and failures", "requests/s",
            [new("rejected", s => s.Rejected), new("failed", s => s.Failed), new("timed out", s => s.TimedOut)]),
    ];

    /// <summary>The per-second charts of <paramref name="r"/>, each with the run's timeline events marked.</summary>
    public static IReadOnlyList<SecondChart> From(RunReport r)
    {
        var seconds = r.Timeline.Select(s => (double)s.Second).ToList();
        var markers = TimelineMarker.From(r);
        var charts = new List<SecondChart>(Specs.Length);
        foreach (var spec in Specs)
        {
            List<ChartLine> lines = [.. spec.Lines.Select(l => new ChartLine(l.Label, [.. r.Timeline.Select(l.Value)]))];
            var drawn = lines.Any(l => l.Values.Any(v => v is not null));
            charts.Add(new SecondChart(spec.Id, spec.Title, spec.Unit, seconds, drawn ? lines : [], markers, drawn ? null : spec.MissingWhy));
        }
        return charts;
    }
}
