using ActorMesh.ControlPlane;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Pod;

namespace ActorMesh.Scenarios.Lessons;

/// <summary>
/// The <c>sidecar</c> lesson: pods run their app beside a proxy and a log collector, and halfway
/// through the run (warm-up included) the log collector of the first pod that has one crashes. The
/// pod restarts it alone; its events wait in the pod's bounded buffer while it is down. The figures,
/// all measured: appRestarts (0 expected), sidecarRestarts, okPercent, and the log pipeline's
/// logsEmitted = logsShipped + logsDropped + logsBuffered, with the buffer's peak against its bound.
/// </summary>
internal sealed class SidecarLesson : IScenarioLesson
{
    /// <summary>The fault the lesson injects: crash <paramref name="Container"/> of instance <paramref name="Index"/> of <paramref name="Service"/>, <paramref name="At"/> after the load starts.</summary>
    /// <param name="Service">The service, e.g. "orders".</param>
    /// <param name="Index">The instance.</param>
    /// <param name="Container">The container kind, "log-collector".</param>
    /// <param name="At">Time after the load starts (warm-up included).</param>
    public sealed record Crash(string Service, int Index, string Container, TimeSpan At)
    {
        /// <summary>The pod, e.g. "orders-0".</summary>
        public string PodId => $"{Service}-{Index}";
    }

    /// <summary>The first log-collector crash in <paramref name="topology"/>'s timeline.</summary>
    public static Crash CrashOf(MeshTopology topology)
    {
        foreach (var entry in topology.Timeline)
        {
            if (entry.Event is not CrashContainerEvent { Container: ContainerKinds.LogCollector } crash) continue;
            var dash = crash.PodId.LastIndexOf('-');
            return new Crash(crash.PodId[..dash], int.Parse(crash.PodId.AsSpan(dash + 1)), crash.Container, entry.At);
        }
        throw new TopologyException([new ValidationError("timeline", "the sidecar lesson needs a timeline entry that crashes a log collector, e.g. '- at: 3s\n  crash: { pod: orders-0, container: log-collector }'")]);
    }

    /// <inheritdoc />
    public async Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation)
    {
        var effective = options.Apply(topology);
        var crash = CrashOf(effective);
        var report = await MeshRunner.RunAsync(topology, options, cancellation);
        return report with { Figures = Figures(report, crash, effective) };
    }

    /// <summary>The lesson's takeaways, measured from <paramref name="report"/>.</summary>
    public static JsonObject Figures(RunReport report, Crash crash, MeshTopology topology)
    {
        var s = report.Sidecars;
        var appRestarts = report.Services.Values.Sum(svc => svc.PerInstance.Values.Sum(p => p.AppRestarts));
        var sidecarRestarts = s.Restarts.Values.Sum();
        var collector = topology.Service(crash.Service)?.LogCollector;
        var okPercent = report.Requests.Sent == 0 ? 0 : Math.Round(100.0 * report.Requests.Ok / report.Requests.Sent, 2);
        var addsUp = s.LogsEmitted == s.LogsShipped + s.LogsDropped + s.LogsBuffered;
        var lost = s.LogsDropped == 0
            ? "none dropped"
            : $"{s.LogsDropped} dropped beyond the bound of the buffer and counted";
        return new JsonObject
        {
            ["crashed"] = $"{crash.Container} of {crash.PodId} at {crash.At.TotalSeconds:0.###}s",
            ["collectorDownSeconds"] = collector?.RestartDelay.TotalSeconds,
            ["appRestarts"] = appRestarts,
            ["sidecarRestarts"] = sidecarRestarts,
            ["okPercent"] = okPercent,
            ["logsEmitted"] = s.LogsEmitted,
            ["logsShipped"] = s.LogsShipped,
            ["logsDropped"] = s.LogsDropped,
            ["logsBuffered"] = s.LogsBuffered,
            ["logsAddUp"] = addsUp,
            ["bufferPeak"] = s.LogsBufferPeak,
            ["bufferSize"] = collector?.BufferSize,
            ["takeaway"] =
                $"The {crash.Container} of {crash.PodId} crashed and restarted alone ({sidecarRestarts} sidecar restart(s), {appRestarts} app restart(s), {okPercent}% of requests ok). " +
                $"Of {s.LogsEmitted} log events, {s.LogsShipped} were shipped, {lost}, {s.LogsBuffered} still buffered at the end " +
                $"({(addsUp ? "they add up" : "they DO NOT add up")}); while the collector was down, the buffer of its pod peaked at {s.LogsBufferPeak} of {collector?.BufferSize}.",
        };
    }
}
