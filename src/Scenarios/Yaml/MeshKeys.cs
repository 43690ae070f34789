using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.DataPlane.Resilience.Retry;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>The keys of <c>network</c> and <c>mesh</c>: hop latencies, policies and security.</summary>
internal static class MeshKeys
{
    private static readonly Schema<EdgeLatency> Edge = new(new EdgeLatency("", "", Distribution.Zero))
    {
        { "from", Syntax.Text, (e, v) => e with { From = v }, "A service or gateway name, or * for any workload.", Need.Required },
        { "to", Syntax.Text, (e, v) => e with { To = v }, "The other end; an edge holds in both directions.", Need.Required },
        { "latency", Distributions.Value, (e, v) => e with { Latency = v }, "One-way latency of this hop.", Need.Required },
    };

    public static readonly Schema<NetworkSpec> Network = new(new NetworkSpec())
    {
        { "latency", Distributions.Value, (n, v) => n with { Latency = v }, "One-way latency of every hop without an edge of its own." },
        { "edges", Syntax.List(Syntax.Mapping(Edge)), (n, v) => n with { Edges = v }, "The latency of particular hops." },
        { "faults", Syntax.List(Syntax.Mapping(ZoneKeys.Fault)), (n, v) => n with { Faults = v }, "Network faults for the whole run." },
    };

    // ---- a policy: mesh.defaults, mesh.destinations.<service>, a timeline setPolicy

    /// <summary>The back-off keys, written under <c>retries.backoff</c> but kept in <see cref="RetryOptions"/> itself.</summary>
    private static readonly Schema<RetryOptions> Backoff = new(new RetryOptions())
    {
        { "base", Syntax.Duration, (o, v) => o with { BackoffBase = v }, "Jittered back-off: retry k waits uniform in [0, min(base × 2^(k−1), max)), as Envoy's code." },
        { "max", Syntax.Duration, (o, v) => o with { BackoffMax = v }, "Cap on the back-off interval; at least base." },
    };

    private static readonly Schema<RetryBudgetOptions> Budget = new(new RetryBudgetOptions())
    {
        { "percent", Syntax.Percent, (o, v) => o with { Percent = v }, "Concurrent retries allowed, as a share of active and pending requests." },
        { "minRetryConcurrency", Syntax.Integer, (o, v) => o with { MinRetryConcurrency = v }, "Concurrent retries always allowed." },
    };

    private static readonly Schema<RetryOptions> Retries = new(new RetryOptions())
    {
        { "attempts", Syntax.Integer, (o, v) => o with { Attempts = v }, "Retries after the first try; 0 disables retries." },
        {
            "retryOn", Syntax.Of("conditions", RetryConditions),
            (o, v) => o with { RetryOn = v.On, RetriableStatusCodes = Union(o.RetriableStatusCodes, v.StatusCodes) },
            "What is retried: Envoy's condition names and bare statuses, as Istio takes them, comma separated or a list."
        },
        {
            "retriableStatusCodes", Syntax.List(Syntax.Integer), (o, v) => o with { RetriableStatusCodes = Union(o.RetriableStatusCodes, v) },
            "Statuses retried under retriable-status-codes, besides those retryOn names."
        },
        { "perTryTimeout", Syntax.Duration, (o, v) => o with { PerTryTimeout = v }, "Timeout of each try; none: the route timeout bounds each try." },
        { "backoff", "{ base, max }", (r, node, path, o) => Backoff.Read(r, node, path, o), "The back-off between tries." },
        { "budget", Syntax.Switchable(Budget), (o, v) => o with { Budget = v }, "Envoy's retry budget; off (the default): connectionPool.maxRetries limits retries." },
        { "previousHosts", Syntax.Boolean, (o, v) => o with { AvoidPreviousHosts = v }, "Avoid hosts already tried (Envoy's previous_hosts predicate, 5 re-picks)." },
    };

    private static readonly Schema<ConnectionLimits> ConnectionPool = new(new ConnectionLimits())
    {
        { "maxConnections", Syntax.Long, (o, v) => o with { MaxConnections = v }, "Connections at once, one request each; past them requests wait as pending." },
        { "maxPendingRequests", Syntax.Long, (o, v) => o with { MaxPendingRequests = v }, "Requests waiting for a connection." },
        { "maxRequests", Syntax.Long, (o, v) => o with { MaxRequests = v }, "Requests in flight at once; past it a request is rejected at once." },
        { "maxRetries", Syntax.Long, (o, v) => o with { MaxRetries = v }, "Concurrent retries, when retries.budget is off." },
        { "connectTimeout", Syntax.Duration, (o, v) => o with { ConnectTimeout = v }, "How long a connection attempt may take; a partitioned peer fails (UF) after it." },
    };

    private static readonly Schema<CircuitBreakerOptions> CircuitBreaker = new(new CircuitBreakerOptions())
    {
        { "mode", Syntax.Choice<BreakOn>(), (o, v) => o with { Mode = v }, "failure-ratio (Polly) or consecutive-failures." },
        { "consecutiveFailures", Syntax.Integer, (o, v) => o with { ConsecutiveFailures = v }, "consecutive-failures: failures in a row that open it." },
        { "failureRatio", Syntax.Ratio, (o, v) => o with { FailureRatio = v }, "failure-ratio: the failure ratio that opens it." },
        { "minimumThroughput", Syntax.Integer, (o, v) => o with { MinimumThroughput = v }, "failure-ratio: outcomes needed in the window." },
        { "samplingDuration", Syntax.Duration, (o, v) => o with { SamplingDuration = v }, "failure-ratio: the rolling window." },
        { "breakDuration", Syntax.Duration, (o, v) => o with { BreakDuration = v }, "How long it stays open before probing." },
        { "halfOpenProbes", Syntax.Integer, (o, v) => o with { HalfOpenProbes = v }, "Probes let through at once while half-open." },
    };

    private static readonly Schema<OutlierDetectionOptions> OutlierDetection = new(new OutlierDetectionOptions())
    {
        { "consecutive5xxErrors", Syntax.Integer, (o, v) => o with { Consecutive5xx = v }, "Failures in a row that eject a host." },
        { "interval", Syntax.Duration, (o, v) => o with { Interval = v }, "How often ejections are reviewed." },
        { "baseEjectionTime", Syntax.Duration, (o, v) => o with { BaseEjectionTime = v }, "The first ejection's length; later ones are multiples." },
        { "maxEjectionTime", Syntax.Duration, (o, v) => o with { MaxEjectionTime = v }, "Cap on one ejection." },
        { "maxEjectionPercent", Syntax.Percent, (o, v) => o with { MaxEjectionPercent = v }, "Most of the destination's hosts ejected at once, the next one counted." },
        { "panicThresholdPercent", Syntax.Percent, (o, v) => o with { PanicThresholdPercent = v }, "Istio's minHealthPercent: below this share of healthy hosts, every host is used again." },
    };

    /// <summary>
    /// A policy. Each section given is built from the profile's defaults for it and replaces that section of the
    /// basis it is read over (<see cref="Schema{T}.Read(YamlReader, YamlNode?, string, T)"/>); the others keep the basis's.
    /// </summary>
    public static readonly Schema<TrafficPolicy> Policy = PolicyKeys(MeshProfile.Istio);

    // The same keys over the envoy profile's defaults: declared once, in PolicyKeys; held apart so that
    // the reference's checks find one schema per kind of mapping.
    private static readonly Schema<TrafficPolicy>[] PoliciesByProfile = [Policy, PolicyKeys(MeshProfile.Envoy)];

    /// <summary>The policy keys whose sections are built from <paramref name="profile"/>'s defaults.</summary>
    public static Schema<TrafficPolicy> PolicyOf(MeshProfile profile) => PoliciesByProfile[(int)profile];

    private static Schema<TrafficPolicy> PolicyKeys(MeshProfile profile)
    {
        var defaults = MeshProfiles.Policy(profile);
        return new(defaults)
        {
            { "timeout", Syntax.Duration, (p, v) => p with { Timeout = v }, "Route timeout over all attempts and back-offs; 0s disables it." },
            { "retries", Syntax.Mapping(Retries, defaults.Retries), (p, v) => p with { Retries = v }, "Retry policy." },
            { "connectionPool", Syntax.Mapping(ConnectionPool, defaults.Limits), (p, v) => p with { Limits = v }, "Envoy's circuit-breaking thresholds: resource limits." },
            { "circuitBreaker", Syntax.Switchable(CircuitBreaker), (p, v) => p with { CircuitBreaker = v }, "An outcome circuit breaker; off by default." },
            {
                "outlierDetection", Syntax.Switchable(OutlierDetection, basis: MeshProfiles.OutlierDetection(profile)), (p, v) => p with { OutlierDetection = v },
                "Passive health checking per host, with ejection; off by default."
            },
            { "loadBalancer", Syntax.Choice<LoadBalancerKind>(), (p, v) => p with { LoadBalancer = v }, "least-request, round-robin or random." },
            { "locality", Syntax.Mapping(ZoneKeys.Locality), (p, v) => p with { Locality = v }, "Locality-aware load balancing over zones (Istio's localityLbSetting)." },
        };
    }

    private static ImmutableArray<int> Union(ImmutableArray<int> codes, ImmutableArray<int> more) =>
        codes.IsDefaultOrEmpty ? more : more.IsDefaultOrEmpty ? codes : [.. codes.Union(more)];

    // ---- security: mesh.security, and the timeline's setSecurity event

    private static readonly Schema<AuthorizationRule> Rule = new(new AuthorizationRule())
    {
        { "from", Syntax.OneOrList(Syntax.Text, "list of sources"), (a, v) => a with { From = v }, "Sources: names, identities or patterns; absent: anyone." },
        { "paths", Syntax.OneOrList(Syntax.Text, "list of paths"), (a, v) => a with { Paths = v }, "Paths: exact or patterns; absent: any path." },
    };

    private static readonly Schema<AuthorizationPolicy> AuthorizationPolicy = new(new AuthorizationPolicy())
    {
        { "name", Syntax.Text, (a, v) => a with { Name = v }, "For messages." },
        { "to", Syntax.Text, (a, v) => a with { To = v }, "The service it applies to; absent: every service." },
        { "action", Syntax.Choice<AuthorizationAction>(), (a, v) => a with { Action = v }, "allow or deny." },
        { "rules", Syntax.List(Syntax.Mapping(Rule)), (a, v) => a with { Rules = v }, "It matches a request any rule matches; none: it matches nothing." },
    };

    private static readonly Syntax<ImmutableDictionary<string, MtlsMode>> ModesByService = Syntax.Of("mapping of service name to choice", MtlsByService);

    public static readonly Schema<SecuritySpec> Security = new(new SecuritySpec())
    {
        { "mtls", Syntax.Choice<MtlsMode>(), (s, v) => s with { Mtls = v }, "Mesh-wide peer authentication: permissive, strict or disable." },
        { "mtlsByService", ModesByService, (s, v) => s with { MtlsByService = v }, "Peer authentication of particular services, over mtls." },
        { "policies", Syntax.List(Syntax.Mapping(AuthorizationPolicy)), (s, v) => s with { Policies = v }, "Authorization policies." },
    };

    public static readonly Schema<MeshSpec> Mesh = new(new MeshSpec())
    {
        { "profile", Syntax.Choice<MeshProfile>(), (m, v) => m with { Profile = v, Defaults = MeshProfiles.Policy(v) }, "Whose defaults policies start from: istio or envoy." },
        { "sidecars", Syntax.Boolean, (m, v) => m with { Sidecars = v }, "Whether pods run a sidecar proxy." },
        { "proxyLatency", Distributions.Value, (m, v) => m with { ProxyLatency = v }, "Time a sidecar adds to each request it forwards." },
        { "defaults", "mapping", (r, node, path, m) => m with { Defaults = PolicyOf(m.Profile).Read(r, node, path, m.Defaults) }, "The policy of every destination without one of its own." },
        { "destinations", "mapping of service name to policy", Destinations, "Policies of calls to particular services, over defaults." },
        { "security", Syntax.Mapping(Security), (m, v) => m with { Security = v }, "Emulated mTLS and authorization." },
    };

    /// <summary>
    /// A timeline <c>setSecurity</c> event: the keys of <c>mesh.security</c>, each optional; each key given
    /// replaces that part of the desired security settings (<see cref="SetSecurityEvent.ApplyTo"/>).
    /// </summary>
    public static SetSecurityEvent SetSecurity(YamlReader r, YamlNode node, string path)
    {
        var s = r.Open(node, path, Security);
        if (s.Mapping is { Children.Count: 0 }) r.Problem(node, path, $"give at least one of {string.Join(", ", Security.Names.Select(k => $"'{k}'"))}");
        return new SetSecurityEvent(
            s["mtls"] is null ? null : s.Get("mtls", MtlsMode.Permissive),
            s["mtlsByService"] is null ? null : s.Get("mtlsByService", ImmutableDictionary<string, MtlsMode>.Empty),
            s["policies"] is null ? null : s.Get("policies", ImmutableArray<AuthorizationPolicy>.Empty));
    }

    /// <summary>Destinations are keyed by service name; each policy is read over <c>mesh.defaults</c>, read before, with the profile's sections.</summary>
    private static MeshSpec Destinations(YamlReader r, YamlNode node, string path, MeshSpec mesh)
    {
        var destinations = ImmutableDictionary.CreateBuilder<string, TrafficPolicy>();
        foreach (var (service, _, value, destinationPath) in r.Entries(node, path) ?? [])
            destinations[service] = PolicyOf(mesh.Profile).Read(r, value, destinationPath, mesh.Defaults);
        return mesh with { Destinations = destinations.ToImmutable() };
    }

    /// <summary>Peer authentication per service: a mapping keyed by service name, like <c>mesh.destinations</c>.</summary>
    private static ImmutableDictionary<string, MtlsMode> MtlsByService(YamlReader r, YamlNode node, string path)
    {
        var modes = ImmutableDictionary.CreateBuilder<string, MtlsMode>(StringComparer.Ordinal);
        foreach (var (service, key, value, servicePath) in r.Entries(node, path) ?? [])
        {
            r.Mark(servicePath, key.Start); // what the validator says here is about the service named
            modes[service] = r.Scalar(value, servicePath, MtlsMode.Permissive, YamlValues.Enum<MtlsMode>);
        }
        return modes.ToImmutable();
    }

    /// <summary>Retry conditions as a comma-separated string or as a list.</summary>
    private static RetryConditions RetryConditions(YamlReader r, YamlNode node, string path)
    {
        var text = node is YamlSequenceNode list
            ? string.Join(",", list.Children.Select((item, i) => r.Scalar(item, $"{path}[{i}]", "", t => t)))
            : r.Scalar(node, path, "", t => t);
        return r.Check(YamlValues.RetryConditions(text), node, path, new RetryConditions(RetryConstants.DefaultRetryOn, []));
    }
}
