namespace ActorMesh.Topology;

/// <summary>
/// An API gateway (edge proxy): the entry point clients call. In order, a request meets
/// authentication (<see cref="Auth"/>), routing (longest prefix, then method), the route's rate
/// limit, the route's response cache, and finally the route's service or aggregation. Several
/// gateways in one topology are backends for frontends (BFF): each has its own routes and its own
/// client link.
/// </summary>
public sealed record GatewaySpec
{
    /// <summary>Gateway name, unique among gateways and services.</summary>
    public required string Name { get; init; }

    /// <summary>Routes, matched by longest path prefix; among routes with the same prefix, one naming the request's method wins over one for any method.</summary>
    public ImmutableArray<RouteSpec> Routes { get; init; } = [];

    /// <summary>One-way latency of the client's link to this gateway (a mobile link: ~40 ms each way). Default zero.</summary>
    public Distribution ClientLatency { get; init; } = Distribution.Zero;

    /// <summary>The zone the gateway runs in: its calls prefer that zone's endpoints (locality). Null (the default): no zone, it balances over every endpoint.</summary>
    public string? Zone { get; init; }

    /// <summary>
    /// True: the gateway runs one replica in every zone of the topology (an ingress gateway per zone, as
    /// multi-zone deployments run them), each in its zone and, on a cluster, on its zone's node; the
    /// load's clients are spread evenly over the zones, each zone's calling its own replica. False (the
    /// default): one gateway, in <see cref="Zone"/> (or none), on the edge.
    /// </summary>
    public bool PerZone { get; init; }

    /// <summary>
    /// The name the running gateway is known by (placement, readiness, config pushes): the gateway's
    /// name, or for a replica of a <see cref="PerZone"/> gateway <c>name@zone</c>. Telemetry keeps the gateway's name.
    /// </summary>
    public string InstanceName => PerZone && Zone is { } zone ? $"{Name}@{zone}" : Name;

    /// <summary>The gateways that run for this one: itself, or one replica in each of <paramref name="zones"/> when <see cref="PerZone"/>.</summary>
    public IEnumerable<GatewaySpec> Instances(ZonesSpec zones)
    {
        if (!PerZone || !zones.Any)
        {
            yield return this;
            yield break;
        }
        foreach (var zone in zones.Names) yield return this with { Zone = zone };
    }

    /// <summary>Bearer-token (JWT) authentication at the edge; null (the default) checks nothing.</summary>
    public AuthSpec? Auth { get; init; }

    /// <summary>The issuer a valid token for this gateway names.</summary>
    public string TokenIssuer => Auth?.Issuer ?? AuthSpec.DefaultIssuer;

    /// <summary>The audience a valid token for this gateway names: <see cref="AuthSpec.Audience"/>, or the gateway's name.</summary>
    public string TokenAudience => Auth?.Audience ?? Name;

    /// <summary>
    /// The routes in the order the gateway tries them: longest prefix first; for equal prefixes a
    /// route with a method before one for any method; otherwise as listed.
    /// </summary>
    public ImmutableArray<RouteSpec> RoutesInMatchOrder() =>
        [.. Routes.OrderByDescending(r => r.Prefix.Length).ThenBy(r => r.Method is null ? 1 : 0)];

    /// <summary>The route a request for <paramref name="path"/> with <paramref name="method"/> takes, or null (404).</summary>
    public RouteSpec? Match(string path, string method)
    {
        foreach (var route in RoutesInMatchOrder())
            if (route.Matches(path, method)) return route;
        return null;
    }
}

/// <summary>
/// A gateway route: requests whose path starts with <see cref="Prefix"/> (and whose method is
/// <see cref="Method"/>, if given) go to <see cref="Service"/>, or are fanned out to the
/// <see cref="Aggregate"/> backends in parallel and merged.
/// </summary>
public sealed record RouteSpec
{
    /// <summary>Backends one aggregation may have at most.</summary>
    public const int MaxAggregateBackends = 64;

    /// <summary>Path prefix, e.g. "/orders".</summary>
    public required string Prefix { get; init; }

    /// <summary>Destination service; empty for an aggregation route.</summary>
    public string Service { get; init; } = "";

    /// <summary>HTTP method the route is for (any case, e.g. "GET"); null (the default) matches any method.</summary>
    public string? Method { get; init; }

    /// <summary>
    /// Backends called in parallel and merged into one response; empty (the default) for a route to
    /// one <see cref="Service"/>. A route has either a service or an aggregate.
    /// </summary>
    public ImmutableArray<AggregateBackend> Aggregate { get; init; } = [];

    /// <summary>What an aggregation answers when a backend fails or times out. Default <see cref="BackendFailureMode.Partial"/>.</summary>
    public BackendFailureMode OnBackendFailure { get; init; } = BackendFailureMode.Partial;

    /// <summary>Token-bucket rate limit of the route; null (the default) limits nothing.</summary>
    public RateLimitSpec? RateLimit { get; init; }

    /// <summary>Response cache of the route; null (the default) caches nothing.</summary>
    public CacheSpec? Cache { get; init; }

    /// <summary>True for an aggregation route.</summary>
    public bool IsAggregate => !Aggregate.IsEmpty;

    /// <summary>True when a request for <paramref name="path"/> with <paramref name="method"/> fits this route.</summary>
    public bool Matches(string path, string method) =>
        path.StartsWith(Prefix, StringComparison.Ordinal) && (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One backend of an aggregation route.</summary>
public sealed record AggregateBackend
{
    /// <summary>Service called.</summary>
    public required string Service { get; init; }

    /// <summary>Path sent to the service. Default "/".</summary>
    public string Path { get; init; } = "/";

    /// <summary>
    /// How long the gateway waits for this backend before counting it as failed (timed out), from
    /// the moment the fan-out starts. Default zero: no timeout of its own, only the mesh's route
    /// timeout for the service (15 s by default).
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.Zero;
}

/// <summary>What an aggregation answers when one of its backends fails or times out.</summary>
public enum BackendFailureMode
{
    /// <summary>
    /// Wait for every backend (or its timeout) and answer 200 with what arrived, flagged
    /// <c>Degraded</c>. When every backend failed there is nothing to merge: 502, or 504 when one timed out.
    /// </summary>
    Partial,
    /// <summary>Fail the whole request as soon as one backend fails: 502, or 504 when it timed out.</summary>
    Fail,
}

/// <summary>
/// A token bucket (Envoy's local rate limit): it holds at most <see cref="EffectiveBurst"/> tokens,
/// starts full, and refills at <see cref="RequestsPerSecond"/> from the mesh clock; a request takes
/// one token or is refused with 429.
/// </summary>
public sealed record RateLimitSpec
{
    /// <summary>Refill rate, in requests per second.</summary>
    public required double RequestsPerSecond { get; init; }

    /// <summary>Bucket size: requests allowed at once after a quiet spell. Default null: <see cref="RequestsPerSecond"/> rounded up, at least 1.</summary>
    public int? Burst { get; init; }

    /// <summary>
    /// True: one bucket per client id (the token's subject; requests without a token share one
    /// bucket). False (the default): one bucket for the whole route.
    /// </summary>
    public bool PerClient { get; init; }

    /// <summary>
    /// Per-client buckets kept at most. When the table is full, buckets that have refilled completely
    /// (indistinguishable from new ones) are dropped; if none has, a new client shares one overflow
    /// bucket with the other clients that did not fit, and that is counted. Default 10,000.
    /// </summary>
    public int MaxClients { get; init; } = 10_000;

    /// <summary>The bucket size in force.</summary>
    public int EffectiveBurst => Burst ?? (int)Math.Max(1, Math.Ceiling(RequestsPerSecond));

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Require(RequestsPerSecond is > 0 and <= 10_000_000, "requestsPerSecond", "must be greater than 0 and at most 10000000");
        if (Burst is { } burst) at.Require(burst is >= 1 and <= 10_000_000, "burst", "must be between 1 and 10000000");
        at.Require(MaxClients is >= 1 and <= 1_000_000, "maxClients", "must be between 1 and 1000000");
    }
}

/// <summary>
/// A response cache on a route, as a shared HTTP cache at the edge: only GET and HEAD requests are
/// cached; an entry is keyed by method and path (and the client id with <see cref="PerClient"/>),
/// stored from a 2xx answer (never a degraded one) and served until its TTL has passed on the mesh
/// clock. Concurrent misses for one key each fetch (no request coalescing).
/// </summary>
public sealed record CacheSpec
{
    /// <summary>How long an entry is served after it was stored.</summary>
    public required TimeSpan Ttl { get; init; }

    /// <summary>Entries kept at most; storing beyond it evicts the oldest entry, and evictions are counted. Default 10,000.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>
    /// True: entries are per client id (per-user answers, such as a user's own dashboard). False (the
    /// default): one entry per method and path shared by every client, which is right only for
    /// answers that are the same for everyone (public data).
    /// </summary>
    public bool PerClient { get; init; }

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Positive("ttl", Ttl);
        at.Require(MaxEntries is >= 1 and <= 10_000_000, "maxEntries", "must be between 1 and 10000000");
    }
}

/// <summary>
/// Emulated JWT bearer-token authentication, checked once at the edge: a token must name the
/// issuer and audience, must not have expired by the mesh clock, and must have a valid signature.
/// A bad or missing token is answered 401 and never reaches a service.
/// </summary>
public sealed record AuthSpec
{
    /// <summary>The issuer used when none is given.</summary>
    public const string DefaultIssuer = "https://auth.actormesh.local";

    /// <summary>Issuer (<c>iss</c>) a token must name. Default <see cref="DefaultIssuer"/>.</summary>
    public string Issuer { get; init; } = DefaultIssuer;

    /// <summary>Audience (<c>aud</c>) a token must name. Default null: the gateway's name, so a mobile token is no good at the web gateway.</summary>
    public string? Audience { get; init; }

    /// <summary>
    /// True (the default): a request without a token is refused. False: it passes as anonymous,
    /// but a token that is present must still be valid (Envoy's <c>allow_missing</c>).
    /// </summary>
    public bool Required { get; init; } = true;

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Require(!string.IsNullOrWhiteSpace(Issuer), "issuer", "must not be empty");
        if (Audience is not null) at.Require(!string.IsNullOrWhiteSpace(Audience), "audience", "must not be empty");
    }
}
