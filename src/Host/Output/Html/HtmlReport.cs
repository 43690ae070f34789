using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ActorMesh.Host.Output.Html;

/// <summary>
/// <c>run … --html report.html</c>: one self-contained page (uPlot, its styles and the data inline; no
/// network) drawn from a <see cref="ReportPage"/>. Tables, the service graph and the trace waterfalls are
/// written here as HTML and SVG; the charts are drawn in the browser by uPlot from the page model.
/// </summary>
internal static class HtmlReport
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The page of <paramref name="r"/> as HTML.</summary>
    public static string Render(RunReport r) => Render(ReportPage.From(r), r.Run);

    private static string Render(ReportPage p, RunInfo run)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Append($"<title>ActorMesh: {E(p.Title)}</title><style>{Asset("uPlot.min.css")}\n{Asset("report.css")}</style></head><body>");
        h.Append($"<h1>ActorMesh: {E(p.Title)}</h1>");
        if (run.CommandLine is { } cl) h.Append($"<p class=\"note\">{E(cl)} · {E(run.ToolVersion)} · started {E(run.StartedAtUtc)}</p>");
        foreach (var w in p.Warnings) h.Append($"<p class=\"warning\">{E(w)}</p>");

        h.Append("<h2 id=\"summary\">Summary</h2>");
        Rows(h, "summary-table", p.Summary);
        h.Append($"<p>accounting: {E(p.Accounting)}: {(p.AddsUp ? "<span class=\"ok\">adds up</span>" : "<span class=\"bad\">DOES NOT ADD UP</span>")}</p>");
        if (p.Figures.Takeaway is { } takeaway) h.Append($"<p class=\"takeaway\">{E(takeaway)}</p>");

        h.Append("<h2 id=\"per-second\">Per second</h2><p class=\"note legend\">Dashed lines mark the timeline events: "
            + "<span style=\"color:#d62728\">crash, kill</span><span style=\"color:#9467bd\">control plane</span><span style=\"color:#1f77b4\">deploy</span>"
            + "<span style=\"color:#ff7f0e\">fault</span><span style=\"color:#2ca02c\">scale</span><span style=\"color:#e377c2\">circuit</span><span style=\"color:#7f7f7f\">config</span></p>");
        foreach (var c in p.PerSecond)
            h.Append(c.Missing is { } why ? $"<div class=\"chart missing\" id=\"chart-{c.Id}\"><h3>{E(c.Title)}</h3><p class=\"note\">Not drawn: {E(why)}.</p></div>"
                : $"<div class=\"chart\" id=\"chart-{c.Id}\"></div>");
        if (p.PerSecond.FirstOrDefault()?.Markers is { Count: > 0 } markers)
        {
            h.Append("<table class=\"events\"><tr><th>second</th><th>kind</th><th>event</th></tr>");
            foreach (var m in markers) h.Append(Inv($"<tr><td class=\"num\">{m.Second:0.###}</td><td>{E(m.Kind)}</td><td>{E(m.Label)}</td></tr>"));
            h.Append("</table>");
        }

        h.Append("<h2 id=\"latency\">Latency distribution</h2><p class=\"note\">End to end, from the intended send time; \"not ok\" are the answered requests that were not ok.</p>");
        h.Append("<div class=\"chart\" id=\"chart-histogram\"></div><div class=\"chart\" id=\"chart-percentiles\"></div>");

        h.Append("<h2 id=\"graph\">Service graph</h2><p class=\"note\">Left to right by call depth. Each edge is labelled with its own figures, as the caller's sidecar (or gateway) saw them: "
            + "requests per second over the whole run, error %, p99 (retries included) and the caller's retries on it; green and \"mTLS\": mutual TLS; thick red dashes: the caller's circuit to the callee opened.</p>");
        h.Append($"<div class=\"graph\">{ServiceGraphSvg.Render(p.Graph)}</div>");
        EdgeTable(h, p.Graph.Edges);

        h.Append("<h2 id=\"services\">Services</h2>");
        ServiceTable(h, p.Services);

        h.Append("<h2 id=\"traces\">Sampled traces</h2>");
        if (p.Traces.Count == 0) h.Append("<p class=\"note\">No trace was sampled.</p>");
        foreach (var t in p.Traces) Waterfall(h, t);

        h.Append("<h2 id=\"figures\">Lesson figures</h2>");
        if (p.Figures.Rows.Count == 0 && p.Figures.Takeaway is null) h.Append("<p class=\"note\">This run has no lesson figures.</p>");
        else
        {
            if (p.Figures.Takeaway is { } t) h.Append($"<p class=\"takeaway\">{E(t)}</p>");
            Rows(h, "figures-table", p.Figures.Rows);
        }

        h.Append("<h2 id=\"emulator\">Emulator</h2>");
        Rows(h, "emulator-table", p.Emulator);

        h.Append($"<script type=\"application/json\" id=\"page-data\">{JsonSerializer.Serialize(p, Json)}</script>");
        h.Append($"<script>{Asset("uPlot.iife.min.js")}</script><script>{Asset("report.js")}</script>");
        h.Append("<footer class=\"note\"><p>Charts drawn with uPlot (MIT licence, below).</p><pre>" + E(Asset("uPlot.LICENSE")) + "</pre></footer></body></html>");
        return h.ToString();
    }

    private static void Rows(StringBuilder h, string id, IReadOnlyList<Figure> rows)
    {
        h.Append($"<table id=\"{id}\">");
        foreach (var f in rows) h.Append($"<tr><th>{E(f.Label)}</th><td>{E(f.Value).Replace("\n", "<br>", StringComparison.Ordinal)}</td></tr>");
        h.Append("</table>");
    }

    private static void ServiceTable(StringBuilder h, IReadOnlyList<ServiceRow> rows)
    {
        h.Append("<table id=\"services-table\"><tr><th>service</th><th>instances</th><th>requests</th><th>ok</th><th>errors</th><th>p50 ms</th><th>p99 ms</th>"
            + "<th>retries to it</th><th>timeouts</th><th>circuit opened</th><th>circuit rejects</th><th>ejections</th></tr>");
        foreach (var s in rows)
            h.Append(Inv($"<tr><td>{E(s.Service)}</td><td class=\"num\">{s.Instances}</td><td class=\"num\">{s.Requests}</td><td class=\"num\">{s.Ok}</td><td class=\"num\">{s.Errors}</td>")
                + Inv($"<td class=\"num\">{s.P50Ms:0.###}</td><td class=\"num\">{s.P99Ms:0.###}</td><td class=\"num\">{s.Retries}</td><td class=\"num\">{s.Timeouts}</td>")
                + Inv($"<td class=\"num\">{s.CircuitOpened}</td><td class=\"num\">{s.CircuitRejects}</td><td class=\"num\">{s.Ejections}</td></tr>"));
        h.Append("</table>");
    }

    private static void EdgeTable(StringBuilder h, IReadOnlyList<GraphEdge> edges)
    {
        h.Append("<table id=\"edges-table\"><tr><th>from</th><th>to</th><th>requests</th><th>per s</th><th>ok</th><th>errors</th><th>error %</th><th>p50 ms</th><th>p99 ms</th>"
            + "<th>retries</th><th>mTLS</th><th>circuit opened</th></tr>");
        foreach (var e in edges)
            h.Append(Inv($"<tr class=\"{(e.CircuitOpenedOnce ? "circuit-opened" : "")}\"><td>{E(e.From)}</td><td>{E(e.To)}</td><td class=\"num\">{e.Requests}</td><td class=\"num\">{e.Rps:0.##}</td>")
                + Inv($"<td class=\"num\">{e.Ok}</td><td class=\"num\">{e.Errors}</td><td class=\"num\">{e.ErrorPercent:0.##}</td><td class=\"num\">{e.P50Ms:0.###}</td><td class=\"num\">{e.P99Ms:0.###}</td>")
                + Inv($"<td class=\"num\">{e.Retries}</td><td>{(e.Mtls ? "yes" : "no")}</td><td class=\"num\">{e.CircuitOpened}</td></tr>"));
        h.Append("</table>");
    }

    private static void Waterfall(StringBuilder h, Waterfall t)
    {
        h.Append($"<h3>{E(t.Title)}</h3><table class=\"waterfall\"><tr><th>hop</th><th>service</th><th>status</th><th>start ms</th><th>duration ms</th><th>self ms</th><th>timeline</th></tr>");
        var total = Math.Max(t.TotalMs, 1e-9);
        foreach (var b in t.Bars)
        {
            var css = $"span hop-{b.Hop}" + (b.Status >= 400 ? " status-error" : "");
            h.Append(Inv($"<tr><td style=\"padding-left:{8 + b.Depth * 12}px\">{E(b.Hop)}</td><td>{E(b.Service)}</td><td class=\"num\">{(b.Status == 0 ? "" : b.Status)}</td>")
                + Inv($"<td class=\"num\">{b.StartMs:0.###}</td><td class=\"num\">{b.DurationMs:0.###}</td><td class=\"num\">{b.SelfMs:0.###}</td>")
                + Inv($"<td class=\"bar\"><div class=\"{css}\" style=\"left:{100 * b.StartMs / total:0.##}%;width:{100 * b.DurationMs / total:0.##}%\"></div></td></tr>"));
        }
        h.Append("</table>");
    }

    private static string Asset(string name)
    {
        using var stream = typeof(HtmlReport).Assembly.GetManifestResourceStream("ActorMesh.Host.Output.Html.Assets." + name)
            ?? throw new InvalidOperationException($"the HTML report's asset {name} is not embedded in the program");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
