namespace ActorMesh.Telemetry;

/// <summary>
/// The telemetry of a whole run, merged by name over every node's runtime (one on a single node):
/// services, gateways and trace spans. Read once the run has settled.
/// </summary>
internal sealed class TelemetryView
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
    /// <summary>Traffic per edge for Istio's metrics, from every node (merged like <see cref="Services"/>).</summary>
    public EdgeTotals Edges { get; } = new();

    /// <summary>Merges the telemetry of <paramref name="runtimes"/> (the nodes of a run in this process).</summary>
    public static TelemetryView Of(params IReadOnlyList<MeshRuntime> runtimes) => Of(runtimes, []);

    /// <summary>Merges the telemetry of <paramref name="runtimes"/> (in this process) and of <paramref name="remote"/> nodes.</summary>
    public static TelemetryView Of(IReadOnlyList<MeshRuntime> runtimes, IReadOnlyList<NodeTelemetry> remote)
    {
        var local = runtimes.Select(NodeTelemetry.Of).ToList();
        var names = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int IndexOf(string name)
        {
            if (index.TryGetValue(name, out var i)) return i;
            index[name] = names.Count;
            names.Add(name);
            return names.Count - 1;
        }
        foreach (var node in local.Concat(remote))
            foreach (var s in node.Services) IndexOf(s.Name);
        var merged = new List<ServiceTelemetry>();
        var spans = new List<Span>();
        long dropped = 0;
        foreach (var node in local.Concat(remote))
        {
            foreach (var s in node.Services)
            {
                var at = IndexOf(s.Name);
                while (merged.Count <= at) merged.Add(new ServiceTelemetry());
                merged[at].Add(s.ToTelemetry(IndexOf));
            }
            spans.AddRange(node.Spans);
            dropped += node.SpansDropped;
        }
        while (merged.Count < names.Count) merged.Add(new ServiceTelemetry());
        var gateways = new GatewayTelemetry();
        foreach (var runtime in runtimes)
            foreach (var (name, stats) in runtime.Gateways.All()) gateways.For(name).Add(stats);
        var view = new TelemetryView(names, [.. merged], gateways, spans, dropped);
        view.Edges.Add(names, view.Services);
        return view;
    }
}
