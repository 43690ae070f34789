namespace ActorMesh.DataPlane.LoadBalancing;

/// <summary>How a proxy picks an endpoint among the healthy hosts of a destination.</summary>
public enum LoadBalancerKind
{
    /// <summary>Each healthy host in turn, from a random first host per proxy (Envoy's ROUND_ROBIN).</summary>
    RoundRobin,
    /// <summary>A uniformly random healthy host (Envoy's RANDOM).</summary>
    Random,
    /// <summary>Power of two choices, drawn with replacement: the one with fewer active requests wins (Envoy's LEAST_REQUEST; Istio's default).</summary>
    LeastRequest,
}

/// <summary>
/// Picks a host index from a destination's healthy set, as Envoy's load balancers do
/// (source/extensions/load_balancing_policies: round_robin, random, least_request). Plain and
/// single-threaded: the owning proxy passes in the healthy list and each host's active request count.
/// </summary>
internal sealed class LoadBalancer(LoadBalancerKind kind, MeshRandom random)
{
    // Round robin's next index; -1 until the first pick draws a random start, as Envoy seeds each
    // balancer's index with a random value so that proxies do not all start on the same host.
    private long _next = -1;

    /// <summary>The algorithm.</summary>
    public LoadBalancerKind Kind { get; } = kind;

    /// <summary>
    /// Picks one of the first <paramref name="count"/> entries of <paramref name="candidates"/> (host indices),
    /// or -1 when there is none. With <paramref name="tried"/> (the hosts this request was sent to already), a pick
    /// of one of them is redrawn up to <see cref="RetryConstants.HostSelectionRetryMaxAttempts"/> times, then kept:
    /// Envoy's <c>previous_hosts</c> retry host predicate with Istio's <c>host_selection_retry_max_attempts</c> 5
    /// (Envoy's ZoneAwareLoadBalancerBase::chooseHost).
    /// </summary>
    public int Pick(int[] candidates, int count, int[] activeRequests, TriedHosts? tried = null) =>
        Pick(candidates.AsSpan(0, Math.Max(0, count)), activeRequests, tried);

    /// <summary>Picks one of <paramref name="candidates"/> (host indices), or -1 when there is none; as <see cref="Pick(int[], int, int[], TriedHosts?)"/>.</summary>
    public int Pick(ReadOnlySpan<int> candidates, int[] activeRequests, TriedHosts? tried = null)
    {
        if (candidates.Length == 0) return -1;
        if (candidates.Length == 1) return candidates[0];
        var host = PickOnce(candidates, activeRequests);
        if (tried is null || tried.Count == 0) return host;
        for (var i = 0; tried.Contains(host) && i < RetryConstants.HostSelectionRetryMaxAttempts; i++)
            host = PickOnce(candidates, activeRequests);
        return host;
    }

    private int PickOnce(ReadOnlySpan<int> candidates, int[] activeRequests)
    {
        var count = candidates.Length;
        switch (Kind)
        {
            case LoadBalancerKind.RoundRobin:
                if (_next < 0) _next = random.NextInt(int.MaxValue);
                return candidates[(int)(_next++ % count)];
            case LoadBalancerKind.Random:
                return candidates[random.NextInt(count)];
            default:
                // Two choices drawn independently (they may be the same host); a tie keeps the first.
                var a = candidates[random.NextInt(count)];
                var b = candidates[random.NextInt(count)];
                return activeRequests[b] < activeRequests[a] ? b : a;
        }
    }
}

/// <summary>
/// The hosts one request has been sent to, which the next pick avoids (<see cref="LoadBalancer.Pick(ReadOnlySpan{int}, int[], TriedHosts?)"/>).
/// Kept with its pooled call and cleared for the next: it allocates only when a request tries more than
/// four hosts.
/// </summary>
internal sealed class TriedHosts
{
    private int[] _hosts = new int[4];

    /// <summary>Hosts recorded.</summary>
    public int Count { get; private set; }

    /// <summary>Records <paramref name="host"/> (a negative index, a host gone from the list, is ignored).</summary>
    public void Add(int host)
    {
        if (host < 0 || Contains(host)) return;
        if (Count == _hosts.Length) Array.Resize(ref _hosts, Count * 2);
        _hosts[Count++] = host;
    }

    /// <summary>True when <paramref name="host"/> was tried.</summary>
    public bool Contains(int host)
    {
        for (var i = 0; i < Count; i++)
            if (_hosts[i] == host) return true;
        return false;
    }

    /// <summary>Forgets every host.</summary>
    public void Clear() => Count = 0;
}
