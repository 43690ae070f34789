namespace ActorMesh.Host.Output.Html;

/// <summary>A node of the service graph: a gateway or a service, at a call depth (column) and a row within it.</summary>
internal sealed record GraphNode(string Name, string Kind, int Depth, int Row, int Instances, double ErrorPercent);

/// <summary>
/// An edge of the service graph, with the edge's own figures from the report's <c>callGraph.edges</c>
/// (the caller's view, Istio's <c>reporter="source"</c>): requests and their rate over the whole run,
/// ok and errors, error %, p50 and p99 (retries included), the caller's retries on it, mTLS, and how
/// often the caller's circuit to the callee opened.
/// </summary>
internal sealed record GraphEdge(string From, string To, long Requests, double Rps, long Ok, long Errors, double ErrorPercent, double P50Ms, double P99Ms,
    long Retries, bool Mtls, long CircuitOpened)
{
    /// <summary>The circuit to the callee opened at least once: the edge is highlighted.</summary>
    public bool CircuitOpenedOnce => CircuitOpened > 0;
}

/// <summary>The service graph in the spirit of Kiali: gateways and services, left to right by call depth.</summary>
internal sealed record ServiceGraph(IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges)
{
    /// <summary>The graph the traffic of <paramref name="r"/> revealed (<c>callGraph.edges</c>), each edge with its own figures.</summary>
    public static ServiceGraph From(RunReport r)
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
        var graphEdges = edges.Select(e => new GraphEdge(e.From, e.To, e.Requests ?? e.Calls, e.Rps ?? 0, e.Ok ?? 0, e.Errors ?? 0, Math.Round(100 * (e.ErrorRate ?? 0), 2),
            e.P50Ms ?? 0, e.P99Ms ?? 0, e.Retries ?? 0, e.Mtls ?? false, e.CircuitOpened ?? 0)).ToList();
        return new ServiceGraph(nodes, graphEdges);
    }

    private static double ErrorPercent(ServiceReport s) =>
        s[ServiceCounter.Requests] == 0 ? 0 : Math.Round(100.0 * s[ServiceCounter.Errors] / s[ServiceCounter.Requests], 2);

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
