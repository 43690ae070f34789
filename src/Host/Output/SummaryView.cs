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
            services.AddRow(Markup.Escape(name), $"{s.Instances}", $"{s.Requests}", $"{s.Ok}", $"{s.Errors}", $"{s.LatencyMs.P50:0.###}", $"{s.LatencyMs.P99:0.###}",
                $"{s.Upstream.Retries}", $"{s.Upstream.Timeouts}", $"{s.Upstream.RejectedByCircuit}", $"{s.Upstream.Ejections}");
        AnsiConsole.Write(services);

        var m = r.Mesh;
        AnsiConsole.MarkupLine($"mesh: retries {m.Retries} (not allowed by budget {m.RetriesOverflowed}, attempts used up {m.RetriesExhausted}), timeouts {m.Timeouts}, per-try timeouts {m.PerTryTimeouts}, circuit opened {m.CircuitOpened}, rejected by circuit {m.RejectedByCircuit}, ejections {m.Ejections}, overflows {m.Overflows}, config v{m.ConfigVersion}");
        var security = r.Security;
        if (security.Denied > 0 || security.PlaintextAccepted > 0)
            AnsiConsole.MarkupLine($"security: denied {security.Denied} with 403 (plaintext to strict mTLS {security.DeniedPlaintext}, by policy {security.DeniedByPolicy}), accepted in plaintext {security.PlaintextAccepted}");
        if (r.Figures.Count > 0)
        {
            var figures = new Table().Border(TableBorder.Rounded).Title("figures").AddColumn("figure").AddColumn("value");
            foreach (var (key, value) in r.Figures) figures.AddRow(Markup.Escape(key), Markup.Escape(value?.ToJsonString() ?? "null"));
            AnsiConsole.Write(figures);
        }
    }
}
