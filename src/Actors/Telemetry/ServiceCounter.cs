using static ActorMesh.Telemetry.CounterDirection;
using static ActorMesh.Telemetry.ReportSections;

namespace ActorMesh.Telemetry;

/// <summary>
/// The schema of a service's counters. Adding a counter is adding one member, at the end (the order
/// is the node snapshots' order): its <see cref="CounterAttribute"/> says who reports it, which
/// report sections show it and what it counts. The rest follows through <see cref="CounterSchema"/>:
/// the per-thread record (<c>t[ServiceCounter.Calls]++</c> on a <see cref="ServiceTelemetry"/>),
/// merging, the snapshots that cross nodes, the report's JSON and any export.
/// </summary>
#pragma warning disable CS1591 // each member's doc is its [Counter] line, which the report and exports read
public enum ServiceCounter
{
    [Counter(Inbound, Service, "Requests that reached an instance of the service.")] Requests,
    [Counter(Inbound, Service, "Of those, answered with 2xx.")] Ok,
    [Counter(Inbound, Service, "Of those, answered with an error status.")] Errors,
    [Counter(Inbound, Service, "Refused unprocessed because an instance's queue was full.")] Overloaded,
    [Counter(Inbound, Service | Security, "Denied with 403 by a destination sidecar before reaching the app (plaintext to strict mTLS, or an authorization policy).")] Denied,
    [Counter(Inbound, Security, "Of the denied, plaintext requests to a service in strict mTLS mode.")] DeniedPlaintext,
    [Counter(Inbound, Security, "Of the denied, denied by an authorization policy.")] DeniedByPolicy,
    [Counter(Inbound, Security, "Requests a sidecar let through in plaintext (no source identity): what strict mTLS would deny.")] PlaintextAccepted,
    [Counter(Outbound, Upstream, "Calls made to the service (before retries).")] Calls,
    [Counter(Outbound, Upstream, "Attempts sent (first tries and retries).")] Attempts,
    [Counter(Outbound, Upstream | Mesh, "Retries sent.")] Retries,
    [Counter(Outbound, Mesh, "Retriable failures not retried because the budget or max-retries limit was exhausted.")] RetriesOverflowed,
    [Counter(Outbound, Mesh, "Failures not retried because the attempts were used up (flag URX).")] RetriesExhausted,
    [Counter(Outbound, Upstream | Mesh, "Calls ended by the route timeout.")] Timeouts,
    [Counter(Outbound, Upstream | Mesh, "Attempts ended by the per-try timeout.")] PerTryTimeouts,
    [Counter(Outbound, Upstream | Mesh, "Times a source's breaker for the service opened.")] CircuitOpened,
    [Counter(Outbound, Upstream | Mesh, "Times a source's breaker for the service closed again after a successful probe.")] CircuitClosed,
    [Counter(Outbound, Upstream | Mesh, "Calls rejected because the breaker was open.")] RejectedByCircuit,
    [Counter(Outbound, Upstream | Mesh, "Calls rejected by a resource limit (UO).")] Overflows,
    [Counter(Outbound, Upstream | Mesh, "Hosts ejected by outlier detection.")] Ejections,
    [Counter(Outbound, Mesh, "Calls that found no healthy host (UH).")] NoHealthyUpstream,
    [Counter(Outbound, Mesh, "Attempts whose endpoint was gone (UF).")] ConnectFailures,
    [Counter(Outbound, Mesh, "Responses that arrived after their attempt had ended (timed out, reset or cancelled).")] LateResponses,
    [Counter(Outbound, Mesh, "Calls their caller gave up on before they ended (a gateway's aggregation backend past its timeout).")] Cancelled,
    [Counter(Inbound, Service, "Of the ok, answered degraded (flag DG): a call the script could do without failed, or a fallback answered for it, here or downstream.")] Degraded,
    [Counter(Outbound, Upstream | Mesh, "Failed calls to the service that the caller's script went on without (optional calls).")] OptionalSkipped,
    [Counter(Outbound, Upstream | Mesh, "Failed calls to the service for which the caller's fallback answered: a default answer, or its cached last good one.")] FallbacksUsed,
    [Counter(Outbound, Mesh, "Connections a sidecar without config refused (UF): its app's calls, and requests sent to its pod (counted against the service called). A restarted sidecar has none until the control plane answers.")] NoConfig,
    [Counter(Inbound, Service, "Time the service's in-process module calls took, in ns: the sum of their sampled costs (callGraph.modules counts the calls).")] ModuleCallNanoseconds,
    [Counter(Outbound, Upstream | Mesh, "Attempts between a caller and an endpoint that both have a zone.")] ZonedAttempts,
    [Counter(Outbound, Upstream | Mesh, "Of those, attempts sent to an endpoint in another zone than the caller's.")] CrossZoneAttempts,
    [Counter(Outbound, Network, "Messages a network partition dropped (a request: a connect failure, UF, after the connect timeout; a response: a reset, UR).")] NetworkPartitioned,
    [Counter(Outbound, Network, "Messages lost by a packet-loss fault (a request: a connect failure, UF, or a reset, UR, once delivered; a response: a reset).")] NetworkLost,
    [Counter(Outbound, Network, "Requests whose connection a reset-peer fault reset (UR).")] NetworkResets,
    [Counter(Outbound, Network, "Messages a latency fault delayed.")] NetworkDelayed,
    [Counter(Outbound, Network, "Messages that crossed a bandwidth-limited link (queued behind the bytes before them).")] NetworkThrottled,
}
#pragma warning restore CS1591

/// <summary>Who reports a counter, as Istio's <c>reporter</c> label says.</summary>
public enum CounterDirection
{
    /// <summary>Inbound: counted by the destination's sidecar (Istio <c>reporter=destination</c>).</summary>
    Inbound,
    /// <summary>Outbound: counted by the sources calling the service (Istio <c>reporter=source</c>).</summary>
    Outbound,
}

/// <summary>The report sections that show a service counter.</summary>
[Flags]
public enum ReportSections
{
    /// <summary>None (the counter is only exported).</summary>
    None = 0,
    /// <summary>The service's own figures, <c>services.&lt;name&gt;</c> (see <see cref="ServiceReport"/>).</summary>
    Service = 1,
    /// <summary>What the service's callers saw, <c>services.&lt;name&gt;.upstream</c> (see <see cref="UpstreamReport"/>).</summary>
    Upstream = 2,
    /// <summary>Totals over every service, <c>mesh</c> (see <see cref="MeshSection"/>).</summary>
    Mesh = 4,
    /// <summary>Totals over every service, <c>security</c> (see <see cref="SecurityReport"/>).</summary>
    Security = 8,
    /// <summary>Network faults applied, totals over every service, <c>network</c> (see <see cref="NetworkReport"/>).</summary>
    Network = 16,
}

/// <summary>Describes one <see cref="ServiceCounter"/>: who reports it, where the report shows it, and what it counts.</summary>
/// <param name="direction">Who reports it.</param>
/// <param name="sections">The report sections that show it.</param>
/// <param name="doc">What it counts, in one sentence.</param>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class CounterAttribute(CounterDirection direction, ReportSections sections, string doc) : Attribute
{
    /// <summary>Who reports it.</summary>
    public CounterDirection Direction { get; } = direction;
    /// <summary>The report sections that show it.</summary>
    public ReportSections Sections { get; } = sections;
    /// <summary>What it counts, in one sentence.</summary>
    public string Doc { get; } = doc;
    /// <summary>Its name in the report's JSON when not the member's name in camelCase.</summary>
    public string? Json { get; init; }
}
