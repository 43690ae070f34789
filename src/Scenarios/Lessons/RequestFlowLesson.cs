using System.Text.Json.Nodes;
using ActorMesh.Hosting;
using ActorMesh.Scenarios.Catalog;
using ActorMesh.Telemetry;
using ActorMesh.Topology;

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
/// both fail as often but only one leaves work half done. A figure the (possibly changed) topology
/// gives no measurement for is left out.
/// </remarks>
internal sealed class RequestFlowLesson : IScenarioLesson
{
    /// <summary>Name of the request kind that goes through the monolith.</summary>
    public const string Monolith = "monolith";

    /// <summary>Name of the request kind that goes through the microservices.</summary>
    public const string Microservices = "microservices";

    public async Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation)
    {
        var report = await MeshRunner.RunAsync(topology, options, cancellation);
        return report with { Figures = Figures(report) };
    }

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
        if (m is { } x && s is { } y && x > 0 && monolith is not null && services is not null)
            figures["takeaway"] = $"the same request: p50 {x:0.###} ms in-process, {y:0.###} ms across the network ({y / x:0.#} times); "
                + $"failed {monolith.Requests.Failed + monolith.Requests.TimedOut} vs {services.Requests.Failed + services.Requests.TimedOut} times, "
                + $"leaving work half committed {monolith.PartialFailures} vs {services.PartialFailures} times";
        return figures;
    }
}
