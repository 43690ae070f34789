namespace ActorMesh.Scenarios.Lessons;

/// <summary>
/// The <c>bounded-contexts</c> lesson: variants of one system, each behind its own gateway, run one
/// after another under the same load; what each run's traffic reveals about its service boundaries is
/// reported side by side.
/// </summary>
/// <remarks>
/// A variant is a gateway the load mix sends to (in the mix's order); its run sends only the request
/// kinds for that gateway, so its call graph is its own. Figures, each an object keyed by variant, all
/// from the observed <c>callGraph</c>: <c>chattyPairs</c> (pairs of services reached by the same
/// requests in at least <see cref="ChattyShare"/> of the requests that reach either, each as [a, b]),
/// <c>callsPerRequestByEdge</c> (caller → callee → calls per client request; gateways call too) and
/// <c>ownershipViolations</c> (services touching a store they do not own), and <c>mostCalledTogether</c>
/// (the pair with the highest share, to show how far below the line a good split stays). The report returned is the
/// last variant's, with the figures. A mix that sends to one gateway only is one plain run.
/// </remarks>
/// <param name="runVariant">Runs one variant (default: <see cref="MeshRunner.RunAsync"/>, real time in its own ActorSystem).</param>
internal sealed class BoundedContextsLesson(Func<MeshTopology, RunOptions, CancellationToken, Task<RunReport>>? runVariant = null) : IScenarioLesson
{
    /// <summary>Share of requests from which two services called together count as a chatty pair: 0.9.</summary>
    public const double ChattyShare = 0.9;

    private readonly Func<MeshTopology, RunOptions, CancellationToken, Task<RunReport>> _runVariant =
        runVariant ?? ((topology, options, cancellation) => MeshRunner.RunAsync(topology, options, cancellation));

    /// <inheritdoc />
    public async Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation)
    {
        var reports = new List<(string Variant, RunReport Report)>();
        var variants = Variants(topology);
        foreach (var (variant, run) in variants)
        {
            if (variants.Count > 1) options.PhaseStarted?.Invoke(new LessonPhase(reports.Count + 1, variants.Count, $"through gateway {variant}"));
            reports.Add((variant, await _runVariant(run, options, cancellation)));
            if (cancellation.IsCancellationRequested) break;
        }
        return reports[^1].Report with { Figures = Figures(reports) };
    }

    /// <summary>
    /// One topology per gateway the load mix sends to, named by it, sending only that gateway's
    /// request kinds; the topology itself when the mix sends to one gateway only.
    /// </summary>
    public static IReadOnlyList<(string Variant, MeshTopology Topology)> Variants(MeshTopology topology)
    {
        var entry = topology.Load.Gateway ?? topology.EntryGateway.Name;
        var gateways = topology.Load.Requests.Select(r => r.Gateway ?? entry).Distinct(StringComparer.Ordinal).ToList();
        if (gateways.Count <= 1) return [(gateways.FirstOrDefault() ?? entry, topology)];
        return [.. gateways.Select(g => (g, topology with
        {
            Load = topology.Load with { Gateway = g, Requests = [.. topology.Load.Requests.Where(r => (r.Gateway ?? entry) == g)] },
        }))];
    }

    /// <summary>The lesson's figures from each variant's report.</summary>
    public static JsonObject Figures(IReadOnlyList<(string Variant, RunReport Report)> reports)
    {
        JsonObject chatty = new(), edges = new(), violations = new(), closest = new();
        foreach (var (variant, report) in reports)
        {
            var graph = report.CallGraph;
            if (graph.Together.Count > 0)
                closest[variant] = new JsonObject { ["pair"] = new JsonArray(graph.Together[0].A, graph.Together[0].B), ["share"] = graph.Together[0].Share };
            chatty[variant] = new JsonArray([.. ChattyPairs(graph).Select(p => (JsonNode)new JsonArray(p.A, p.B))]);
            var byCaller = new JsonObject();
            foreach (var e in graph.Edges)
            {
                if (byCaller[e.From] is not JsonObject callees) byCaller[e.From] = callees = new JsonObject();
                callees[e.To] = e.PerRequest;
            }
            edges[variant] = byCaller;
            violations[variant] = new JsonArray([.. graph.OwnershipViolations.Select(v => (JsonNode)new JsonObject
            {
                ["service"] = v.Service, ["store"] = v.Store, ["owner"] = v.Owner, ["reads"] = v.Reads, ["writes"] = v.Writes,
            })]);
        }
        var figures = new JsonObject
        {
            ["chattyPairs"] = chatty,
            ["callsPerRequestByEdge"] = edges,
            ["ownershipViolations"] = violations,
            ["mostCalledTogether"] = closest,
        };
        figures["takeaway"] = string.Join("; ", reports.Select(r =>
        {
            var pairs = ChattyPairs(r.Report.CallGraph).Select(p => $"{p.A} and {p.B} called together in {p.Share * 100:0.#} % of the requests reaching either").ToList();
            var shared = r.Report.CallGraph.OwnershipViolations.Select(v => $"{v.Service} {Access(v)} {v.Store}, owned by {v.Owner}").ToList();
            return $"{r.Variant}: " + (pairs.Count == 0 ? "no chatty pair" : string.Join(", ", pairs))
                + ", " + (shared.Count == 0 ? "every store used only by its owner" : string.Join(", ", shared));
        }));
        return figures;
    }

    private static string Access(OwnershipViolation v) => (v.Reads, v.Writes) switch
    {
        ( > 0, > 0) => "reads and writes",
        (_, > 0) => "writes",
        _ => "reads",
    };

    /// <summary>Pairs reached by the same requests in at least <see cref="ChattyShare"/> of the requests reaching either.</summary>
    public static IEnumerable<PairReport> ChattyPairs(CallGraphReport graph) => graph.Together.Where(p => p.Share >= ChattyShare);
}
