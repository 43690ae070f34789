using ActorMesh.DataPlane.LoadBalancing;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>The keys of <c>zones</c>, of a policy's <c>locality</c>, and of a network fault (<c>network.faults</c>, the timeline's <c>networkFault</c>).</summary>
internal static class ZoneKeys
{
    private static readonly Schema<ZoneLatency> Pair = new(new ZoneLatency("", "", Distribution.Zero))
    {
        { "zones", Syntax.List(Syntax.Text, "list of zone names"), PairOf, "The two zones (one: the latency within it); the pair holds in both directions.", Need.Required },
        { "latency", Distributions.Value, (p, v) => p with { Latency = v }, "One-way latency between them.", Need.Required },
    };

    /// <summary>The pair's zones: two, or one for the latency within it; more or none leave a name empty, which the validator reports.</summary>
    private static ZoneLatency PairOf(ZoneLatency pair, ImmutableArray<string> zones) => zones.Length switch
    {
        1 => pair with { From = zones[0], To = zones[0] },
        2 => pair with { From = zones[0], To = zones[1] },
        _ => pair with { From = "", To = "" },
    };

    public static readonly Schema<ZonesSpec> Zones = new(new ZonesSpec())
    {
        { "names", Syntax.List(Syntax.Text, "list of zone names"), (z, v) => z with { Names = v }, "The zones, in order; services spread their pods over them in turn.", Need.Required },
        { "within", Distributions.Value, (z, v) => z with { Within = v }, "One-way latency of a hop inside a zone; absent: network.latency." },
        { "between", Distributions.Value, (z, v) => z with { Between = v }, "One-way latency of a hop between two zones; absent: network.latency." },
        { "pairs", Syntax.List(Syntax.Mapping(Pair)), (z, v) => z with { Pairs = v }, "The latency between particular zones." },
    };

    private static readonly Schema<LocalityFailover> Failover = new(new LocalityFailover("", ""))
    {
        { "from", Syntax.Text, (f, v) => f with { From = v }, "The callers' zone.", Need.Required },
        { "to", Syntax.Text, (f, v) => f with { To = v }, "A zone they fail over to; entries with the same from are in order.", Need.Required },
    };

    private static readonly Schema<LocalityDistribute> Distribute = new(new LocalityDistribute("", ImmutableDictionary<string, int>.Empty))
    {
        { "from", Syntax.Text, (d, v) => d with { From = v }, "The callers' zone, or * for any.", Need.Required },
        { "to", "mapping of zone name to weight", (r, node, path, d) => d with { To = Weights(r, node, path) }, "Each zone's weight: its share of those callers' calls.", Need.Required },
    };

    public static readonly Schema<LocalityOptions> Locality = new(new LocalityOptions())
    {
        { "enabled", Syntax.Boolean, (l, v) => l with { Enabled = v }, "Whether locality applies (in effect with zones and outlier detection)." },
        { "failover", Syntax.List(Syntax.Mapping(Failover)), (l, v) => l with { Failover = v }, "The zones callers in a zone fail over to, in order." },
        { "distribute", Syntax.List(Syntax.Mapping(Distribute)), (l, v) => l with { Distribute = v }, "Weights per zone instead of priorities." },
    };

    public static readonly Schema<NetworkFault> Fault = new(new NetworkFault())
    {
        { "kind", Syntax.Choice<NetworkFaultKind>(), (f, v) => f with { Kind = v }, "partition, loss, latency, bandwidth or reset-peer.", Need.Required },
        { "from", Syntax.Text, (f, v) => f with { From = v }, "One end: a service or gateway, or * (the default)." },
        { "to", Syntax.Text, (f, v) => f with { To = v }, "The other end; a fault holds in both directions." },
        { "fromZone", Syntax.Text, (f, v) => f with { FromZone = v }, "One end's zone, or * (the default)." },
        { "toZone", Syntax.Text, (f, v) => f with { ToZone = v }, "The other end's zone." },
        { "zone", Syntax.Text, (f, v) => f with { Zone = v }, "A zone cut off: hops with exactly one end in it." },
        { "pod", Syntax.Text, (f, v) => f with { Pod = v }, "One pod: hops to or from it." },
        { "rate", Syntax.Ratio, (f, v) => f with { Rate = v }, "loss, reset-peer: the share of messages hit; default 100%." },
        { "latency", Distributions.Value, (f, v) => f with { Latency = v }, "latency: what each message takes more." },
        { "bandwidth", Syntax.Size, (f, v) => f with { BytesPerSecond = v }, "bandwidth: the link's bytes per second." },
        { "until", Syntax.Duration, (f, v) => f with { Until = v }, "Timeline only: when the fault ends, after the load started." },
    };

    /// <summary>Weights keyed by zone name.</summary>
    private static ImmutableDictionary<string, int> Weights(YamlReader r, YamlNode node, string path)
    {
        var weights = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        foreach (var (zone, key, value, zonePath) in r.Entries(node, path) ?? [])
        {
            r.Mark(zonePath, key.Start);
            weights[zone] = r.Scalar(value, zonePath, 0, YamlValues.Integer<int>);
        }
        return weights.ToImmutable();
    }
}
