using ActorMesh.ControlPlane;

namespace ActorMesh.Scenarios.Lessons;

/// <summary>
/// The <c>deploy</c> lesson: monolith vs microservices deploys. One run of a topology that packages the
/// same components two ways side by side — a service with modules (the monolith: one artifact carrying
/// every module) and services without (microservices: one component each) — with the timeline's
/// <c>deploy</c> events as rounds of changes. Every figure comes from the run's
/// <c>controlPlane.deployments</c>, <c>events</c> and per-second <c>timeline</c>:
/// <list type="bullet">
/// <item><description><c>monolithShipped</c>, <c>microservicesShipped</c>: over the deployments that shipped, the
/// components their artifact carries (a service's modules, or the service itself when it has none);</description></item>
/// <item><description><c>monolithBlastRadius</c>, <c>microservicesBlastRadius</c>: components rolled back per
/// deployment that was rolled back (null when none was);</description></item>
/// <item><description><c>okRateDuringDeploy</c>: ok / sent over the measured seconds during which any deployment was
/// in progress.</description></item>
/// </list>
/// </summary>
internal sealed class DeployLesson : IScenarioLesson
{
    private const string Shipped = "shipped";
    private const string RolledBack = "rolled back";

    /// <inheritdoc />
    public Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation) =>
        SingleRun.WithFigures(topology, options, cancellation, Figures);

    /// <summary>The lesson's figures, from a run of <paramref name="topology"/>.</summary>
    public static JsonObject Figures(MeshTopology topology, RunReport report)
    {
        var deployments = report.ControlPlane.Deployments;
        bool IsMonolith(DeployRecord d) => topology.Service(d.Service) is { Modules.IsEmpty: false };
        var monolith = deployments.Where(IsMonolith).ToList();
        var microservices = deployments.Where(d => !IsMonolith(d)).ToList();
        var covered = DeploySeconds(topology, report);
        var figures = new JsonObject
        {
            ["monolithShipped"] = ShippedComponents(topology, monolith),
            ["microservicesShipped"] = ShippedComponents(topology, microservices),
            ["monolithBlastRadius"] = BlastRadius(topology, monolith),
            ["microservicesBlastRadius"] = BlastRadius(topology, microservices),
            ["okRateDuringDeploy"] = covered is null ? null : OkRate(report, covered),
            ["deploySeconds"] = covered?.Count,
            ["monolithDeployments"] = monolith.Count,
            ["microservicesDeployments"] = microservices.Count,
            ["rolledBack"] = new JsonArray([.. deployments.Where(d => d.Outcome == RolledBack).OrderBy(d => d.StartedAtMs)
                .Select(d => JsonValue.Create($"{d.Service} {d.To}: {string.Join(", ", Components(topology, d.Service))}"))]),
        };
        return figures;
    }

    /// <summary>The components an artifact of <paramref name="service"/> carries: its modules, or the service itself when it has none.</summary>
    public static IReadOnlyList<string> Components(MeshTopology topology, string service) =>
        topology.Service(service) is { Modules.IsEmpty: false } s ? [.. s.Modules.Select(m => m.Name)] : [service];

    private static int ShippedComponents(MeshTopology topology, List<DeployRecord> deployments) =>
        deployments.Where(d => d.Outcome == Shipped).Sum(d => Components(topology, d.Service).Count);

    private static double? BlastRadius(MeshTopology topology, List<DeployRecord> deployments)
    {
        var failed = deployments.Where(d => d.Outcome == RolledBack).ToList();
        return failed.Count == 0 ? null : Math.Round(failed.Average(d => Components(topology, d.Service).Count), 2);
    }

    private static double? OkRate(RunReport report, HashSet<int> seconds) => report.Timeline.Where(t => seconds.Contains(t.Second)).OkRate5();

    /// <summary>
    /// The seconds of the report's <c>timeline</c> during which a deployment was in progress, or null when
    /// the deployments cannot be placed on it. Deployments carry mesh-clock times; the timeline counts
    /// seconds from the end of the warm-up. The host applies a deploy event at its <c>events[].atSeconds</c>
    /// after the load started, and the control plane starts the rollout a few message hops later, so for
    /// each deploy event and the rollout it started, <c>startedAtMs − atSeconds × 1000</c> is the mesh-clock
    /// time of the load's start plus that small lag: the smallest over all pairs is the load's start.
    /// The k-th deploy of a service to a version pairs with the k-th rollout of that service to that version.
    /// </summary>
    public static HashSet<int>? DeploySeconds(MeshTopology topology, RunReport report)
    {
        var loadStartMs = LoadStartMs(topology, report);
        if (loadStartMs is not { } start) return null;
        var warmupMs = report.Load.WarmupSeconds * 1000;
        var seconds = new HashSet<int>();
        foreach (var d in report.ControlPlane.Deployments)
        {
            var from = (d.StartedAtMs - start - warmupMs) / 1000;
            var to = from + d.DurationMs / 1000;
            foreach (var t in report.Timeline)
                if (t.Second < to && t.Second + 1 > from) seconds.Add(t.Second);
        }
        return seconds;
    }

    /// <summary>The mesh-clock time (ms) at which the load started, from the deploy events and the rollouts they started.</summary>
    public static double? LoadStartMs(MeshTopology topology, RunReport report)
    {
        // What the host logs for each deploy event, to find them among the applied events.
        var deploys = topology.Timeline.Select(e => e.Event).OfType<DeployEvent>()
            .GroupBy(e => e.Describe(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var applied = report.Events
            .Where(e => deploys.ContainsKey(e.Event))
            .OrderBy(e => e.AtSeconds)
            .GroupBy(e => (deploys[e.Event].Service, deploys[e.Event].Version))
            .ToDictionary(g => g.Key, g => g.ToList());
        var started = report.ControlPlane.Deployments.OrderBy(d => d.StartedAtMs).GroupBy(d => (d.Service, d.To));
        double? best = null;
        foreach (var rollouts in started)
        {
            if (!applied.TryGetValue(rollouts.Key, out var events)) continue;
            foreach (var (rollout, e) in rollouts.Zip(events))
            {
                var candidate = rollout.StartedAtMs - e.AtSeconds * 1000;
                if (best is null || candidate < best) best = candidate;
            }
        }
        return best;
    }
}
