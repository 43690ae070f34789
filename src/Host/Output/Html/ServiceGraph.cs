namespace ActorMesh.Host.Output.Html;

/// <summary>A node of the service graph: a gateway or a service, at a call depth (column) and a row within it.</summary>
internal sealed record GraphNode(string Name, string Kind, int Depth, int Row, int Instances, double ErrorPercent);

/// <summary>
/// An edge of the service graph. Rate is calls per second over the whole run; error %, p99 and retries
/// are the callee's (as its sidecars and its callers' sidecars saw it, over all its callers).
/// </summary>
internal sealed record GraphEdge(string From, string To, double Rps, double ErrorPercent, double P99Ms, long Retries, bool Mtls, bool CircuitOpened);

/// <summary>The service graph in the spirit of Kiali: gateways and services, left to right by call depth.</summary>
internal sealed record ServiceGraph(IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges)
{
    /// <summary>
    /// The graph the traffic of <paramref name="r"/> revealed (<c>callGraph.edges</c>). With the
    /// <paramref name="topology"/>, an edge is mTLS when both ends run in the mesh (a gateway or a sidecar
    /// at the source, a sidecar at the destination not set to disable mTLS); without it, when the mesh had sidecars.
    /// </summary>
    public static ServiceGraph From(RunReport r, MeshTopology? topology = null)
    {
        var edges = r.CallGraph.Edges;
        var names = edges.SelectMany(e => new[] { e.From, e.To }).Concat(r.Services.Keys).Distinct(StringComparer.Ordinal).ToList();
        var depth = Depths(names, edges, name => !r.Services.ContainsKey(name));
        var rows = new Dictionary<int, int>();
        var nodes = names.OrderBy(n => depth[n]).ThenBy(n => n, StringComparer.Ordinal).Select(n =>
        {
            var row = rows.GetValueOrDefault(depth[n]);
            rows[depth[n]] = row + 1;
            return r.Services.TryGetValue(n, out var s)
                ? new GraphNode(n, "service", depth[n], row, s.Instances, ErrorPercent(s))
                : new GraphNode(n, "gateway", depth[n], row, 0, 0);
        }).ToList();
        var seconds = Math.Max(r.DurationSeconds + r.Load.WarmupSeconds, 1e-9);
        var graphEdges = edges.Select(e =>
        {
            var s = r.Services.GetValueOrDefault(e.To);
            return new GraphEdge(e.From, e.To, Math.Round(e.Calls / seconds, 1), s is null ? 0 : ErrorPercent(s), s?.LatencyMs.P99 ?? 0,
                s?.Upstream[ServiceCounter.Retries] ?? 0, Mtls(e, r, topology), (s?.Upstream[ServiceCounter.CircuitOpened] ?? 0) > 0);
        }).ToList();
        return new ServiceGraph(nodes, graphEdges);
    }

    private static double ErrorPercent(ServiceReport s) =>
        s[ServiceCounter.Requests] == 0 ? 0 : Math.Round(100.0 * s[ServiceCounter.Errors] / s[ServiceCounter.Requests], 2);

    private static bool Mtls(EdgeReport e, RunReport r, MeshTopology? topology)
    {
        if (topology is null) return r.Mesh.Sidecars;
        var to = topology.Service(e.To);
        if (to is null || !topology.Mesh.HasSidecar(to) || topology.Mesh.Security.MtlsFor(e.To) == MtlsMode.Disable) return false;
        var from = topology.Service(e.From);
        return from is null || topology.Mesh.HasSidecar(from); // not a service: a gateway, an Envoy in the mesh
    }

    /// <summary>Call depth: 0 for the entry points (gateways, or nodes nobody calls), then one more per hop (shortest).</summary>
    private static Dictionary<string, int> Depths(List<string> names, IReadOnlyList<EdgeReport> edges, Func<string, bool> isGateway)
    {
        var called = edges.Select(e => e.To).ToHashSet(StringComparer.Ordinal);
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        foreach (var n in names.Where(n => isGateway(n) || !called.Contains(n)))
        {
            depth[n] = 0;
            queue.Enqueue(n);
        }
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            foreach (var e in edges)
                if (e.From == n && !depth.ContainsKey(e.To))
                {
                    depth[e.To] = depth[n] + 1;
                    queue.Enqueue(e.To);
                }
        }
        // A cycle nobody enters from outside: its nodes sit in the first column.
        foreach (var n in names) depth.TryAdd(n, 0);
        return depth;
    }
}
