using System.Text.Json.Nodes;

namespace ActorMesh.Host.Output.Html;

/// <summary>A labelled figure of the summary.</summary>
internal sealed record Figure(string Label, string Value);

/// <summary>The latency distributions: counts per bucket and percentile curves, ok and not ok.</summary>
internal sealed record DistributionCharts(IReadOnlyList<double> BucketUpToMs, IReadOnlyList<long> OkCounts, IReadOnlyList<long> NotOkCounts,
    IReadOnlyList<double> Percentiles, IReadOnlyList<double?> OkMs, IReadOnlyList<double?> NotOkMs);

/// <summary>One row of the per-service table.</summary>
internal sealed record ServiceRow(string Service, int Instances, long Requests, long Ok, long Errors, double P50Ms, double P99Ms,
    long Retries, long Timeouts, long CircuitOpened, long CircuitRejects, long Ejections);

/// <summary>One bar of a trace waterfall.</summary>
internal sealed record WaterfallBar(string Hop, string Service, double StartMs, double DurationMs, double SelfMs, int Depth, int Status);

/// <summary>A sampled trace as a waterfall.</summary>
internal sealed record Waterfall(string Title, double TotalMs, IReadOnlyList<WaterfallBar> Bars);

/// <summary>The lesson's figures: its takeaway, and the rest as rows (name, value as text).</summary>
internal sealed record LessonFigures(string? Takeaway, IReadOnlyList<Figure> Rows);

/// <summary>
/// Everything the HTML report shows, computed from a <see cref="RunReport"/>: one member per part of the
/// page, each the data behind it (the page only draws it).
/// </summary>
internal sealed record ReportPage(
    string Title,
    IReadOnlyList<Figure> Summary,
    string Accounting,
    bool AddsUp,
    IReadOnlyList<SecondChart> PerSecond,
    DistributionCharts Distribution,
    ServiceGraph Graph,
    IReadOnlyList<ServiceRow> Services,
    IReadOnlyList<Waterfall> Traces,
    LessonFigures Figures,
    IReadOnlyList<Figure> Emulator,
    IReadOnlyList<string> Warnings)
{
    /// <summary>The page of <paramref name="r"/> (the report alone: a report read back from its JSON draws the same page).</summary>
    public static ReportPage From(RunReport r)
    {
        var q = r.Requests;
        var l = r.LatencyMs;
        var summary = new List<Figure>
        {
            new("measured", $"{r.DurationSeconds:0.##} s after {r.Load.WarmupSeconds:0.##} s warm-up, seed {r.Seed}, {r.Emulator.Clock} clock"),
            new("load", r.Load.Mode == "open" ? $"open loop {r.Load.Rps:0.#} rps ({r.Load.Arrival})" : $"closed loop {r.Load.Users} users"),
            new("sent", $"{q.Sent}"), new("ok", $"{q.Ok}"), new("failed", $"{q.Failed}"), new("timed out", $"{q.TimedOut}"),
            new("rejected", $"{q.Rejected}"), new("in flight", $"{q.InFlight}"),
            new("ok %", q.Sent == 0 ? "-" : $"{100.0 * q.Ok / q.Sent:0.00}"),
            new("throughput", $"{r.ThroughputRps:0.#}/s (ok {r.GoodputRps:0.#}/s)"),
            new("latency of ok (ms)", $"p50 {l.P50:0.###}, p90 {l.P90:0.###}, p99 {l.P99:0.###}, p99.9 {l.P999:0.###}, max {l.Max:0.###}"),
        };
        if (r.Outcomes.FailedByStatus.Count > 0) summary.Add(new("failed by status", string.Join(", ", r.Outcomes.FailedByStatus.Select(kv => $"{kv.Key}: {kv.Value}"))));
        if (r.Outcomes.RejectedByReason.Count > 0) summary.Add(new("rejected by reason", string.Join(", ", r.Outcomes.RejectedByReason.Select(kv => $"{kv.Key}: {kv.Value}"))));
        var accounting = $"sent {q.Sent} = ok {q.Ok} + failed {q.Failed} + timed out {q.TimedOut} + rejected {q.Rejected} + in flight {q.InFlight}";
        var warnings = new List<string>(r.Missing.Select(m => $"missing from this report: {m}"));
        if (r.Emulator.Saturated && r.Emulator.Warning is { } w) warnings.Add(w);
        return new ReportPage(r.Scenario, summary, accounting, r.Outcomes.AddsUp, SecondCharts.From(r), DistributionOf(r.LatencyDistribution),
            ServiceGraph.From(r), ServiceRows(r), TracesOf(r.Tracing), FiguresOf(r.Figures), EmulatorOf(r), warnings);
    }

    private static DistributionCharts DistributionOf(LatencyDistributionReport d)
    {
        var percentiles = d.Ok.Count > 0 ? d.Ok.Select(p => p.Percentile).ToList() : d.NotOk.Select(p => p.Percentile).ToList();
        static List<double?> Curve(IReadOnlyList<PercentilePoint> points, int n) =>
            points.Count == 0 ? [.. Enumerable.Repeat<double?>(null, n)] : [.. points.Select(p => (double?)p.Ms)];
        return new DistributionCharts([.. d.Buckets.Select(b => b.UpToMs)], [.. d.Buckets.Select(b => b.Ok)], [.. d.Buckets.Select(b => b.NotOk)],
            percentiles, Curve(d.Ok, percentiles.Count), Curve(d.NotOk, percentiles.Count));
    }

    private static List<ServiceRow> ServiceRows(RunReport r) =>
    [
        .. r.Services.Select(kv => new ServiceRow(kv.Key, kv.Value.Instances, kv.Value[ServiceCounter.Requests], kv.Value[ServiceCounter.Ok], kv.Value[ServiceCounter.Errors],
            kv.Value.LatencyMs.P50, kv.Value.LatencyMs.P99, kv.Value.Upstream[ServiceCounter.Retries], kv.Value.Upstream[ServiceCounter.Timeouts],
            kv.Value.Upstream[ServiceCounter.CircuitOpened], kv.Value.Upstream[ServiceCounter.RejectedByCircuit], kv.Value.Upstream[ServiceCounter.Ejections])),
    ];

    /// <summary>The sampled traces the report keeps (today one ok trace, the one with the most hops).</summary>
    private static List<Waterfall> TracesOf(TracingReport t)
    {
        if (t.Sample.Count == 0) return [];
        var total = t.Sample.Max(s => s.StartMs + s.DurationMs);
        return [new Waterfall($"sample ok trace ({t.Sample.Count} spans, {total:0.###} ms)", total,
            [.. t.Sample.Select(s => new WaterfallBar(s.Hop, s.Service, s.StartMs, s.DurationMs, s.SelfMs, s.Depth, s.Status))])];
    }

    private static LessonFigures FiguresOf(JsonObject figures)
    {
        string? takeaway = null;
        var rows = new List<Figure>();
        foreach (var (key, value) in figures)
        {
            if (key == "takeaway" && value is JsonValue v && v.TryGetValue<string>(out var text)) takeaway = text;
            else rows.Add(new Figure(key, FigureText.Of(value)));
        }
        return new LessonFigures(takeaway, rows);
    }

    private static List<Figure> EmulatorOf(RunReport r)
    {
        var e = r.Emulator;
        var rows = new List<Figure> { new("clock", e.Clock) };
        if (e.Clock == "virtual") rows.Add(new("mesh time", $"{e.SimulatedSeconds:0.##} s in {e.WallSeconds:0.##} s of wall time ({e.SimulatedSecondsPerWallSecond:0.#}x real time)"));
        else rows.Add(new("timer lateness (ms)", $"p50 {e.TimerLatenessMs.P50:0.###}, p99 {e.TimerLatenessMs.P99:0.###}, max {e.TimerLatenessMs.Max:0.###} ({e.TimerLatenessMs.Samples} samples)"));
        rows.Add(new("CPU", $"{e.CpuSeconds:0.##} s over {e.WallSeconds:0.##} s of wall time on {e.Cores} cores"));
        if (e.MeshMessages > 0) rows.Add(new("mesh messages", $"{e.MeshMessages:N0} ({e.MeshMessagesPerWallSecond:N0} per wall second)"));
        rows.Add(new("kept up", e.Saturated ? "no: the emulator's own lag distorts the latencies" : "yes"));
        return rows;
    }
}
