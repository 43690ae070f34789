namespace ActorMesh.Scenarios.Yaml;

/// <summary>The keys of a gateway: its client link, authentication and routes.</summary>
internal static class GatewayKeys
{
    private static readonly Schema<AuthSpec> Auth = new(new AuthSpec())
    {
        { "issuer", Syntax.Text, (a, v) => a with { Issuer = v }, "The issuer (iss) a token must name." },
        { "audience", Syntax.Text, (a, v) => a with { Audience = v }, "The audience (aud) a token must name; default: the gateway's name." },
        { "required", Syntax.Boolean, (a, v) => a with { Required = v }, "false: a request without a token passes as anonymous." },
    };

    private static readonly Schema<AggregateBackend> Backend = new(new AggregateBackend { Service = "" })
    {
        { "service", Syntax.Text, (b, v) => b with { Service = v }, "The service called.", Need.Required },
        { "path", Syntax.Text, (b, v) => b with { Path = v }, "The path sent to it." },
        { "timeout", Syntax.Duration, (b, v) => b with { Timeout = v }, "How long the gateway waits for this backend; none: the mesh's route timeout." },
    };

    private static readonly Schema<RateLimitSpec> RateLimit = new(new RateLimitSpec { RequestsPerSecond = 1 })
    {
        { "requestsPerSecond", Syntax.Number, (l, v) => l with { RequestsPerSecond = v }, "Refill rate of the token bucket.", Need.Required },
        { "burst", Syntax.Integer, (l, v) => l with { Burst = v }, "Bucket size; default: requestsPerSecond rounded up." },
        { "perClient", Syntax.Boolean, (l, v) => l with { PerClient = v }, "One bucket per client rather than one for the route." },
        { "maxClients", Syntax.Integer, (l, v) => l with { MaxClients = v }, "Per-client buckets kept at most." },
    };

    private static readonly Schema<CacheSpec> Cache = new(new CacheSpec { Ttl = TimeSpan.FromSeconds(1) })
    {
        { "ttl", Syntax.Duration, (c, v) => c with { Ttl = v }, "How long an entry is served.", Need.Required },
        { "maxEntries", Syntax.Integer, (c, v) => c with { MaxEntries = v }, "Entries kept; one more evicts the oldest." },
        { "perClient", Syntax.Boolean, (c, v) => c with { PerClient = v }, "true for per-user answers." },
    };

    private static readonly Schema<RouteSpec> Route = new(new RouteSpec { Prefix = "" })
    {
        { "prefix", Syntax.Text, (r, v) => r with { Prefix = v }, "Path prefix; the longest wins.", Need.Required },
        { "method", Syntax.Text, (r, v) => r with { Method = v }, "An HTTP method; default: any." },
        { "service", Syntax.Text, (r, v) => r with { Service = v }, "Where the route sends; or an aggregate." },
        { "aggregate", Syntax.List(Syntax.Of("backend", ReadBackend), "list of backends"), (r, v) => r with { Aggregate = v }, "Backends called in parallel, their answers merged." },
        { "onBackendFailure", Syntax.Choice<BackendFailureMode>(), (r, v) => r with { OnBackendFailure = v }, "partial or fail." },
        { "rateLimit", Syntax.Switchable(RateLimit, hasDefaults: false), (r, v) => r with { RateLimit = v }, "A token bucket; a request that finds it empty is answered 429." },
        { "cache", Syntax.Switchable(Cache, hasDefaults: false), (r, v) => r with { Cache = v }, "A response cache." },
    };

    public static readonly Schema<GatewaySpec> Gateway = new(new GatewaySpec { Name = "" })
    {
        { "name", Syntax.Text, (g, v) => g with { Name = v }, "Unique among gateways and services.", Need.Required },
        { "clientLatency", Distributions.Value, (g, v) => g with { ClientLatency = v }, "One-way latency of the client's link." },
        { "zone", Syntax.Text, (g, v) => g with { Zone = v }, "The zone it runs in; its calls prefer that zone. Absent: none." },
        { "perZone", Syntax.Boolean, (g, v) => g with { PerZone = v }, "true: a replica in every zone, the clients of each zone calling theirs." },
        { "auth", Syntax.Switchable(Auth), (g, v) => g with { Auth = v }, "Bearer-token (JWT) authentication at the edge." },
        { "routes", Syntax.List(Syntax.Mapping(Route), "list of routes"), (g, v) => g with { Routes = v }, "At least one route." },
    };

    /// <summary>An aggregation backend: a service name, or a mapping with the service and optional path and timeout.</summary>
    private static AggregateBackend ReadBackend(YamlReader r, YamlNode node, string path) =>
        node is YamlScalarNode ? Backend.Defaults with { Service = r.Scalar(node, path, "", t => t) } : Backend.Read(r, node, path);
}
