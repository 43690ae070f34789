namespace ActorMesh.Scenarios.Lessons;

/// <summary>
/// The <c>request-flow</c> lesson: the same user request through a monolith (in-process module calls,
/// one local transaction) and through microservices (network calls through sidecars, a commit per
/// service), side by side in one run, with the same fault in both.
/// </summary>
/// <remarks>
/// Figures, from the request kinds named <see cref="Monolith"/> and <see cref="Microservices"/>:
/// <c>monolithP50Ms</c>, <c>microservicesP50Ms</c>, <c>latencyRatio</c> (microservices over monolith),
/// <c>partialFailures</c> (the microservices' requests that failed after a service had committed its
/// part), and beside them each kind's failures and the monolith's partial failures, which show that
/// both fail as often but only one leaves work half done. Per call, from telemetry:
/// <c>inProcessCallNs</c> (the mean cost of one in-process module call: the services' module-call time
/// over their module calls), <c>networkCallMs</c> (the mean duration of one call from a service to
/// another, through both sidecars and the network, as the caller's sidecar timed it and its app waited
/// for it) and <c>perCallRatio</c> (the two in the same unit). A figure the (possibly changed) topology
/// gives no measurement for is left out.
/// </remarks>
internal sealed class RequestFlowLesson : IScenarioLesson
{
    /// <summary>Name of the request kind that goes through the monolith.</summary>
    public const string Monolith = "monolith";

    /// <summary>Name of the request kind that goes through the microservices.</summary>
    public const string Microservices = "microservices";

    public Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation) =>
        SingleRun.WithFigures(topology, options, cancellation, static (_, report) => Figures(report));

    /// <summary>The lesson's figures, computed from <paramref name="report"/>.</summary>
    public static JsonObject Figures(RunReport report)
    {
        var figures = new JsonObject();
        var monolith = report.RequestKinds.GetValueOrDefault(Monolith);
        var services = report.RequestKinds.GetValueOrDefault(Microservices);
        double? m = monolith is { LatencyMs.Count: > 0 } ? monolith.LatencyMs.P50 : null;
        double? s = services is { LatencyMs.Count: > 0 } ? services.LatencyMs.P50 : null;
        if (m is { } mp) figures["monolithP50Ms"] = mp;
        if (s is { } sp) figures["microservicesP50Ms"] = sp;
        if (m is { } a && s is { } b && a > 0) figures["latencyRatio"] = Math.Round(b / a, 2);
        if (services is not null)
        {
            figures["partialFailures"] = services.PartialFailures;
            figures["microservicesFailed"] = services.Requests.Failed + services.Requests.TimedOut;
        }
        if (monolith is not null)
        {
            figures["monolithFailed"] = monolith.Requests.Failed + monolith.Requests.TimedOut;
            figures["monolithPartialFailures"] = monolith.PartialFailures;
        }
        var inProcessNs = InProcessCallNs(report);
        var networkMs = NetworkCallMs(report);
        if (inProcessNs is { } ns) figures["inProcessCallNs"] = Math.Round(ns, 1);
        if (networkMs is { } ms) figures["networkCallMs"] = Math.Round(ms, 4);
        if (inProcessNs is { } n && networkMs is { } w && n > 0) figures["perCallRatio"] = Math.Round(w * 1_000_000 / n);
        if (m is { } x && s is { } y && x > 0 && monolith is not null && services is not null)
            figures["takeaway"] = $"the same request: p50 {x:0.###} ms in-process, {y:0.###} ms across the network ({y / x:0.#} times); "
                + $"failed {monolith.Requests.Failed + monolith.Requests.TimedOut} vs {services.Requests.Failed + services.Requests.TimedOut} times, "
                + $"leaving work half committed {monolith.PartialFailures} vs {services.PartialFailures} times"
                + (inProcessNs is { } a1 && networkMs is { } b1 && a1 > 0 ? $"; one call: {a1:0} ns in-process, {b1:0.###} ms across the network ({b1 * 1_000_000 / a1:N0} times)" : "");
        return figures;
    }

    /// <summary>Mean cost of one in-process module call, in ns, over every service's module calls; null when there were none.</summary>
    private static double? InProcessCallNs(RunReport report)
    {
        long calls = 0, nanoseconds = 0;
        foreach (var (service, edges) in report.CallGraph.Modules)
        {
            foreach (var edge in edges) calls += edge.Calls;
            if (report.Services.TryGetValue(service, out var s)) nanoseconds += s[ServiceCounter.ModuleCallNanoseconds];
        }
        return calls == 0 ? null : (double)nanoseconds / calls;
    }

    /// <summary>
    /// Mean duration of one call from a service to another (a gateway's calls excluded: they leave from no
    /// sidecar), in ms, weighted by each edge's calls; null when no service called another.
    /// </summary>
    private static double? NetworkCallMs(RunReport report)
    {
        double weighted = 0;
        long calls = 0;
        foreach (var edge in report.CallGraph.Edges)
        {
            if (!report.Services.ContainsKey(edge.From) || edge.MeanMs is not { } mean) continue;
            weighted += mean * edge.Calls;
            calls += edge.Calls;
        }
        return calls == 0 ? null : weighted / calls;
    }
}
