using ActorMesh.DataPlane;

namespace ActorMesh.Telemetry;

/// <summary>
/// Counters of one gateway. Plain fields, no synchronisation: only the gateway's actor writes them
/// (one message at a time); reports read them once the run has settled, as with
/// <see cref="MeshTelemetry"/>. Every request a gateway receives ends in exactly one of
/// <see cref="AuthRejected"/>, <see cref="NoRoute"/>, <see cref="RateLimited"/>, <see cref="CacheHits"/>,
/// <see cref="Routed"/>, <see cref="Aggregated"/> and <see cref="Overflows"/>.
/// </summary>
internal sealed class GatewayStats
{
    /// <summary>Requests received from clients.</summary>
    public long Requests;
    /// <summary>Requests sent on to a single service (cache misses included).</summary>
    public long Routed;
    /// <summary>Requests fanned out to an aggregation's backends (cache misses included).</summary>
    public long Aggregated;
    /// <summary>Aggregations answered 200 with part of the backends' answers (flag DG).</summary>
    public long Degraded;
    /// <summary>Aggregations answered 502 or 504 because backends failed or timed out.</summary>
    public long AggregateFailed;
    /// <summary>Backends of aggregations the gateway stopped waiting for at their own timeout.</summary>
    public long BackendTimeouts;
    /// <summary>Requests refused with 401 by authentication.</summary>
    public long AuthRejected;
    /// <summary>Of <see cref="AuthRejected"/>, by <see cref="TokenProblem"/> (index = the enum's value).</summary>
    public readonly long[] AuthRejectedBy = new long[Enum.GetValues<TokenProblem>().Length];
    /// <summary>Requests no route matched (404).</summary>
    public long NoRoute;
    /// <summary>Requests refused with 429 by a route's rate limit.</summary>
    public long RateLimited;
    /// <summary>Requests of new clients that shared a route's overflow bucket because its per-client table was full.</summary>
    public long RateLimitOverflowed;
    /// <summary>Requests answered from a route's response cache.</summary>
    public long CacheHits;
    /// <summary>Cacheable requests (GET, HEAD on a cached route) not in the cache.</summary>
    public long CacheMisses;
    /// <summary>Live cache entries evicted to make room (bounded caches).</summary>
    public long CacheEvictions;
    /// <summary>Requests refused with 503 because the gateway's table of aggregations and cache fills was full.</summary>
    public long Overflows;

    /// <summary>Adds <paramref name="other"/>'s counts (the same gateway on another node, or an earlier incarnation).</summary>
    public void Add(GatewayStats other)
    {
        Requests += other.Requests; Routed += other.Routed; Aggregated += other.Aggregated; Degraded += other.Degraded;
        AggregateFailed += other.AggregateFailed; BackendTimeouts += other.BackendTimeouts; AuthRejected += other.AuthRejected;
        for (var i = 0; i < AuthRejectedBy.Length; i++) AuthRejectedBy[i] += other.AuthRejectedBy[i];
        NoRoute += other.NoRoute; RateLimited += other.RateLimited; RateLimitOverflowed += other.RateLimitOverflowed;
        CacheHits += other.CacheHits; CacheMisses += other.CacheMisses; CacheEvictions += other.CacheEvictions; Overflows += other.Overflows;
    }
}

/// <summary>The <see cref="GatewayStats"/> of every gateway of a run, by name.</summary>
internal sealed class GatewayTelemetry
{
    private readonly Dictionary<string, GatewayStats> _byName = new(StringComparer.Ordinal);

    /// <summary>The counters of gateway <paramref name="name"/>, created on first use; the same object after a restart.</summary>
    public GatewayStats For(string name)
    {
        lock (_byName)
        {
            if (!_byName.TryGetValue(name, out var stats)) _byName[name] = stats = new GatewayStats();
            return stats;
        }
    }

    /// <summary>Every gateway's counters, by name (read once the run has settled).</summary>
    public IReadOnlyList<KeyValuePair<string, GatewayStats>> All()
    {
        lock (_byName) return [.. _byName.OrderBy(kv => kv.Key, StringComparer.Ordinal)];
    }
}
