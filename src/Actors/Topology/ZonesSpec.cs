namespace ActorMesh.Topology;

/// <summary>
/// The zones of a topology (Kubernetes' <c>topology.kubernetes.io/zone</c>): their names and the one-way
/// latency of a hop within a zone and between each pair of zones. A pod carries one zone: each service
/// spreads its replicas over the zones round-robin (<see cref="ServiceSpec.Zones"/> pins them to some).
/// Zones are part of the model, on one node as on a cluster; there, placement maps them onto nodes.
/// </summary>
public sealed record ZonesSpec
{
    /// <summary>The zone names, in order; empty (the default) means the topology has no zones.</summary>
    public ImmutableArray<string> Names { get; init; } = [];

    /// <summary>One-way latency of a hop between two pods of the same zone; null (the default) keeps <see cref="NetworkSpec.Latency"/>.</summary>
    public Distribution? Within { get; init; }

    /// <summary>One-way latency of a hop between two zones; null (the default) keeps <see cref="NetworkSpec.Latency"/>.</summary>
    public Distribution? Between { get; init; }

    /// <summary>Latency of particular zone pairs (either direction; a pair of one zone with itself sets that zone's own), over <see cref="Within"/> and <see cref="Between"/>.</summary>
    public ImmutableArray<ZoneLatency> Pairs { get; init; } = [];

    /// <summary>True when the topology has zones.</summary>
    public bool Any => !Names.IsDefaultOrEmpty;

    /// <summary>The latency between zones <paramref name="a"/> and <paramref name="b"/>, or <paramref name="fallback"/> when one has none or nothing is set.</summary>
    public Distribution LatencyBetween(string? a, string? b, Distribution fallback)
    {
        if (a is null || b is null) return fallback;
        foreach (var p in Pairs)
            if ((p.From == a && p.To == b) || (p.From == b && p.To == a)) return p.Latency;
        return (a == b ? Within : Between) ?? fallback;
    }

    /// <summary>The zone of instance <paramref name="index"/> of <paramref name="service"/>: its zones (or all) in turn; null without zones.</summary>
    public string? ZoneOf(ServiceSpec service, int index)
    {
        var zones = service.Zones.IsDefaultOrEmpty ? Names : service.Zones;
        return zones.IsDefaultOrEmpty ? null : zones[index % zones.Length];
    }
}

/// <summary>The one-way latency between two zones (either direction).</summary>
public sealed record ZoneLatency(string From, string To, Distribution Latency);
