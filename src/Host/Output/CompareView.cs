using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Host.Output;

/// <summary>A comparison of two runs: a table per group of metrics (the run, each service, each request kind, the figures), then the regression checks.</summary>
internal static class CompareView
{
    public static void Write(ReportComparison c, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        console.MarkupLine(Markup.Escape($"A: {c.A}"));
        console.MarkupLine(Markup.Escape($"B: {c.B}"));
        foreach (var group in c.Metrics.GroupBy(m => m.Group))
        {
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(group.Key))
                .AddColumn("metric").AddColumn(new TableColumn("A").RightAligned()).AddColumn(new TableColumn("B").RightAligned())
                .AddColumn(new TableColumn("B − A").RightAligned()).AddColumn(new TableColumn("Δ %").RightAligned());
            foreach (var m in group)
            {
                var name = m.Metric.Length > group.Key.Length && m.Metric.StartsWith(group.Key + ".", StringComparison.Ordinal) ? m.Metric[(group.Key.Length + 1)..] : m.Metric;
                table.AddRow(Markup.Escape(name), MetricText.Value(m.A, m.Unit), MetricText.Value(m.B, m.Unit), MetricText.Delta(m.Delta, m.Unit), MetricText.Relative(m.RelativeDelta));
            }
            console.Write(table);
        }
        foreach (var r in c.Regressions)
        {
            var unit = ReportMetrics.UnitOf(r.Metric);
            var values = $"A {MetricText.Value(r.A, unit)} → B {MetricText.Value(r.B, unit)}";
            var verdict = r.NotMeasured is { } why ? $"[red]FAIL[/] ({Markup.Escape(why)})" : r.Regressed ? "[red]REGRESSION[/]" : "[green]ok[/]";
            console.MarkupLine($"--fail-on {Markup.Escape(r.Rule)}: {Markup.Escape(values)}: {verdict}");
        }
    }
}
