using ActorMesh.Randomness;

namespace ActorMesh.DataPlane.LoadBalancing;

/// <summary>How a proxy picks an endpoint among the healthy hosts of a destination.</summary>
public enum LoadBalancerKind
{
    /// <summary>Each healthy host in turn (Envoy's ROUND_ROBIN).</summary>
    RoundRobin,
    /// <summary>A uniformly random healthy host (Envoy's RANDOM).</summary>
    Random,
    /// <summary>Power of two choices: two random healthy hosts, the one with fewer active requests wins (Envoy's LEAST_REQUEST; Istio's default).</summary>
    LeastRequest,
}

/// <summary>
/// Picks a host index from a destination's healthy set. Plain and single-threaded: the owning
/// proxy passes in the healthy list and each host's active request count.
/// </summary>
public sealed class LoadBalancer(LoadBalancerKind kind, MeshRandom random)
{
    private int _next;

    /// <summary>The algorithm.</summary>
    public LoadBalancerKind Kind { get; } = kind;

    /// <summary>
    /// Picks one of the first <paramref name="count"/> entries of <paramref name="candidates"/> (host indices),
    /// avoiding <paramref name="avoid"/> (the host tried last) when another is available. Returns -1 when there is none.
    /// </summary>
    public int Pick(int[] candidates, int count, int[] activeRequests, int avoid = -1)
    {
        if (count <= 0) return -1;
        if (count == 1) return candidates[0];
        var host = PickOnce(candidates, count, activeRequests, avoid);
        // Istio's previous_hosts predicate: re-select a few times rather than hit the same host again.
        for (var i = 0; host == avoid && i < 5; i++) host = PickOnce(candidates, count, activeRequests, avoid);
        return host;
    }

    private int PickOnce(int[] candidates, int count, int[] activeRequests, int avoid)
    {
        switch (Kind)
        {
            case LoadBalancerKind.RoundRobin:
                var i = _next++ % count;
                if (_next == int.MaxValue) _next = 0;
                return candidates[i];
            case LoadBalancerKind.Random:
                return candidates[random.NextInt(count)];
            default:
                var a = candidates[random.NextInt(count)];
                var b = candidates[random.NextInt(count)];
                if (a == b && count > 1) b = candidates[(Array.IndexOf(candidates, a, 0, count) + 1) % count];
                // The two choices are distinct, so re-selecting would keep the avoided host whenever it is
                // the less loaded one (a failing host answers fast): take the other choice instead.
                if (a == avoid) return b;
                if (b == avoid) return a;
                return activeRequests[b] < activeRequests[a] ? b : a;
        }
    }
}
