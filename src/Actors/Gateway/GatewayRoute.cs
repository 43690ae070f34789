namespace ActorMesh.Gateway;

/// <summary>
/// A route as the gateway runs it: the spec's values laid out for the hot path, plus the route's
/// state (rate-limit buckets, cache). Built once per config; a route whose spec did not change
/// keeps its state across pushes.
/// </summary>
internal sealed class GatewayRoute
{
    public GatewayRoute(RouteSpec spec, long now)
    {
        Spec = spec;
        Prefix = spec.Prefix;
        Method = spec.Method?.ToUpperInvariant();
        Service = spec.Service;
        var backends = spec.Aggregate;
        Backends = [.. backends];
        BackendTimeouts = new long[backends.Length];
        for (var i = 0; i < backends.Length; i++) BackendTimeouts[i] = backends[i].Timeout.Ticks;
        FailFast = spec.OnBackendFailure == BackendFailureMode.Fail;
        Limiter = spec.RateLimit is { } limit ? new RateLimiter(limit, now) : null;
        Cache = spec.Cache is { } cache ? new ResponseCache(cache) : null;
    }

    public RouteSpec Spec { get; }
    public string Prefix { get; }
    /// <summary>Upper case; null for any method.</summary>
    public string? Method { get; }
    public string Service { get; }
    public AggregateBackend[] Backends { get; }
    /// <summary>Per backend, its own timeout in ticks (0: none).</summary>
    public long[] BackendTimeouts { get; }
    public bool IsAggregate => Backends.Length > 0;
    public bool FailFast { get; }
    public RateLimiter? Limiter { get; }
    public ResponseCache? Cache { get; }

    public bool Matches(string path, string method) =>
        path.StartsWith(Prefix, StringComparison.Ordinal) && (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The routes of <paramref name="spec"/> in match order; a route equal to one in
    /// <paramref name="previous"/> is that same object, so it keeps its buckets and cache.
    /// </summary>
    public static GatewayRoute[] Compile(GatewaySpec spec, GatewayRoute[] previous, long now)
    {
        var ordered = spec.RoutesInMatchOrder();
        var routes = new GatewayRoute[ordered.Length];
        for (var i = 0; i < ordered.Length; i++)
            routes[i] = Array.Find(previous, p => p.Spec.Equals(ordered[i])) ?? new GatewayRoute(ordered[i], now);
        return routes;
    }
}
