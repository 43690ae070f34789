using System.Text.Json.Nodes;
using ActorMesh.Telemetry;
using Spectre.Console;

namespace ActorMesh.Host.Output;

/// <summary>The summary printed after a run.</summary>
internal static class SummaryView
{
    public static void Write(RunReport r)
    {
        var q = r.Requests;
        var outcomes = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(r.Scenario)}[/]: {r.DurationSeconds:0.##}s measured, seed {r.Seed}")
            .AddColumn("sent").AddColumn("ok").AddColumn("failed").AddColumn("timed out").AddColumn("rejected").AddColumn("in flight").AddColumn("ok %").AddColumn("throughput/s");
        outcomes.AddRow($"{q.Sent}", $"{q.Ok}", $"{q.Failed}", $"{q.TimedOut}", $"{q.Rejected}", $"{q.InFlight}", q.Sent == 0 ? "-" : $"{100.0 * q.Ok / q.Sent:0.00}", $"{r.ThroughputRps:0.#}");
        AnsiConsole.Write(outcomes);
        var accounting = r.Outcomes.AddsUp ? "[green]adds up[/]" : "[red]DOES NOT ADD UP[/]";
        AnsiConsole.MarkupLine($"accounting: sent {q.Sent} = ok {q.Ok} + failed {q.Failed} + timed out {q.TimedOut} + rejected {q.Rejected} + in flight {q.InFlight}: {accounting}");
        if (r.Outcomes.FailedByStatus.Count > 0)
            AnsiConsole.MarkupLine(Markup.Escape("failed by status: " + string.Join(", ", r.Outcomes.FailedByStatus.Select(kv => $"{kv.Key}: {kv.Value}"))));
        if (r.Outcomes.RejectedByReason.Count > 0)
            AnsiConsole.MarkupLine(Markup.Escape("rejected by reason: " + string.Join(", ", r.Outcomes.RejectedByReason.Select(kv => $"{kv.Key}: {kv.Value}"))));

        var l = r.LatencyMs;
        AnsiConsole.MarkupLine($"latency of ok requests (ms, from intended send time): p50 {l.P50:0.###}  p90 {l.P90:0.###}  p99 {l.P99:0.###}  p99.9 {l.P999:0.###}  max {l.Max:0.###}  mean {l.Mean:0.###}");

        var services = new Table().Border(TableBorder.Rounded).Title("services (as their sidecars saw them)")
            .AddColumn("service").AddColumn("instances").AddColumn("requests").AddColumn("ok").AddColumn("errors").AddColumn("p50 ms").AddColumn("p99 ms")
            .AddColumn("retries to it").AddColumn("timeouts").AddColumn("circuit rejects").AddColumn("ejections");
        foreach (var (name, s) in r.Services)
            services.AddRow(Markup.Escape(name), $"{s.Instances}", $"{s[ServiceCounter.Requests]}", $"{s[ServiceCounter.Ok]}", $"{s[ServiceCounter.Errors]}", $"{s.LatencyMs.P50:0.###}", $"{s.LatencyMs.P99:0.###}",
                $"{s.Upstream[ServiceCounter.Retries]}", $"{s.Upstream[ServiceCounter.Timeouts]}", $"{s.Upstream[ServiceCounter.RejectedByCircuit]}", $"{s.Upstream[ServiceCounter.Ejections]}");
        AnsiConsole.Write(services);

        var m = r.Mesh;
        var g = r.Gateway;
        AnsiConsole.MarkupLine($"gateway: requests {g.Requests}, routed {g.Routed}, aggregated {g.Aggregated} (degraded {g.Degraded}, failed {g.AggregateFailed}), auth rejected {g.AuthRejected}, rate limited {g.RateLimited}, cache hits {g.CacheHits} / misses {g.CacheMisses}, no route {g.NoRoute}");
        if (r.RequestKinds.Count > 1)
        {
            var kinds = new Table().Border(TableBorder.Rounded).Title("request kinds")
                .AddColumn("kind").AddColumn("gateway").AddColumn("steps").AddColumn("sent").AddColumn("ok").AddColumn("failed").AddColumn("timed out").AddColumn("rejected").AddColumn("p50 ms").AddColumn("p99 ms");
            foreach (var (name, k) in r.RequestKinds)
                kinds.AddRow(Markup.Escape(name), Markup.Escape(k.Gateway), $"{k.Steps}", $"{k.Requests.Sent}", $"{k.Requests.Ok}", $"{k.Requests.Failed}", $"{k.Requests.TimedOut}", $"{k.Requests.Rejected}",
                    $"{k.LatencyMs.P50:0.###}", $"{k.LatencyMs.P99:0.###}");
            AnsiConsole.Write(kinds);
        }
        AnsiConsole.MarkupLine($"mesh: retries {m[ServiceCounter.Retries]} (not allowed by budget {m[ServiceCounter.RetriesOverflowed]}, attempts used up {m[ServiceCounter.RetriesExhausted]}), timeouts {m[ServiceCounter.Timeouts]}, per-try timeouts {m[ServiceCounter.PerTryTimeouts]}, circuit opened {m[ServiceCounter.CircuitOpened]}, rejected by circuit {m[ServiceCounter.RejectedByCircuit]}, ejections {m[ServiceCounter.Ejections]}, overflows {m[ServiceCounter.Overflows]}, config v{m.ConfigVersion}");
        var cp = r.ControlPlane;
        AnsiConsole.MarkupLine(Markup.Escape($"control plane: config v{cp.Version}, {cp.Pushes} push(es), {cp.Acks} ACK(s), {cp.Nacks} NACK(s), convergence {cp.ConvergenceMs:0.###} ms mean / {cp.ConvergenceMsMax:0.###} ms max, {cp.Reconciliations} reconciliation(s), down {cp.DownSeconds:0.###} s"));
        if (cp.LastNackReason is { } nack) AnsiConsole.MarkupLine(Markup.Escape($"last NACK: {nack}"));
        foreach (var e in r.Events) AnsiConsole.MarkupLine(Markup.Escape($"  at {e.AtSeconds:0.###}s: {e.Event} — {e.Outcome}"));
        var sc = r.Sidecars;
        if (sc.Restarts.Count > 0 || sc.LogsEmitted > 0 || sc.SettingsVersions.Count > 0)
        {
            var parts = new List<string> { "restarts " + (sc.Restarts.Count == 0 ? "none" : string.Join(", ", sc.Restarts.Select(kv => $"{kv.Key} {kv.Value}"))) };
            if (sc.LogsEmitted > 0) parts.Add($"logs emitted {sc.LogsEmitted} = shipped {sc.LogsShipped} + dropped {sc.LogsDropped} + buffered {sc.LogsBuffered} (buffer peak {sc.LogsBufferPeak})");
            if (sc.SettingsVersions.Count > 0) parts.Add($"settings syncs {sc.SettingsSyncs}");
            AnsiConsole.MarkupLine(Markup.Escape("sidecars: " + string.Join("; ", parts)));
        }
        var cluster = r.Cluster;
        if (cluster.Nodes > 1)
            AnsiConsole.MarkupLine(Markup.Escape($"cluster: {cluster.Nodes} nodes; pods at the end {string.Join(", ", cluster.PodsPerNode.Select(kv => $"{kv.Key} {kv.Value}"))}; " +
                $"crossed nodes {cluster.CrossNodeMessages:N0} messages, {cluster.CrossNodeBytes:N0} bytes; node failures {cluster.NodeFailures}, pods placed again {cluster.PodsReplaced}"));
        var security = r.Security;
        if (security[ServiceCounter.Denied] > 0 || security[ServiceCounter.PlaintextAccepted] > 0)
            AnsiConsole.MarkupLine($"security: denied {security[ServiceCounter.Denied]} with 403 (plaintext to strict mTLS {security[ServiceCounter.DeniedPlaintext]}, by policy {security[ServiceCounter.DeniedByPolicy]}), accepted in plaintext {security[ServiceCounter.PlaintextAccepted]}");
        if (r.Figures.Count > 0)
        {
            var figures = new Table().Border(TableBorder.Rounded).Title("figures").AddColumn("figure").AddColumn("value");
            foreach (var (key, value) in r.Figures)
                figures.AddRow(Markup.Escape(key), Markup.Escape(FigureText(value)));
            AnsiConsole.Write(figures);
        }
    }

    /// <summary>A figure as text: a string as is, a list one item per line (a trace's spans), anything else as JSON.</summary>
    private static string FigureText(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonArray list => string.Join(Environment.NewLine, list.Select(item => item?.ToJsonString() ?? "null")),
        _ => value?.ToJsonString() ?? "null",
    };
}
