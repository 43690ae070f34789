using System.Globalization;
using System.Net;
using System.Text;

namespace ActorMesh.Host.Output.Html;

/// <summary>Draws a <see cref="ServiceGraph"/> as inline SVG: one column per call depth, edges with their labels.</summary>
internal static class ServiceGraphSvg
{
    private const int ColumnWidth = 330, RowHeight = 120, NodeWidth = 150, NodeHeight = 46, Margin = 20;

    public static string Render(ServiceGraph g)
    {
        if (g.Nodes.Count == 0) return "<p class=\"note\">No calls were observed, so there is no graph.</p>";
        var at = g.Nodes.ToDictionary(n => n.Name, n => (X: Margin + n.Depth * ColumnWidth, Y: Margin + n.Row * RowHeight));
        var width = Margin * 2 + (g.Nodes.Max(n => n.Depth) * ColumnWidth) + NodeWidth;
        var height = Margin * 2 + (g.Nodes.Max(n => n.Row) * RowHeight) + NodeHeight + 20;
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg id=\"service-graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"service graph\">"));
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#667\"/></marker></defs>");
        foreach (var e in g.Edges)
        {
            if (!at.TryGetValue(e.From, out var a) || !at.TryGetValue(e.To, out var b)) continue;
            double x1 = a.X + NodeWidth, y1 = a.Y + NodeHeight / 2.0;
            double x2 = b.X, y2 = b.Y + NodeHeight / 2.0;
            if (b.X <= a.X) (x1, x2) = (a.X + NodeWidth / 2.0, b.X + NodeWidth / 2.0); // a call back or within a column
            var css = "edge" + (e.CircuitOpenedOnce ? " circuit-opened" : "") + (e.ErrorPercent > 0 ? " errors" : "") + (e.Mtls ? " mtls" : "");
            svg.Append(Inv($"<g class=\"{css}\" data-from=\"{Esc(e.From)}\" data-to=\"{Esc(e.To)}\"><line x1=\"{x1:0.#}\" y1=\"{y1:0.#}\" x2=\"{x2:0.#}\" y2=\"{y2:0.#}\" marker-end=\"url(#arrow)\"/>"));
            var (mx, my) = ((x1 + x2) / 2, (y1 + y2) / 2);
            var rate = Inv($"{(e.Mtls ? "mTLS · " : "")}{e.Rps:0.#}/s · {e.ErrorPercent:0.##}% err");
            var latency = Inv($"p99 {e.P99Ms:0.#} ms · {e.Retries} retries");
            var label = rate + " · " + latency;
            svg.Append(Inv($"<text class=\"edge-label\" x=\"{mx:0.#}\" y=\"{my - 20:0.#}\" text-anchor=\"middle\">{Esc(rate)}</text>"));
            svg.Append(Inv($"<text class=\"edge-label\" x=\"{mx:0.#}\" y=\"{my - 7:0.#}\" text-anchor=\"middle\">{Esc(latency)}</text>"));
            if (e.CircuitOpenedOnce) svg.Append(Inv($"<text class=\"edge-label circuit\" x=\"{mx:0.#}\" y=\"{my + 14:0.#}\" text-anchor=\"middle\">circuit opened {e.CircuitOpened}×</text>"));
            svg.Append(Inv($"<title>{Esc(e.From)} → {Esc(e.To)}: {Esc(label)}{(e.Mtls ? "" : ", plaintext")}{(e.CircuitOpenedOnce ? ", circuit opened" : "")}</title></g>"));
        }
        foreach (var n in g.Nodes)
        {
            var (x, y) = at[n.Name];
            var css = "node " + n.Kind + (n.ErrorPercent > 0 ? " errors" : "");
            var shape = n.Kind == "gateway"
                ? Inv($"<polygon points=\"{x},{y + NodeHeight / 2} {x + 16},{y} {x + NodeWidth - 16},{y} {x + NodeWidth},{y + NodeHeight / 2} {x + NodeWidth - 16},{y + NodeHeight} {x + 16},{y + NodeHeight}\"/>")
                : Inv($"<rect x=\"{x}\" y=\"{y}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"8\"/>");
            var detail = n.Kind == "gateway" ? "gateway" : Inv($"{n.Instances} pods · {n.ErrorPercent:0.##}% err");
            svg.Append(Inv($"<g class=\"{css}\" data-name=\"{Esc(n.Name)}\">{shape}<text x=\"{x + NodeWidth / 2}\" y=\"{y + 20}\" text-anchor=\"middle\" class=\"node-name\">{Esc(n.Name)}</text>"));
            svg.Append(Inv($"<text x=\"{x + NodeWidth / 2}\" y=\"{y + 37}\" text-anchor=\"middle\" class=\"node-detail\">{Esc(detail)}</text></g>"));
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Esc(string s) => WebUtility.HtmlEncode(s);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
