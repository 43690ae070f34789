using System.Text.Json.Nodes;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Host.Output;

/// <summary>The summary printed after a run.</summary>
internal static class SummaryView
{
    /// <summary>Writes the summary of <paramref name="r"/> to <paramref name="console"/> (default: the terminal).</summary>
    public static void Write(RunReport r, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var q = r.Requests;
        console.MarkupLine($"[bold]{Markup.Escape(r.Scenario)}[/]: {r.DurationSeconds:0.##}s measured, seed {r.Seed}, {r.Emulator.Clock} clock");
        new FittedTable("requests", "requests", "sent", "ok", "failed", "timed out", "rejected", "in flight", "ok %", "throughput/s")
            .Row("measured", $"{q.Sent}", $"{q.Ok}", $"{q.Failed}", $"{q.TimedOut}", $"{q.Rejected}", $"{q.InFlight}", q.Sent == 0 ? "-" : $"{100.0 * q.Ok / q.Sent:0.00}", $"{r.ThroughputRps:0.#}")
            .Write(console);
        var accounting = r.Outcomes.AddsUp ? "[green]adds up[/]" : "[red]DOES NOT ADD UP[/]";
        console.MarkupLine($"accounting: sent {q.Sent} = ok {q.Ok} + failed {q.Failed} + timed out {q.TimedOut} + rejected {q.Rejected} + in flight {q.InFlight}: {accounting}");
        if (r.Outcomes.Degraded > 0)
            console.MarkupLine($"degraded: {r.Outcomes.Degraded} of the ok answered in part (flag DG: an optional call skipped, a fallback's answer, or a partial aggregation)");
        if (r.Outcomes.FailedByStatus.Count > 0)
            console.MarkupLine(Markup.Escape("failed by status: " + string.Join(", ", r.Outcomes.FailedByStatus.Select(kv => $"{kv.Key}: {kv.Value}"))));
        if (r.Outcomes.RejectedByReason.Count > 0)
            console.MarkupLine(Markup.Escape("rejected by reason: " + string.Join(", ", r.Outcomes.RejectedByReason.Select(kv => $"{kv.Key}: {kv.Value}"))));

        var l = r.LatencyMs;
        console.MarkupLine($"latency of ok requests (ms, from intended send time): p50 {l.P50:0.###}  p90 {l.P90:0.###}  p99 {l.P99:0.###}  p99.9 {l.P999:0.###}  max {l.Max:0.###}  mean {l.Mean:0.###}");
        if (r.FailedLatencyMs is { Count: > 0 } f)
            console.MarkupLine($"latency of failed and timed-out requests (ms): p50 {f.P50:0.###}  p90 {f.P90:0.###}  p99 {f.P99:0.###}  max {f.Max:0.###}  mean {f.Mean:0.###}  ({f.Count} requests)");
        if (r.RetriesPerRequest is { Requests: > 0 } retries)
            console.MarkupLine(Markup.Escape($"retries per request (whole call tree): mean {retries.Mean:0.####}, max {retries.Max}; requests with " +
                string.Join(", ", retries.Histogram.Select(kv => $"{kv.Key}: {kv.Value}"))));

        var services = new FittedTable("services (as their sidecars saw them)", "service", "pods", "requests", "ok", "errors", "p50 ms", "p99 ms",
            "retries to it", "timeouts", "circuit rejects", "ejections");
        foreach (var (name, s) in r.Services)
            services.Row(name, $"{s.Instances}", $"{s[ServiceCounter.Requests]}", $"{s[ServiceCounter.Ok]}", $"{s[ServiceCounter.Errors]}", $"{s.LatencyMs.P50:0.###}", $"{s.LatencyMs.P99:0.###}",
                $"{s.Upstream[ServiceCounter.Retries]}", $"{s.Upstream[ServiceCounter.Timeouts]}", $"{s.Upstream[ServiceCounter.RejectedByCircuit]}", $"{s.Upstream[ServiceCounter.Ejections]}");
        services.Write(console);

        var m = r.Mesh;
        var g = r.Gateway;
        console.MarkupLine($"gateway: requests {g.Requests}, routed {g.Routed}, aggregated {g.Aggregated} (degraded {g.Degraded}, failed {g.AggregateFailed}), auth rejected {g.AuthRejected}, rate limited {g.RateLimited}, cache hits {g.CacheHits} / misses {g.CacheMisses}, no route {g.NoRoute}");
        if (r.RequestKinds.Count > 1)
        {
            var kinds = new FittedTable("request kinds", "kind", "gateway", "steps", "sent", "ok", "failed", "timed out", "rejected", "p50 ms", "p99 ms");
            foreach (var (name, k) in r.RequestKinds)
                kinds.Row(name, k.Gateway, $"{k.Steps}", $"{k.Requests.Sent}", $"{k.Requests.Ok}", $"{k.Requests.Failed}", $"{k.Requests.TimedOut}", $"{k.Requests.Rejected}",
                    $"{k.LatencyMs.P50:0.###}", $"{k.LatencyMs.P99:0.###}");
            kinds.Write(console);
        }
        console.MarkupLine($"mesh: retries {m[ServiceCounter.Retries]} (refused by max retries or budget {m[ServiceCounter.RetriesOverflowed]}, attempts used up {m[ServiceCounter.RetriesExhausted]}), timeouts {m[ServiceCounter.Timeouts]}, per-try timeouts {m[ServiceCounter.PerTryTimeouts]}, circuit opened {m[ServiceCounter.CircuitOpened]}, rejected by circuit {m[ServiceCounter.RejectedByCircuit]}, ejections {m[ServiceCounter.Ejections]}, overflows {m[ServiceCounter.Overflows]}{(m[ServiceCounter.NoConfig] > 0 ? $", refused by sidecars without config {m[ServiceCounter.NoConfig]}" : "")}, config v{m.ConfigVersion}");
        var cp = r.ControlPlane;
        console.MarkupLine(Markup.Escape($"control plane: config v{cp.Version}, {cp.Pushes} push(es), {cp.Acks} ACK(s), {cp.Nacks} NACK(s), convergence {cp.ConvergenceMs:0.###} ms mean / {cp.ConvergenceMsMax:0.###} ms max, {cp.Reconciliations} reconciliation(s), down {cp.DownSeconds:0.###} s"));
        if (cp.LastNackReason is { } nack) console.MarkupLine(Markup.Escape($"last NACK: {nack}"));
        foreach (var e in r.Events) console.MarkupLine(Markup.Escape($"  at {e.AtSeconds:0.###}s: {e.Event} — {e.Outcome}"));
        var sc = r.Sidecars;
        if (sc.Restarts.Count > 0 || sc.LogsEmitted > 0 || sc.SettingsVersions.Count > 0)
        {
            var parts = new List<string> { "restarts " + (sc.Restarts.Count == 0 ? "none" : string.Join(", ", sc.Restarts.Select(kv => $"{kv.Key} {kv.Value}"))) };
            if (sc.LogsEmitted > 0) parts.Add($"logs emitted {sc.LogsEmitted} = shipped {sc.LogsShipped} + dropped {sc.LogsDropped} + buffered {sc.LogsBuffered} (buffer peak {sc.LogsBufferPeak})");
            if (sc.SettingsVersions.Count > 0) parts.Add($"settings syncs {sc.SettingsSyncs}");
            console.MarkupLine(Markup.Escape("sidecars: " + string.Join("; ", parts)));
        }
        var cluster = r.Cluster;
        if (cluster.Nodes > 1)
            console.MarkupLine(Markup.Escape($"cluster: {cluster.Nodes} nodes; pods at the end {string.Join(", ", cluster.PodsPerNode.Select(kv => $"{kv.Key} {kv.Value}"))}; " +
                $"crossed nodes {cluster.CrossNodeMessages:N0} messages, {cluster.CrossNodeBytes:N0} bytes, {cluster.Batches:N0} batches of {cluster.MessagesPerBatch:0.#} ({cluster.DirectBatches:N0} on direct links{(cluster.LostOnBrokenLinks > 0 ? $", {cluster.LostOnBrokenLinks:N0} messages lost on broken links" : "")}); node failures {cluster.NodeFailures}, pods placed again {cluster.PodsReplaced}"));
        foreach (var b in cluster.Rebalance)
            console.MarkupLine(Markup.Escape($"  {(b.AtSeconds is { } at ? $"at {at:0.###}s " : "")}{b.Node} joined: {(b.Zones.Count == 0 ? "" : $"zones {string.Join(", ", b.Zones)}; ")}" +
                $"{(b.Moves.Count == 0 ? "nothing moved" : string.Join(", ", b.Moves.Select(m => $"{m.Pod} {m.From} → {m.To}{(m.Outcome == "moved" ? "" : $" ({m.Outcome})")}")))} in {b.DurationMs:0.#} ms"));
        WriteZones(r, console);
        var security = r.Security;
        if (security[ServiceCounter.Denied] > 0 || security[ServiceCounter.PlaintextAccepted] > 0)
            console.MarkupLine($"security: denied {security[ServiceCounter.Denied]} with 403 (plaintext to strict mTLS {security[ServiceCounter.DeniedPlaintext]}, by policy {security[ServiceCounter.DeniedByPolicy]}), accepted in plaintext {security[ServiceCounter.PlaintextAccepted]}");
        WriteEmulator(r, console);
        foreach (var gap in r.Missing) console.MarkupLine($"[yellow]missing from this report: {Markup.Escape(gap)}[/]");
        FigureTables.Write(r.Figures, console);
        WriteSlo(r, console);
    }

    /// <summary>Each SLO threshold with its measured value and verdict, then the overall verdict (exit code 3 when one failed).</summary>
    private static void WriteSlo(RunReport r, IAnsiConsole console)
    {
        if (r.Slo.Count == 0) return;
        var table = new Table().Border(TableBorder.Rounded).Title("SLO thresholds").AddColumn("threshold").AddColumn("measured").AddColumn("result");
        foreach (var t in r.Slo)
            table.AddRow(Markup.Escape(t.Expression), Markup.Escape(t.NotMeasured ?? MetricText.Value(t.Measured, ReportMetrics.UnitOf(t.Metric))), t.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
        console.Write(table);
        var failed = r.Slo.Count(t => !t.Passed);
        console.MarkupLine(failed == 0
            ? $"[green]SLO: all {r.Slo.Count} threshold(s) passed[/]"
            : $"[red]SLO: {failed} of {r.Slo.Count} threshold(s) failed (exit code 3)[/]");
    }

    /// <summary>Zones (their nodes, the cross-zone share per service) and the network faults applied, when the run had any.</summary>
    private static void WriteZones(RunReport r, IAnsiConsole console)
    {
        var z = r.Zones;
        if (z.Names.Count > 0)
            console.MarkupLine(Markup.Escape($"zones: {string.Join(", ", z.Names.Select(n => z.Nodes.TryGetValue(n, out var node) ? $"{n} on {node}" : n))}; " +
                $"cross-zone share {z.CrossZoneShare:P1}{string.Concat(z.Services.Select(kv => $", {kv.Key} {kv.Value.CrossZoneShare:P1}"))}"));
        var n = r.Network;
        if (n[ServiceCounter.NetworkPartitioned] + n[ServiceCounter.NetworkLost] + n[ServiceCounter.NetworkResets] + n[ServiceCounter.NetworkDelayed] + n[ServiceCounter.NetworkThrottled] > 0)
            console.MarkupLine($"network faults: partitioned {n[ServiceCounter.NetworkPartitioned]}, lost {n[ServiceCounter.NetworkLost]}, reset {n[ServiceCounter.NetworkResets]}, " +
                $"delayed {n[ServiceCounter.NetworkDelayed]}, throttled {n[ServiceCounter.NetworkThrottled]} message(s)");
    }

    /// <summary>What the emulator cost, and a warning when its own lag distorts the latencies.</summary>
    private static void WriteEmulator(RunReport r, IAnsiConsole console)
    {
        var e = r.Emulator;
        var messages = e.MeshMessages > 0 ? $", {e.MeshMessages:N0} mesh messages ({e.MeshMessagesPerWallSecond:N0} per wall second)" : "";
        if (e.Clock == "virtual")
            console.MarkupLine(Markup.Escape($"emulator: virtual clock, {e.SimulatedSeconds:0.##} s of mesh time in {e.WallSeconds:0.##} s of wall time ({e.SimulatedSecondsPerWallSecond:0.#}x real time){messages}; " +
                $"CPU {e.CpuSeconds:0.##} s on {e.Cores} cores."));
        else
        {
            var l = e.TimerLatenessMs;
            console.MarkupLine(Markup.Escape($"emulator: real clock, timer lateness p50 {l.P50:0.###} / p99 {l.P99:0.###} / max {l.Max:0.###} ms ({l.Samples:N0} samples){messages}; " +
                $"CPU {e.CpuSeconds:0.##} s over {e.WallSeconds:0.##} s of wall time on {e.Cores} cores."));
        }
        // On its own line: a narrow console wraps the long line above, and the sentence stays whole.
        console.MarkupLine(Markup.Escape(e.Clock == "virtual"
            ? $"Seed {r.Seed} repeats this report."
            : $"Seed {r.Seed} repeats the sampled values; thread timing may still vary the outcomes."));
        if (e.Saturated && e.Warning is { } warning) console.MarkupLine($"[yellow]warning: {Markup.Escape(warning)}[/]");
    }
}
