namespace ActorMesh.Scenarios.Lessons;

/// <summary>
/// The <c>node-failure</c> lesson: a cluster node crashes mid-run. One run on the topology's nodes
/// with its <c>crashNode</c> event; the figures come from the report: the nodes lost, the calls
/// retried elsewhere, the ok rate before the crash and after recovery, and how long recovery took.
/// </summary>
internal sealed class NodeFailureLesson : IScenarioLesson
{
    /// <inheritdoc />
    public Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation) =>
        SingleRun.WithFigures(topology, options, cancellation, Figures);

    /// <summary>The lesson's figures, from a run of <paramref name="topology"/>.</summary>
    public static JsonObject Figures(MeshTopology topology, RunReport report)
    {
        var crash = report.Events.FirstOrDefault(e => e.Event.StartsWith("crash node", StringComparison.Ordinal) && e.Outcome == "applied");
        var figures = new JsonObject
        {
            ["nodeFailures"] = report.Cluster.NodeFailures,
            // No other faults in the scenario: every retry is a call that the crash sent elsewhere.
            ["reRoutedRequests"] = report.Mesh[ServiceCounter.Retries],
            ["podsReplaced"] = report.Cluster.PodsReplaced,
        };
        if (crash is null) return figures;
        var (before, after, recovery) = Recovery(report.Timeline, crash.AtSeconds - topology.Load.Warmup.TotalSeconds);
        figures["okRateBeforeCrash"] = before;
        figures["okRateAfterRecovery"] = after;
        figures["recoverySeconds"] = recovery;
        return figures;
    }

    /// <summary>
    /// From the per-second timeline (seconds of the measured window; the crash at <paramref name="crashAt"/>
    /// in the same time): the ok rate of the whole seconds before the crash, the first second from which
    /// every second is back at that level (within half a percentage point), the ok rate from then on,
    /// and the time from the crash to that second's start (0 when no second after it dropped).
    /// </summary>
    public static (double? Before, double? After, double? RecoverySeconds) Recovery(IReadOnlyList<TimelineSecond> timeline, double crashAt)
    {
        var seconds = timeline.Where(s => s.Sent > 0).ToList();
        var prior = seconds.Where(s => s.Second + 1 <= crashAt).ToList();
        if (prior.Count == 0) return (null, null, null);
        var before = prior.OkRate()!.Value;
        var later = seconds.Where(s => s.Second + 1 > crashAt).ToList();
        for (var i = 0; i < later.Count; i++)
        {
            if (later.Skip(i).Any(s => new[] { s }.OkRate() < before - 0.005)) continue;
            var from = later[i].Second;
            return (Math.Round(before, 5), later.Skip(i).OkRate5(), Math.Round(Math.Max(0, from - crashAt), 3));
        }
        return (Math.Round(before, 5), null, null);
    }
}
