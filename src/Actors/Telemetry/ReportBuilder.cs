using ActorMesh.ControlPlane;
using ActorMesh.DataPlane.Pod;
using ActorMesh.Load;
using ActorMesh.Topology;

namespace ActorMesh.Telemetry;

/// <summary>Builds a <see cref="RunReport"/> from the client's measurements and the mesh's telemetry.</summary>
public static class ReportBuilder
{
    /// <summary>The report of one run.</summary>
    public static RunReport Build(MeshTopology topology, long seed, LoadResult load, MeshRuntime runtime, ControlPlaneStatus status, IReadOnlyList<PodStatsReport> pods, int nodes = 1)
    {
        var names = runtime.Services.Names;
        var merged = runtime.Telemetry.Merge(names.Count);
        var services = new SortedDictionary<string, ServiceReport>(StringComparer.Ordinal);
        var totals = new ServiceTelemetry();
        for (var i = 0; i < names.Count; i++)
        {
            totals.Add(merged[i]);
            if (topology.Service(names[i]) is null) continue;
            var t = merged[i];
            var perInstance = new SortedDictionary<string, InstanceReport>(StringComparer.Ordinal);
            foreach (var p in pods.Where(p => p.Service == names[i]))
                perInstance[p.PodId] = new InstanceReport(p.Requests, p.Errors, p.AppRestarts, p.ProxyRestarts);
            services[names[i]] = new ServiceReport
            {
                Instances = status.InstancesByService.GetValueOrDefault(names[i]),
                Requests = t.Requests,
                Ok = t.Ok,
                Errors = t.Errors,
                Overloaded = t.Overloaded,
                Denied = t.Denied,
                LatencyMs = LatencySummary.From(t.Latency),
                Upstream = new UpstreamReport
                {
                    Calls = t.Calls, Attempts = t.Attempts, Retries = t.Retries, Timeouts = t.Timeouts,
                    PerTryTimeouts = t.PerTryTimeouts, CircuitOpened = t.CircuitOpened,
                    RejectedByCircuit = t.RejectedByCircuit, Overflows = t.Overflows, Ejections = t.Ejections,
                },
                PerInstance = perInstance,
            };
        }

        var m = load.Measured;
        var failedBy = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (code, n) in m.FailedBy) failedBy[code.ToString()] = n;
        var rejectedBy = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in Enum.GetValues<RejectReason>())
            if (m.RejectedBy[(int)reason] > 0) rejectedBy[OutcomeClassifier.Name(reason)] = m.RejectedBy[(int)reason];
        var seconds = Math.Max(load.MeasuredSeconds, 1e-9);
        var profile = topology.Load;
        return new RunReport
        {
            Scenario = topology.Name,
            Seed = seed,
            Nodes = nodes,
            DurationSeconds = load.MeasuredSeconds,
            Load = profile.Mode == LoadMode.Open
                ? new LoadSection("open", profile.Rps, null, profile.Arrival == ArrivalProcess.Poisson ? "poisson" : "constant", profile.Warmup.TotalSeconds)
                : new LoadSection("closed", null, profile.Users, null, profile.Warmup.TotalSeconds),
            Requests = Counts(m),
            LatencyMs = LatencySummary.From(load.Latency),
            ThroughputRps = Math.Round(m.Ended / seconds, 1),
            GoodputRps = Math.Round(m.Ok / seconds, 1),
            Services = services,
            Mesh = new MeshSection
            {
                Retries = totals.Retries, Timeouts = totals.Timeouts, CircuitOpened = totals.CircuitOpened,
                RejectedByCircuit = totals.RejectedByCircuit, Ejections = totals.Ejections, ConfigVersion = status.Version,
                PerTryTimeouts = totals.PerTryTimeouts, RetriesOverflowed = totals.RetriesOverflowed,
                RetriesExhausted = totals.RetriesExhausted, Overflows = totals.Overflows,
                NoHealthyUpstream = totals.NoHealthyUpstream, ConnectFailures = totals.ConnectFailures,
                LateResponses = totals.LateResponses, Sidecars = topology.Mesh.Sidecars,
            },
            Security = new SecurityReport
            {
                Denied = totals.Denied, DeniedPlaintext = totals.DeniedPlaintext, DeniedByPolicy = totals.DeniedByPolicy,
                PlaintextAccepted = totals.PlaintextAccepted,
            },
            Outcomes = new OutcomesSection
            {
                FailedByStatus = failedBy,
                RejectedByReason = rejectedBy,
                Warmup = Counts(load.Warmup),
                AddsUp = load.Measured.AddsUp && load.Warmup.AddsUp,
                LateAnswers = load.LateAnswers,
            },
            Timeline = [.. load.Timeline.Select((b, i) => new TimelineSecond(i, b.Sent, b.Ok, b.Failed, b.TimedOut, b.Rejected, b.InFlight))],
        };
    }

    private static RequestCounts Counts(OutcomeCounts c) => new(c.Sent, c.Ok, c.Failed, c.TimedOut, c.Rejected, c.InFlight);
}
