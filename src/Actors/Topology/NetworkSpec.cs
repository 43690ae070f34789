namespace ActorMesh.Topology;

/// <summary>
/// The network between workloads: one-way latency of each message that crosses it (a request and
/// its response each take one sample), by default and per edge.
/// </summary>
public sealed record NetworkSpec
{
    /// <summary>Default one-way hop latency: 0.5 ms, a 1 ms round trip inside a data centre.</summary>
    public static readonly Distribution DefaultLatency = Distribution.Constant(0.5);

    /// <summary>One-way latency of every hop without an edge of its own. Default constant 0.5 ms.</summary>
    public Distribution Latency { get; init; } = DefaultLatency;

    /// <summary>Latency of particular edges; <c>*</c> matches any workload.</summary>
    public ImmutableArray<EdgeLatency> Edges { get; init; } = [];

    /// <summary>Network faults in force for the whole run (timeline events add more for a while). Default none.</summary>
    public ImmutableArray<NetworkFault> Faults { get; init; } = [];

    /// <summary>The latency between two workloads (services or gateways), in either direction.</summary>
    public Distribution LatencyBetween(string from, string to) => EdgeBetween(from, to) ?? Latency;

    /// <summary>The latency of the edge between two workloads (either direction; an exact edge before a wildcard), or null when none matches.</summary>
    public Distribution? EdgeBetween(string from, string to)
    {
        Distribution? wildcard = null;
        foreach (var e in Edges)
        {
            if ((e.From == from && e.To == to) || (e.From == to && e.To == from)) return e.Latency;
            if (wildcard is null && (Matches(e.From, from) && Matches(e.To, to) || Matches(e.From, to) && Matches(e.To, from))) wildcard = e.Latency;
        }
        return wildcard;
    }

    private static bool Matches(string pattern, string name) => pattern == "*" || pattern == name;
}

/// <summary>The latency of one edge between two workloads (either direction).</summary>
public sealed record EdgeLatency(string From, string To, Distribution Latency);
