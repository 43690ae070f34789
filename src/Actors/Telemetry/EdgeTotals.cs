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
        var edges = new List<EdgeTraffic>();
        runtime.Telemetry.ReadEdges(edges);
        for (var i = 0; i < Math.Min(edges.Count, names.Length); i++) Add(names, names[i], edges[i]);
    }

    /// <summary>Adds <paramref name="edges"/>, the traffic to <paramref name="destination"/>; <paramref name="names"/> names the sources' indices.</summary>
    public void Add(IReadOnlyList<string> names, string destination, EdgeTraffic edges)
    {
        foreach (var (reporter, source, status, flags, mtls, cell) in edges.Cells())
        {
            if (source >= names.Count) continue;
            var key = new EdgeKey(reporter, names[source], destination, status, flags, mtls);
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
