using ActorMesh.DataPlane;

namespace ActorMesh.Telemetry;

/// <summary>One label combination of Istio's metrics: who reported, the edge, and the outcome.</summary>
/// <param name="Reporter">The source's proxy or the destination's sidecar.</param>
/// <param name="Source">The calling workload (a service or a gateway).</param>
/// <param name="Destination">The service called.</param>
/// <param name="Status">The response code.</param>
/// <param name="Flags">The response flags (as Istio's label shows them).</param>
/// <param name="Mtls">True when the request came over mTLS.</param>
internal readonly record struct EdgeKey(EdgeReporter Reporter, string Source, string Destination, int Status, ResponseFlags Flags, bool Mtls);

/// <summary>Edge traffic by name, merged over shards, runtimes and runs: what Istio's metrics show.</summary>
internal sealed class EdgeTotals
{
    /// <summary>The counts per label combination.</summary>
    public Dictionary<EdgeKey, EdgeCell> Cells { get; } = [];

    /// <summary>Adds what <paramref name="runtime"/> has recorded so far (a live read, off the hot path).</summary>
    public void Add(MeshRuntime runtime)
    {
        var names = runtime.Services.Snapshot();
        runtime.Telemetry.ReadEdges((to, from, e) =>
        {
            if (to < names.Length && from < names.Length) Add(names[from], names[to], e);
        });
    }

    /// <summary>Adds the traffic of every edge of <paramref name="services"/> (merged telemetry, by the index of <paramref name="names"/>).</summary>
    public void Add(IReadOnlyList<string> names, IReadOnlyList<ServiceTelemetry> services)
    {
        for (var to = 0; to < Math.Min(names.Count, services.Count); to++)
            if (services[to].EdgesFrom is { } edges)
                for (var from = 0; from < Math.Min(names.Count, edges.Length); from++)
                    if (edges[from] is { } e) Add(names[from], names[to], e);
    }

    /// <summary>Adds <paramref name="e"/>, the traffic <paramref name="source"/> → <paramref name="destination"/>.</summary>
    public void Add(string source, string destination, EdgeTraffic e)
    {
        Add(EdgeReporter.Source, source, destination, e.Source);
        Add(EdgeReporter.Destination, source, destination, e.Destination);
    }

    private void Add(EdgeReporter reporter, string source, string destination, EdgeCells cells)
    {
        foreach (var (status, flags, mtls, cell) in cells.All())
        {
            var key = new EdgeKey(reporter, source, destination, status, flags, mtls);
            if (!Cells.TryGetValue(key, out var total)) Cells[key] = total = new EdgeCell();
            total.Add(cell);
        }
    }

    /// <summary>Adds <paramref name="other"/>.</summary>
    public void Add(EdgeTotals other)
    {
        foreach (var (key, cell) in other.Cells)
        {
            if (!Cells.TryGetValue(key, out var total)) Cells[key] = total = new EdgeCell();
            total.Add(cell);
        }
    }
}
