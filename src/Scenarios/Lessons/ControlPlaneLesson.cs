namespace ActorMesh.Scenarios.Lessons;

/// <summary>
/// The <c>control-plane</c> lesson: control plane vs data plane. One run with the topology's
/// timeline (a push, a stop, a change and a sidecar crash during the outage, a start); its figures
/// compare the ok rate before and during the outage, check that the change made during the outage
/// took effect, and count the connections a sidecar that restarted during the outage refused: like
/// Envoy, it keeps no config across a restart, and no control plane was there to give it one.
/// </summary>
internal sealed class ControlPlaneLesson : IScenarioLesson
{
    /// <inheritdoc />
    public Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation) =>
        SingleRun.WithFigures(topology, options, cancellation, Figures);

    /// <summary>The lesson's figures, from a run of <paramref name="topology"/>.</summary>
    public static JsonObject Figures(MeshTopology topology, RunReport report)
    {
        var warmup = topology.Load.Warmup;
        var stop = topology.Timeline.FirstOrDefault(e => e.Event is StopControlPlaneEvent)?.At;
        var start = topology.Timeline.FirstOrDefault(e => e.Event is StartControlPlaneEvent && (stop is null || e.At > stop))?.At;
        var end = warmup + topology.Load.Duration;
        var figures = new JsonObject
        {
            ["convergenceMs"] = report.ControlPlane.ConvergenceMs,
            ["okRateBeforeOutage"] = stop is { } s ? OkRate(report, warmup, warmup, s) : OkRate(report, warmup, warmup, end),
            ["okRateDuringOutage"] = stop is { } s2 ? OkRate(report, warmup, s2, start ?? end) : null,
            ["appliedAfterRestart"] = AppliedAfterRestart(topology, report, stop, start),
            ["downSeconds"] = report.ControlPlane.DownSeconds,
            ["pushes"] = report.ControlPlane.Pushes,
            ["acks"] = report.ControlPlane.Acks,
            ["nacks"] = report.ControlPlane.Nacks,
            ["reconciliations"] = report.ControlPlane.Reconciliations,
            ["refusedWithoutConfig"] = report.Mesh[ServiceCounter.NoConfig],
        };
        return figures;
    }

    /// <summary>Share of ok requests among those intended in [from, to) after the load started (null when none).</summary>
    private static double? OkRate(RunReport report, TimeSpan warmup, TimeSpan from, TimeSpan to) =>
        report.Timeline.Where(second =>
        {
            var at = warmup + TimeSpan.FromSeconds(second.Second);
            return at >= from && at + TimeSpan.FromSeconds(1) <= to;
        }).OkRate5();

    /// <summary>
    /// True when every desired-state change asked for while the control plane was down shows in the
    /// final state: scaled services run the asked replicas and the new pods took traffic.
    /// </summary>
    private static bool? AppliedAfterRestart(MeshTopology topology, RunReport report, TimeSpan? stop, TimeSpan? start)
    {
        if (stop is null || start is null) return null;
        var duringOutage = topology.Timeline.Where(e => e.At > stop && e.At < start).Select(e => e.Event).ToList();
        var scales = duringOutage.OfType<ScaleEvent>().ToList();
        if (duringOutage.Count == 0 || scales.Count == 0) return null;
        foreach (var scale in scales)
        {
            if (!report.Services.TryGetValue(scale.Service, out var service) || service.Instances != scale.Replicas) return false;
            var original = topology.Service(scale.Service)?.Replicas ?? 0;
            for (var i = original; i < scale.Replicas; i++)
                if (!service.PerInstance.TryGetValue($"{scale.Service}-{i}", out var pod) || pod.Requests == 0) return false;
        }
        return report.Events.Any(e => e.Event == new StartControlPlaneEvent().Describe() && e.Outcome == "applied");
    }
}
