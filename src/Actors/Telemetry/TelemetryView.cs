namespace ActorMesh.Telemetry;

/// <summary>
/// The telemetry of a whole run, merged by name over every node's runtime (one on a single node):
/// services, gateways and trace spans. Read once the run has settled.
/// </summary>
public sealed class TelemetryView
{
    private TelemetryView(IReadOnlyList<string> names, ServiceTelemetry[] services, GatewayTelemetry gateways, List<Span> spans, long spansDropped)
    {
        Names = names;
        Services = services;
        Gateways = gateways;
        Spans = spans;
        SpansDropped = spansDropped;
    }

    /// <summary>Service and gateway names, by index.</summary>
    public IReadOnlyList<string> Names { get; }
    /// <summary>Merged service telemetry, by the index of <see cref="Names"/>; <c>CallsFrom</c> is indexed the same way.</summary>
    public ServiceTelemetry[] Services { get; }
    /// <summary>Every gateway's counters.</summary>
    public GatewayTelemetry Gateways { get; }
    /// <summary>Every sampled span.</summary>
    public List<Span> Spans { get; }
    /// <summary>Spans not kept past a thread's bound.</summary>
    public long SpansDropped { get; }

    /// <summary>Merges the telemetry of <paramref name="runtimes"/> (the nodes of a run).</summary>
    public static TelemetryView Of(params IReadOnlyList<MeshRuntime> runtimes)
    {
        var names = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var runtime in runtimes)
            foreach (var name in runtime.Services.Names)
                if (index.TryAdd(name, names.Count)) names.Add(name);
        var services = new ServiceTelemetry[names.Count];
        for (var i = 0; i < services.Length; i++) services[i] = new ServiceTelemetry();
        var gateways = new GatewayTelemetry();
        var spans = new List<Span>();
        long dropped = 0;
        foreach (var runtime in runtimes)
        {
            var local = runtime.Services.Names;
            var merged = runtime.Telemetry.Merge(local.Count);
            for (var i = 0; i < local.Count; i++)
            {
                var t = merged[i];
                // Calls-from counts are indexed by the node's own service indices: re-index them by name.
                var from = t.CallsFrom;
                t.CallsFrom = null;
                var target = services[index[local[i]]];
                target.Add(t);
                if (from is null) continue;
                for (var s = 0; s < Math.Min(from.Length, local.Count); s++)
                    if (from[s] > 0) target.RecordCallsFrom(index[local[s]], from[s]);
            }
            foreach (var (name, stats) in runtime.Gateways.All()) gateways.For(name).Add(stats);
            var (nodeSpans, nodeDropped) = runtime.Traces.Collect();
            spans.AddRange(nodeSpans);
            dropped += nodeDropped;
        }
        return new TelemetryView(names, services, gateways, spans, dropped);
    }
}
