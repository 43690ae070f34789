using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Pod;
using ActorMesh.Hosting;
using ActorMesh.Load;

namespace ActorMesh.Telemetry;

/// <summary>Builds a <see cref="RunReport"/> from the client's measurements and the mesh's telemetry.</summary>
internal static class ReportBuilder
{
    /// <summary>One second of the timeline: the client's counts and latency, and the mesh's counters when they were sampled.</summary>
    private static TimelineSecond Second(SecondBucket b, int i)
    {
        var latency = b.Latency is { TotalCount: > 0 } h ? LatencySummary.From(h) : null;
        return new TimelineSecond(i, b.Sent, b.Ok, b.Failed, b.TimedOut, b.Rejected, b.InFlight, b.Degraded, latency?.P50, latency?.P99,
            b.MeshSampled ? b.Retries : null, b.MeshSampled ? b.CircuitOpened : null, b.MeshSampled ? b.CircuitClosed : null);
    }

    /// <summary>The report of one run.</summary>
    public static RunReport Build(MeshTopology topology, long seed, LoadResult load, TelemetryView telemetry, ControlPlaneStatus status,
        IReadOnlyList<PodStatsReport> pods, IReadOnlyList<AppliedEvent> events, ClusterReport? cluster = null)
    {
        var names = telemetry.Names;
        var merged = telemetry.Services;
        var services = new SortedDictionary<string, ServiceReport>(StringComparer.Ordinal);
        var totals = new ServiceTelemetry();
        for (var i = 0; i < names.Count; i++)
        {
            totals.Add(merged[i]);
            if (topology.Service(names[i]) is null) continue;
            var t = merged[i];
            var perInstance = new SortedDictionary<string, InstanceReport>(StringComparer.Ordinal);
            // A pod id can have had several incarnations (killed and replaced): their counts add up.
            foreach (var p in pods.Where(p => p.Service == names[i]))
                perInstance[p.PodId] = perInstance.TryGetValue(p.PodId, out var earlier)
                    ? new InstanceReport(earlier.Requests + p.Requests, earlier.Errors + p.Errors, earlier.AppRestarts + p.AppRestarts, earlier.ProxyRestarts + p.ProxyRestarts)
                    : new InstanceReport(p.Requests, p.Errors, p.AppRestarts, p.ProxyRestarts);
            services[names[i]] = CounterSection.Of<ServiceReport>(t) with
            {
                Instances = status.InstancesByService.GetValueOrDefault(names[i]),
                LatencyMs = LatencySummary.From(t.Latency),
                Upstream = CounterSection.Of<UpstreamReport>(t),
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
            Nodes = cluster?.Nodes ?? 1,
            Cluster = cluster ?? new ClusterReport { Nodes = 1 },
            DurationSeconds = load.MeasuredSeconds,
            Load = profile.Mode == LoadMode.Open
                ? new LoadSection("open", profile.Rps, null, profile.Arrival == ArrivalProcess.Poisson ? "poisson" : "constant", profile.Warmup.TotalSeconds)
                : new LoadSection("closed", null, profile.Users, null, profile.Warmup.TotalSeconds),
            Requests = Counts(m),
            LatencyMs = LatencySummary.From(load.Latency),
            FailedLatencyMs = LatencySummary.From(load.FailedLatency),
            RetriesPerRequest = RetriesSummary.From(load.Retries),
            LatencyDistribution = LatencyDistribution.From(load.Latency, load.LatencyAll),
            ThroughputRps = Math.Round(m.Ended / seconds, 1),
            GoodputRps = Math.Round(m.Ok / seconds, 1),
            Services = services,
            Mesh = CounterSection.Of<MeshSection>(totals) with { ConfigVersion = status.Version, Sidecars = topology.Mesh.Sidecars },
            Security = CounterSection.Of<SecurityReport>(totals),
            Zones = ZonesReport.Of(topology, names, merged, status.ZoneNodes, load.StartedAt),
            Network = CounterSection.Of<NetworkReport>(totals) with { Faults = [.. topology.Network.Faults.Select(f => f.Describe())] },
            Outcomes = new OutcomesSection
            {
                FailedByStatus = failedBy,
                RejectedByReason = rejectedBy,
                Degraded = m.Degraded,
                Warmup = Counts(load.Warmup),
                AddsUp = load.Measured.AddsUp && load.Warmup.AddsUp,
                LateAnswers = load.LateAnswers,
                LostZones = [.. load.LostZones],
            },
            Timeline = [.. load.Timeline.Select(Second)],
            ControlPlane = new ControlPlaneReport
            {
                Version = status.Version, Pushes = status.Pushes, Acks = status.Acks, Nacks = status.Nacks,
                ConvergenceMs = status.ConvergenceMs.Count == 0 ? 0 : Math.Round(status.ConvergenceMs.Average(), 3),
                ConvergenceMsMax = status.ConvergenceMs.Count == 0 ? 0 : Math.Round(status.ConvergenceMs.Max(), 3),
                Reconciliations = status.ReconcileMs.Count,
                ReconcileMs = [.. status.ReconcileMs.Select(ms => Math.Round(ms, 3))],
                DownSeconds = Math.Round(status.DownSeconds, 3),
                LastNackReason = status.LastNackReason,
                Deployments = status.Deployments,
            },
            Events = events,
            CallGraph = CallGraphOf(topology, names, merged, load, load.MeasuredSeconds + profile.Warmup.TotalSeconds),
            Tracing = TraceAnalysis.Analyse(telemetry.Spans, telemetry.SpansDropped),
            Gateway = Gateways(topology, telemetry.Gateways),
            RequestKinds = load.Kinds.ToDictionary(k => k.Name, k => new RequestKindReport
            {
                Gateway = k.Gateway, Steps = k.Steps, Requests = Counts(k.Measured), LatencyMs = LatencySummary.From(k.Latency),
                PartialFailures = k.PartialFailures, Degraded = k.Measured.Degraded,
            }),
            Sidecars = SidecarsOf(pods),
        };
    }

    /// <summary>Sidecar restarts by kind and the log pipeline's counts, summed over the pods (whole run).</summary>
    private static SidecarsReport SidecarsOf(IReadOnlyList<PodStatsReport> pods)
    {
        var restarts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var versions = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long emitted = 0, shipped = 0, dropped = 0, buffered = 0, peak = 0, syncs = 0;
        foreach (var pod in pods)
        {
            foreach (var (kind, n) in pod.SidecarRestarts) restarts[kind] = restarts.GetValueOrDefault(kind) + n;
            if (pod.Logs is { } logs)
            {
                emitted += logs.Emitted;
                shipped += logs.Shipped;
                dropped += logs.Dropped;
                buffered += logs.Buffered;
                peak = Math.Max(peak, logs.Peak);
            }
            if (pod.SettingsVersion is { } version) versions[pod.PodId] = version;
            syncs += pod.SettingsSyncs;
        }
        return new SidecarsReport
        {
            Restarts = restarts, LogsEmitted = emitted, LogsShipped = shipped, LogsDropped = dropped, LogsBuffered = buffered,
            LogsBufferPeak = peak, SettingsSyncs = syncs, SettingsVersions = versions,
        };
    }

    /// <summary>The gateway section: totals over the topology's gateways, and each one's own counters.</summary>
    public static GatewayReport Gateways(MeshTopology topology, GatewayTelemetry telemetry)
    {
        var perGateway = new SortedDictionary<string, GatewayReport>(StringComparer.Ordinal);
        var total = new GatewayStats();
        foreach (var (name, stats) in telemetry.All())
        {
            if (topology.Gateways.All(g => g.Name != name)) continue;
            perGateway[name] = Gateway(stats);
            total.Add(stats);
        }
        return Gateway(total) with { PerGateway = perGateway };
    }

    private static GatewayReport Gateway(GatewayStats s)
    {
        var byReason = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var byDetails = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var problem in Enum.GetValues<TokenProblem>())
        {
            if (s.AuthRejectedBy[(int)problem] == 0) continue;
            byReason[TokenProblemName(problem)] = s.AuthRejectedBy[(int)problem];
            byDetails[ResponseCodeDetails.JwtAuthnAccessDenied(problem)] = s.AuthRejectedBy[(int)problem];
        }
        return new GatewayReport
        {
            Routed = s.Routed, Aggregated = s.Aggregated, Degraded = s.Degraded, AuthRejected = s.AuthRejected,
            RateLimited = s.RateLimited, CacheHits = s.CacheHits, CacheMisses = s.CacheMisses,
            Requests = s.Requests, NoRoute = s.NoRoute, AggregateFailed = s.AggregateFailed, BackendTimeouts = s.BackendTimeouts,
            AuthRejectedByReason = byReason, AuthRejectedByDetails = byDetails, RateLimitOverflowed = s.RateLimitOverflowed, CacheEvictions = s.CacheEvictions,
            Overflows = s.Overflows,
        };
    }

    /// <summary>The report name of a token problem (camelCase).</summary>
    public static string TokenProblemName(TokenProblem problem) => problem switch
    {
        TokenProblem.Missing => "missing",
        TokenProblem.BadSignature => "badSignature",
        TokenProblem.WrongIssuer => "wrongIssuer",
        TokenProblem.WrongAudience => "wrongAudience",
        TokenProblem.Expired => "expired",
        _ => "none",
    };

    private static CallGraphReport CallGraphOf(MeshTopology topology, IReadOnlyList<string> names, ServiceTelemetry[] merged, LoadResult load, double seconds)
    {
        var clientRequests = Math.Max(1, load.Warmup.Sent + load.Measured.Sent);
        var edges = new List<EdgeReport>();
        var modules = new SortedDictionary<string, IReadOnlyList<EdgeReport>>(StringComparer.Ordinal);
        var violations = new List<OwnershipViolation>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in topology.Services) foreach (var store in s.Stores) owners[store] = s.Name;
        for (var to = 0; to < names.Count; to++)
        {
            var t = merged[to];
            if (t.EdgesFrom is { } from)
                for (var source = 0; source < Math.Min(from.Length, names.Count); source++)
                    if (from[source] is { Calls: > 0 } e) edges.Add(EdgeReport.Of(names[source], names[to], e, clientRequests, seconds));
            if (topology.Service(names[to]) is not { } service) continue;
            if (t.ModuleCalls is { } calls)
            {
                string Name(int m) => m < 0 ? "(service)" : service.Modules[m].Name;
                modules[service.Name] = [.. calls.OrderBy(c => c.Key.Caller).ThenBy(c => c.Key.Callee)
                    .Select(c => new EdgeReport(Name(c.Key.Caller), Name(c.Key.Callee), c.Value, Math.Round((double)c.Value / clientRequests, 4)))];
            }
            if (t.ForeignStores is { } foreign)
                foreach (var (store, (reads, writes)) in foreign.OrderBy(f => f.Key, StringComparer.Ordinal))
                    violations.Add(new OwnershipViolation(service.Name, store, owners.GetValueOrDefault(store, "?"), reads, writes));
        }
        var observed = load.CallGraph;
        var pairs = new List<PairReport>();
        var bits = Math.Min(names.Count, CallGraphObservation.Services);
        for (var i = 0; i < bits; i++)
        for (var j = i + 1; j < bits; j++)
        {
            var both = observed.ReachedTogether[i * CallGraphObservation.Services + j];
            if (both == 0) continue;
            var either = observed.Reached[i] + observed.Reached[j] - both;
            pairs.Add(new PairReport(names[i], names[j], both, either, Math.Round((double)both / either, 4)));
        }
        return new CallGraphReport
        {
            Requests = observed.Requests,
            Edges = [.. edges.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)],
            Together = [.. pairs.OrderByDescending(p => p.Share).ThenBy(p => p.A, StringComparer.Ordinal).ThenBy(p => p.B, StringComparer.Ordinal)],
            PartialFailures = observed.PartialFailures,
            Modules = modules,
            OwnershipViolations = violations,
        };
    }

    private static RequestCounts Counts(OutcomeCounts c) => new(c.Sent, c.Ok, c.Failed, c.TimedOut, c.Rejected, c.InFlight);
}
