using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using HdrHistogram;

namespace ActorMesh.Telemetry;

/// <summary>
/// The machine-readable report of a run (see the README for every field). Fields are only ever
/// added, never renamed or removed. <c>requests.sent</c> always equals ok + failed + timedOut +
/// rejected + inFlight.
/// </summary>
public sealed partial record RunReport
{
    /// <summary>Scenario or topology name.</summary>
    public required string Scenario { get; init; }
    /// <summary>Seed of the run.</summary>
    public required long Seed { get; init; }
    /// <summary>Nodes (ActorSystems) the mesh ran on.</summary>
    public int Nodes { get; init; } = 1;
    /// <summary>Measured window, in seconds (warm-up excluded).</summary>
    public required double DurationSeconds { get; init; }
    /// <summary>The load applied.</summary>
    public required LoadSection Load { get; init; }
    /// <summary>Outcomes of the requests intended in the measured window.</summary>
    public required RequestCounts Requests { get; init; }
    /// <summary>End-to-end latency of ok requests, from the intended send time.</summary>
    public required LatencySummary LatencyMs { get; init; }
    /// <summary>End-to-end latency of failed and timed-out requests, from the intended send time (a timed-out one: to its client timeout).</summary>
    public LatencySummary FailedLatencyMs { get; init; } = LatencySummary.Empty;
    /// <summary>Retries per request, over its whole call tree: mean, most, and how many requests had 0, 1, 2, 3, 4 or more.</summary>
    public RetriesSummary RetriesPerRequest { get; init; } = RetriesSummary.Empty;
    /// <summary>Answered requests per second in the measured window (any outcome).</summary>
    public required double ThroughputRps { get; init; }
    /// <summary>Ok requests per second in the measured window.</summary>
    public required double GoodputRps { get; init; }
    /// <summary>Latency of the measured window by bucket, and percentile curves, for ok and for the other answered requests.</summary>
    public LatencyDistributionReport LatencyDistribution { get; init; } = new();
    /// <summary>Per-service figures, reported by the services' own sidecars.</summary>
    public required SortedDictionary<string, ServiceReport> Services { get; init; }
    /// <summary>Mesh totals over every source proxy and gateway.</summary>
    public required MeshSection Mesh { get; init; }
    /// <summary>Breakdown of failures and rejections, and the accounting check.</summary>
    public required OutcomesSection Outcomes { get; init; }
    /// <summary>Per-second outcomes of the measured window.</summary>
    public required IReadOnlyList<TimelineSecond> Timeline { get; init; }
    /// <summary>The nodes the mesh ran on and the traffic between them.</summary>
    public ClusterReport Cluster { get; init; } = new();
    /// <summary>Gateway counters, over every gateway.</summary>
    public GatewayReport Gateway { get; init; } = new();
    /// <summary>Outcomes and latency per kind of request of the load mix (a path or a journey), by name, in the mix's order.</summary>
    public Dictionary<string, RequestKindReport> RequestKinds { get; init; } = new();
    /// <summary>Control-plane counters.</summary>
    public ControlPlaneReport ControlPlane { get; init; } = new();
    /// <summary>Zones: their nodes, and the cross-zone share of calls per service and per second.</summary>
    public ZonesReport Zones { get; init; } = new();
    /// <summary>Network faults applied, by kind.</summary>
    public NetworkReport Network { get; init; } = new();
    /// <summary>Security (emulated mTLS and authorization) counters.</summary>
    public SecurityReport Security { get; init; } = new();
    /// <summary>Sidecar containers: restarts and the log pipeline.</summary>
    public SidecarsReport Sidecars { get; init; } = new();
    /// <summary>Sampled traces: each hop's own time (p50 by kind) and one whole sample trace.</summary>
    public TracingReport Tracing { get; init; } = new();
    /// <summary>The call graph the traffic revealed: edges, services called together, modules, data ownership.</summary>
    public CallGraphReport CallGraph { get; init; } = new();
    /// <summary>Timeline events applied during the run: when (seconds since the load started), what, and the outcome.</summary>
    public IReadOnlyList<ActorMesh.Hosting.AppliedEvent> Events { get; init; } = [];
    /// <summary>A scenario's own measured takeaways.</summary>
    public JsonObject Figures { get; init; } = new();
    /// <summary>Each SLO threshold's verdict (<c>--assert</c>, the topology's <c>slo</c>), in order; empty when none was set.</summary>
    public IReadOnlyList<Metrics.SloResult> Slo { get; init; } = [];
    /// <summary>True when every threshold passed, false when one failed (the console exits with code 3); null when none was set.</summary>
    public bool? SloPassed { get; init; }
    /// <summary>The run compared with another (<c>run --compare-without-mesh</c>: that run without the mesh as A, this one as B); absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Metrics.ReportComparison? Comparison { get; init; }
    /// <summary>What ran, where and when: tool version, command line, seed, clock, start, wall time, machine (wall-clock facts).</summary>
    [JsonPropertyOrder(-1)]
    public RunInfo Run { get; init; } = new();
    /// <summary>What the emulator itself cost and whether it kept up (wall-clock facts).</summary>
    public EmulatorReport Emulator { get; init; } = new();
    /// <summary>
    /// What this report lacks because part of the mesh did not answer in time at the end of the run
    /// (a node gone or too slow, a control plane that did not answer): one line each, naming the
    /// sections concerned. Empty when the report is complete. The client's counts (<c>requests</c>,
    /// <c>outcomes</c>, <c>timeline</c>) depend on it only with a load per zone whose generator was lost
    /// (<see cref="OutcomesSection.LostZones"/>).
    /// </summary>
    public IReadOnlyList<string> Missing { get; init; } = [];
}

/// <summary>The load applied.</summary>
/// <param name="Mode">"open" or "closed".</param>
/// <param name="Rps">Target rate (open loop), else null.</param>
/// <param name="Users">Users (closed loop), else null.</param>
/// <param name="Arrival">"constant" or "poisson" (open loop).</param>
/// <param name="WarmupSeconds">Warm-up before the measured window.</param>
public sealed record LoadSection(string Mode, double? Rps, int? Users, string? Arrival, double WarmupSeconds);

/// <summary>Request outcomes; <see cref="Sent"/> = the sum of the other five.</summary>
public sealed record RequestCounts(long Sent, long Ok, long Failed, long TimedOut, long Rejected, long InFlight);

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record LatencySummary(double P50, double P90, double P99, double P999, double Max, double Mean, long Count)
{
    /// <summary>Nothing recorded.</summary>
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Summarises a histogram of microseconds.</summary>
    public static LatencySummary From(HistogramBase? microseconds)
    {
        if (microseconds is null || microseconds.TotalCount == 0) return Empty;
        static double Ms(long us) => Math.Round(us / 1000.0, 3);
        return new LatencySummary(
            Ms(microseconds.GetValueAtPercentile(50)), Ms(microseconds.GetValueAtPercentile(90)),
            Ms(microseconds.GetValueAtPercentile(99)), Ms(microseconds.GetValueAtPercentile(99.9)),
            Ms(microseconds.GetMaxValue()), Math.Round(microseconds.GetMean() / 1000.0, 3), microseconds.TotalCount);
    }
}

/// <summary>Retries per request over its whole call tree (every sidecar's and gateway's retries below it).</summary>
/// <param name="Mean">Mean retries per request.</param>
/// <param name="Max">The most one request caused.</param>
/// <param name="Requests">Requests counted: every measured one that ended (rejections by the client's own bound excepted).</param>
/// <param name="Histogram">Requests by retries: "0", "1", "2", "3" and "4+".</param>
public sealed record RetriesSummary(double Mean, int Max, long Requests, SortedDictionary<string, long> Histogram)
{
    /// <summary>Nothing counted.</summary>
    public static RetriesSummary Empty => new(0, 0, 0, new SortedDictionary<string, long>(StringComparer.Ordinal));

    /// <summary>Summarises <paramref name="counts"/>.</summary>
    public static RetriesSummary From(ActorMesh.Load.RetryCounts counts)
    {
        var histogram = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < ActorMesh.Load.RetryCounts.Buckets; i++)
            histogram[i == ActorMesh.Load.RetryCounts.Buckets - 1 ? $"{i}+" : $"{i}"] = counts.Histogram[i];
        return new RetriesSummary(counts.Requests == 0 ? 0 : Math.Round((double)counts.Sum / counts.Requests, 4), counts.Max, counts.Requests, histogram);
    }
}

/// <summary>
/// One service's figures, as its own sidecars saw them (whole run, warm-up included): the counters
/// of <see cref="ReportSections.Service"/> (requests, ok, errors, overloaded, denied) and the rest below.
/// </summary>
public sealed record ServiceReport : CounterSection
{
    internal override ReportSections Section => ReportSections.Service;
    /// <summary>Ready instances at the end.</summary>
    [JsonPropertyOrder(-1)] // before the counters, where the report has always had it
    public int Instances { get; init; }
    /// <summary>Latency at the service's sidecar (inbound): queueing, compute and downstream calls.</summary>
    public LatencySummary LatencyMs { get; init; } = LatencySummary.Empty;
    /// <summary>What the callers of this service saw (source-reported).</summary>
    public UpstreamReport Upstream { get; init; } = new();
    /// <summary>Requests and errors per instance (pod id → counts).</summary>
    public SortedDictionary<string, InstanceReport> PerInstance { get; init; } = new();
}

/// <summary>One instance's counts.</summary>
public sealed record InstanceReport(long Requests, long Errors, int AppRestarts, int ProxyRestarts);

/// <summary>Source-reported figures for calls to one service: the counters of <see cref="ReportSections.Upstream"/>.</summary>
public sealed record UpstreamReport : CounterSection
{
    internal override ReportSections Section => ReportSections.Upstream;
}

/// <summary>Mesh totals over every source proxy and gateway: the counters of <see cref="ReportSections.Mesh"/>, and the config in force.</summary>
public sealed record MeshSection : CounterSection
{
    internal override ReportSections Section => ReportSections.Mesh;
    /// <summary>Config version in force at the end.</summary>
    public long ConfigVersion { get; init; }
    /// <summary>True when pods ran sidecar proxies (false: apps called each other directly).</summary>
    public bool Sidecars { get; init; } = true;
}

/// <summary>Failures by status, rejections by reason, the warm-up's own counts, and the accounting check.</summary>
public sealed record OutcomesSection
{
    /// <summary>Failed requests by status code.</summary>
    public SortedDictionary<string, long> FailedByStatus { get; init; } = new();
    /// <summary>Rejected requests by reason.</summary>
    public SortedDictionary<string, long> RejectedByReason { get; init; } = new();
    /// <summary>
    /// Of the ok requests (measured window), those answered degraded (flag DG): a service went on past a
    /// failed call it could do without, or a fallback answered for it, or a gateway merged a partial
    /// aggregation. They are ok, not a sixth outcome.
    /// </summary>
    public long Degraded { get; init; }
    /// <summary>Outcomes of warm-up requests (not in the figures).</summary>
    public RequestCounts Warmup { get; init; } = new(0, 0, 0, 0, 0, 0);
    /// <summary>True when sent = ok + failed + timedOut + rejected + inFlight, for the measured window and the warm-up.</summary>
    public bool AddsUp { get; init; }
    /// <summary>Client answers that arrived after the client had already given up.</summary>
    public long LateAnswers { get; init; }
    /// <summary>
    /// With a load per zone: zones whose load generator never started (they sent nothing) or was lost with its
    /// node before it finished (its counts as last reported, its requests then in flight lost with it). Their
    /// requests are not in <see cref="RunReport.Requests"/> nor the timeline; <see cref="RunReport.Missing"/> names
    /// each. Empty when every zone finished.
    /// </summary>
    public IReadOnlyList<Load.LostZone> LostZones { get; init; } = [];
}

/// <summary>
/// One second of the measured window. The outcomes and latencies are of the requests <em>intended</em> in
/// that second; the mesh's counters (retries, circuit changes) are of what happened during it.
/// </summary>
/// <param name="Second">Seconds since the start of the measured window.</param>
/// <param name="Sent">Requests intended in this second; sent = ok + failed + timedOut + rejected + inFlight.</param>
/// <param name="Ok">Of those, ok.</param>
/// <param name="Failed">Of those, failed.</param>
/// <param name="TimedOut">Of those, timed out at the client.</param>
/// <param name="Rejected">Of those, rejected.</param>
/// <param name="InFlight">Of those, still in flight at the end.</param>
/// <param name="Degraded">Of the ok, those answered degraded (flag DG).</param>
/// <param name="P50Ms">p50 end-to-end latency of this second's ok requests, ms; null when none was ok.</param>
/// <param name="P99Ms">p99 of the same; null when none was ok.</param>
/// <param name="Retries">Retries the mesh sent during this second; null when not sampled (a cluster: only one node's counters are at hand while it runs).</param>
/// <param name="CircuitOpened">Circuit breakers that opened during this second (null as for retries).</param>
/// <param name="CircuitClosed">Circuit breakers that closed again during this second (null as for retries).</param>
public sealed record TimelineSecond(int Second, long Sent, long Ok, long Failed, long TimedOut, long Rejected, long InFlight, long Degraded = 0,
    double? P50Ms = null, double? P99Ms = null, long? Retries = null, long? CircuitOpened = null, long? CircuitClosed = null);

/// <summary>Outcomes and latency of one kind of request of the load mix, over the measured window.</summary>
public sealed record RequestKindReport
{
    /// <summary>The gateway it was sent to.</summary>
    public string Gateway { get; init; } = "";
    /// <summary>Requests per journey; 1 for a single request.</summary>
    public int Steps { get; init; } = 1;
    /// <summary>Outcomes; they add up like <see cref="RunReport.Requests"/>, and over every kind to it.</summary>
    public RequestCounts Requests { get; init; } = new(0, 0, 0, 0, 0, 0);
    /// <summary>End-to-end latency of the ok ones, from the intended send time (a journey: to its last answer).</summary>
    public LatencySummary LatencyMs { get; init; } = LatencySummary.Empty;
    /// <summary>Of its ok requests, those answered degraded (flag DG, at any step of a journey); over every kind they add up to <see cref="OutcomesSection.Degraded"/>.</summary>
    public long Degraded { get; init; }
    /// <summary>Of its requests, those that failed after some service had committed a write; over every kind they add up to <see cref="CallGraphReport.PartialFailures"/>.</summary>
    public long PartialFailures { get; init; }
}

/// <summary>
/// Gateway counters (whole run, warm-up included, as for services). Every request a gateway
/// received ends in one of authRejected, noRoute, rateLimited, cacheHits, routed, aggregated and overflows.
/// </summary>
public sealed record GatewayReport
{
    /// <summary>Requests routed to a single service.</summary>
    public long Routed { get; init; }
    /// <summary>Requests answered by an aggregation (fan-out and merge).</summary>
    public long Aggregated { get; init; }
    /// <summary>Aggregations answered partially because a backend failed or timed out.</summary>
    public long Degraded { get; init; }
    /// <summary>Requests refused with 401 by authentication.</summary>
    public long AuthRejected { get; init; }
    /// <summary>Requests refused with 429 by a rate limit.</summary>
    public long RateLimited { get; init; }
    /// <summary>Requests answered from the response cache.</summary>
    public long CacheHits { get; init; }
    /// <summary>Cacheable requests that were not in the cache.</summary>
    public long CacheMisses { get; init; }
    /// <summary>Requests the gateway received.</summary>
    public long Requests { get; init; }
    /// <summary>Requests no route matched (404).</summary>
    public long NoRoute { get; init; }
    /// <summary>Aggregations that failed as a whole (502, or 504 when a backend timed out).</summary>
    public long AggregateFailed { get; init; }
    /// <summary>Aggregation backends the gateway stopped waiting for at their own timeout.</summary>
    public long BackendTimeouts { get; init; }
    /// <summary>Authentication rejections by problem: missing, badSignature, wrongIssuer, wrongAudience, expired.</summary>
    public SortedDictionary<string, long> AuthRejectedByReason { get; init; } = new();
    /// <summary>
    /// The same rejections by the response code details Envoy's jwt_authn filter writes for them (its 401s carry no
    /// response flag), e.g. <c>jwt_authn_access_denied{Jwt_is_missing}</c>.
    /// </summary>
    public SortedDictionary<string, long> AuthRejectedByDetails { get; init; } = new();
    /// <summary>Requests of new clients that shared an overflow bucket because a per-client rate-limit table was full.</summary>
    public long RateLimitOverflowed { get; init; }
    /// <summary>Live cache entries evicted to make room.</summary>
    public long CacheEvictions { get; init; }
    /// <summary>Requests refused with 503 because the gateway's table of aggregations and cache fills was full.</summary>
    public long Overflows { get; init; }
    /// <summary>The same counters per gateway, by name (only in the totals; null in each gateway's own entry).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SortedDictionary<string, GatewayReport>? PerGateway { get; init; }
}

/// <summary>Control-plane counters.</summary>
public sealed record ControlPlaneReport
{
    /// <summary>Config version in force at the end.</summary>
    public long Version { get; init; }
    /// <summary>Snapshots pushed.</summary>
    public long Pushes { get; init; }
    /// <summary>ACKs received.</summary>
    public long Acks { get; init; }
    /// <summary>NACKs received.</summary>
    public long Nacks { get; init; }
    /// <summary>Mean time from a push until every workload had answered it, in ms.</summary>
    public double ConvergenceMs { get; init; }
    /// <summary>Reconciliations (actual state brought back to the desired state).</summary>
    public long Reconciliations { get; init; }
    /// <summary>Seconds the control plane was down.</summary>
    public double DownSeconds { get; init; }
    /// <summary>Slowest convergence, in ms.</summary>
    public double ConvergenceMsMax { get; init; }
    /// <summary>How long each reconciliation took, in ms (from the change noticed to every desired pod ready).</summary>
    public IReadOnlyList<double> ReconcileMs { get; init; } = [];
    /// <summary>The latest NACK's reason, if any.</summary>
    public string? LastNackReason { get; init; }
    /// <summary>Rollouts: service, from and to version, "shipped" or "rolled back", when and how long, pods replaced.</summary>
    public IReadOnlyList<ActorMesh.ControlPlane.DeployRecord> Deployments { get; init; } = [];
}

/// <summary>Security (emulated mTLS and authorization) totals over every destination sidecar: the counters of <see cref="ReportSections.Security"/>.</summary>
public sealed record SecurityReport : CounterSection
{
    internal override ReportSections Section => ReportSections.Security;
}

/// <summary>Sidecar containers.</summary>
public sealed record SidecarsReport
{
    /// <summary>Restarts by container kind ("proxy", "log-collector", ...).</summary>
    public SortedDictionary<string, long> Restarts { get; init; } = new();
    /// <summary>Structured log events the apps emitted.</summary>
    public long LogsEmitted { get; init; }
    /// <summary>Log events shipped to the central sink.</summary>
    public long LogsShipped { get; init; }
    /// <summary>Log events dropped because a buffer was full (counted, never silent).</summary>
    public long LogsDropped { get; init; }
    /// <summary>Log events still buffered at the end. emitted = shipped + dropped + buffered.</summary>
    public long LogsBuffered { get; init; }
    /// <summary>Most log events one pod's buffer held at once (compare with its bufferSize).</summary>
    public long LogsBufferPeak { get; init; }
    /// <summary>New settings versions apps took into force from their config-sync sidecars.</summary>
    public long SettingsSyncs { get; init; }
    /// <summary>The settings version in force per pod that runs a config-sync sidecar (pod id → version).</summary>
    public SortedDictionary<string, long> SettingsVersions { get; init; } = new();
}

/// <summary>What the traffic revealed about the architecture, observed, never read from the topology.</summary>
public sealed record CallGraphReport
{
    /// <summary>Measured requests whose answers said which services they reached.</summary>
    public long Requests { get; init; }
    /// <summary>Calls per edge over the whole run, and per client request (<c>perRequest</c>).</summary>
    public IReadOnlyList<EdgeReport> Edges { get; init; } = [];
    /// <summary>Pairs of services reached by the same requests: <c>share</c> = requests reaching both / requests reaching either.</summary>
    public IReadOnlyList<PairReport> Together { get; init; } = [];
    /// <summary>Requests that failed or timed out after some service had already committed a write (no distributed transaction).</summary>
    public long PartialFailures { get; init; }
    /// <summary>In-process module calls inside each service, by edge ("(service)" is the service's own script).</summary>
    public SortedDictionary<string, IReadOnlyList<EdgeReport>> Modules { get; init; } = new();
    /// <summary>Services reading or writing a data store they do not own.</summary>
    public IReadOnlyList<OwnershipViolation> OwnershipViolations { get; init; } = [];
}

/// <summary>Two services and how often the same request reached both.</summary>
public sealed record PairReport(string A, string B, long Both, long Either, double Share);

/// <summary>A service touching another's data store.</summary>
public sealed record OwnershipViolation(string Service, string Store, string Owner, long Reads, long Writes);

/// <summary>What the sampled traces show.</summary>
public sealed record TracingReport
{
    /// <summary>Sampled requests (traces) recorded.</summary>
    public long Traces { get; init; }
    /// <summary>Spans recorded.</summary>
    public long Spans { get; init; }
    /// <summary>Spans not kept because a thread's bound was reached.</summary>
    public long Dropped { get; init; }
    /// <summary>p50 of each hop's own time (its duration less its children's), by kind: gateway, sidecar, app, network.</summary>
    public SortedDictionary<string, double> HopLatencyMs { get; init; } = new();
    /// <summary>One ok sampled request's spans in call order (depth-first), with the most hops.</summary>
    public IReadOnlyList<SpanReport> Sample { get; init; } = [];
    /// <summary>One failed (or timed-out) sampled request's spans in call order, with the most hops; empty when none failed.</summary>
    public IReadOnlyList<SpanReport> FailedSample { get; init; } = [];
}

/// <summary>One span of the sample trace.</summary>
/// <param name="Hop">client, gateway, sidecar, network or app.</param>
/// <param name="Service">The workload the hop belongs to.</param>
/// <param name="StartMs">Start, from the trace's start.</param>
/// <param name="DurationMs">Duration.</param>
/// <param name="SelfMs">Own time, without its children.</param>
/// <param name="Depth">Nesting depth (0 = the client).</param>
/// <param name="Status">Status the hop answered.</param>
public sealed record SpanReport(string Hop, string Service, double StartMs, double DurationMs, double SelfMs, int Depth, int Status);

/// <summary>The nodes of a run and what crossed between them.</summary>
public sealed record ClusterReport
{
    /// <summary>Nodes (ActorSystems) the mesh ran on.</summary>
    public int Nodes { get; init; } = 1;
    /// <summary>Pods running at the end, by node.</summary>
    public SortedDictionary<string, int> PodsPerNode { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Messages serialized to cross nodes (requests, responses, control messages).</summary>
    public long CrossNodeMessages { get; init; }
    /// <summary>Bytes of those messages.</summary>
    public long CrossNodeBytes { get; init; }
    /// <summary>Envelopes that carried mesh messages between nodes in batches (one per node pair, flushed at 1 ms or 256 messages).</summary>
    public long Batches { get; init; }
    /// <summary>Mesh messages per batch envelope, on average (0 with no batch).</summary>
    public double MessagesPerBatch { get; init; }
    /// <summary>Of those envelopes, the ones that went on the node pairs' direct links (the others crossed through Akka.Remote).</summary>
    public long DirectBatches { get; init; }
    /// <summary>Mesh messages lost when a direct link broke (a node died or reset it): their callers see timeouts, as on a reset connection.</summary>
    public long LostOnBrokenLinks { get; init; }
    /// <summary>Nodes that crashed during the run (the control plane gave them up as unreachable or removed).</summary>
    public int NodeFailures { get; init; }
    /// <summary>Pods the control plane placed again on another node because theirs was lost.</summary>
    public long PodsReplaced { get; init; }
    /// <summary>
    /// Each node that joined while pods ran and took its share of them: when (<see cref="ControlPlane.RebalanceRecord.AtSeconds"/>
    /// after the load started), the zones mapped to it, each pod moved from where to where, and how long the moves took.
    /// </summary>
    public IReadOnlyList<ControlPlane.RebalanceRecord> Rebalance { get; init; } = [];
    /// <summary>Nodes that did not answer for the report at the end of the run (gone or too slow); what they hold is missing (see <see cref="RunReport.Missing"/>).</summary>
    public IReadOnlyList<string> Unreported { get; init; } = [];
}
