namespace ActorMesh.Scenarios.Lessons;

/// <summary>
/// The <c>gateway</c> lesson: over a mobile link, a client that calls four services one after
/// another against one call to a backend-for-frontend gateway that fans out in parallel. One run
/// carries both kinds of request side by side (they meet the same mesh at the same time), plus bad
/// tokens, a rate limit that is hit and cacheable requests; the figures come from that run's
/// measurements only.
/// </summary>
/// <remarks>
/// Figures: <c>clientSequentialP50Ms</c> (p50 of the first journey of the mix),
/// <c>viaGatewayP50Ms</c> (p50 of the first single request that an aggregation route answers,
/// preferably at the journey's gateway), <c>sequentialOverGateway</c> (their ratio),
/// <c>authRejected</c>, <c>rateLimited</c>, <c>cacheHitRatio</c> (the gateway's counters over the
/// whole run) and a one-line <c>takeaway</c>. A figure the (possibly changed) topology gives no
/// measurement for is left out.
/// </remarks>
internal sealed class GatewayLesson : IScenarioLesson
{
    public Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation) =>
        SingleRun.WithFigures(topology, options, cancellation, Figures);

    /// <summary>The lesson's figures, computed from <paramref name="report"/> of a run of <paramref name="topology"/>.</summary>
    public static JsonObject Figures(MeshTopology topology, RunReport report)
    {
        var figures = new JsonObject();
        var mix = topology.Load.Requests;
        var names = RequestMix.KindNames(mix);
        var entry = topology.Load.Gateway ?? topology.Gateways[0].Name;
        var journey = -1;
        for (var i = 0; i < mix.Length && journey < 0; i++) if (mix[i].IsJourney) journey = i;
        var journeyGateway = journey >= 0 ? mix[journey].Gateway ?? entry : entry;
        var aggregated = FindAggregated(topology, mix, entry, journeyGateway);

        double? sequential = journey >= 0 ? P50(report, names[journey]) : null;
        double? viaGateway = aggregated >= 0 ? P50(report, names[aggregated]) : null;
        if (sequential is { } s) figures["clientSequentialP50Ms"] = s;
        if (viaGateway is { } v) figures["viaGatewayP50Ms"] = v;
        if (sequential is { } a && viaGateway is { } b && b > 0) figures["sequentialOverGateway"] = Math.Round(a / b, 2);
        var g = report.Gateway;
        figures["authRejected"] = g.AuthRejected;
        figures["rateLimited"] = g.RateLimited;
        if (g.CacheHits + g.CacheMisses > 0) figures["cacheHitRatio"] = Math.Round((double)g.CacheHits / (g.CacheHits + g.CacheMisses), 3);
        if (sequential is { } x && viaGateway is { } y && y > 0)
        {
            var calls = mix[journey].Sequence.Length;
            figures["takeaway"] = $"{calls} sequential calls over the client link: p50 {x:0.#} ms; one call to the gateway that fans out in parallel: p50 {y:0.#} ms ({x / y:0.0} times faster)";
        }
        return figures;
    }

    /// <summary>The first single-request kind an aggregation route answers, preferring <paramref name="preferred"/>'s gateway; -1 when none.</summary>
    private static int FindAggregated(MeshTopology topology, IReadOnlyList<RequestMix> mix, string entry, string preferred)
    {
        var fallback = -1;
        for (var i = 0; i < mix.Count; i++)
        {
            var m = mix[i];
            if (m.IsJourney) continue;
            var gatewayName = m.Gateway ?? entry;
            var gateway = topology.Gateways.FirstOrDefault(x => x.Name == gatewayName);
            if (gateway?.Match(m.Path, m.EffectiveMethod) is not { IsAggregate: true }) continue;
            if (gatewayName == preferred) return i;
            if (fallback < 0) fallback = i;
        }
        return fallback;
    }

    private static double? P50(RunReport report, string kind) =>
        report.RequestKinds.TryGetValue(kind, out var k) && k.LatencyMs.Count > 0 ? k.LatencyMs.P50 : null;
}
