namespace ActorMesh.Topology;

/// <summary>
/// A whole system to emulate: services, network, mesh policies, gateways and load. Immutable;
/// built from a YAML topology file or with <see cref="TopologyBuilder"/>, and validated once by
/// <see cref="TopologyValidator"/>, which reports every problem at once.
/// </summary>
public sealed record MeshTopology
{
    /// <summary>Name shown in reports.</summary>
    public required string Name { get; init; }

    /// <summary>What the topology shows, one line. Default none.</summary>
    public string? Description { get; init; }

    /// <summary>Seed of the run's random source. Default 1.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>
    /// Cluster nodes to run on, in one process (named node-1 … node-N); 1 runs everything in one
    /// ActorSystem without a cluster. The console's <c>--nodes</c> overrides it. Default 1.
    /// </summary>
    public int Nodes { get; init; } = 1;

    /// <summary>The services.</summary>
    public ImmutableArray<ServiceSpec> Services { get; init; } = [];

    /// <summary>The zones pods run in, and the latency within and between them. Default none.</summary>
    public ZonesSpec Zones { get; init; } = new();

    /// <summary>The network between workloads.</summary>
    public NetworkSpec Network { get; init; } = new();

    /// <summary>The mesh: sidecars and policies.</summary>
    public MeshSpec Mesh { get; init; } = new();

    /// <summary>Gateways. When there is none, an implicit gateway <c>edge</c> routes to the entrypoint services (see <see cref="Normalized"/>).</summary>
    public ImmutableArray<GatewaySpec> Gateways { get; init; } = [];

    /// <summary>The load profile.</summary>
    public LoadProfile Load { get; init; } = new();

    /// <summary>Changes applied during the run, by time since the load started.</summary>
    public ImmutableArray<TimelineEntry> Timeline { get; init; } = [];

    /// <summary>
    /// Thresholds the run must meet (<c>okRate &gt;= 99%</c>, <c>p99 &lt;= 50ms</c>); a run that misses one exits
    /// with code 3. Default none.
    /// </summary>
    public ImmutableArray<ActorMesh.Telemetry.Metrics.SloThreshold> Slo { get; init; } = [];

    /// <summary>Starts a fluent builder.</summary>
    public static TopologyBuilder Create(string name) => new(name);

    /// <summary>The service named <paramref name="name"/>, or null.</summary>
    public ServiceSpec? Service(string name)
    {
        foreach (var s in Services) if (s.Name == name) return s;
        return null;
    }

    /// <summary>The zone of instance <paramref name="index"/> of <paramref name="service"/>, or null when the topology has no zones.</summary>
    public string? ZoneOf(ServiceSpec service, int index) => Zones.ZoneOf(service, index);

    /// <summary>The one-way latency of a hop from <paramref name="from"/> (in <paramref name="fromZone"/>) to <paramref name="to"/> (in <paramref name="toZone"/>): an edge's when one matches, else the zones', else the network's.</summary>
    public Distribution LatencyBetween(string from, string? fromZone, string to, string? toZone) =>
        Network.EdgeBetween(from, to) ?? Zones.LatencyBetween(fromZone, toZone, Network.Latency);

    /// <summary>The gateway the load generator sends to.</summary>
    public GatewaySpec EntryGateway =>
        (Load.Gateway is { } g ? Gateways.FirstOrDefault(x => x.Name == g) : null) ?? Gateways.First();

    /// <summary>Gateways that run: one per gateway, and one per zone for a gateway per zone (see <see cref="GatewaySpec.Instances"/>).</summary>
    public int GatewayInstances
    {
        get
        {
            var count = 0;
            foreach (var g in Gateways) count += g.PerZone && Zones.Any ? Zones.Names.Length : 1;
            return count;
        }
    }

    /// <summary>Name of the implicit gateway added to topologies without one.</summary>
    public const string ImplicitGatewayName = "edge";

    /// <summary>
    /// This topology with an implicit gateway when it has none: <c>edge</c> routes <c>/</c> to the
    /// first entrypoint service (or the first service) and <c>/&lt;name&gt;</c> to every entrypoint.
    /// </summary>
    public MeshTopology Normalized()
    {
        if (!Gateways.IsEmpty || Services.IsEmpty) return this;
        var entries = Services.Where(s => s.IsEntrypoint).ToList();
        if (entries.Count == 0) entries.Add(Services[0]);
        var routes = ImmutableArray.CreateBuilder<RouteSpec>();
        routes.Add(new RouteSpec { Prefix = "/", Service = entries[0].Name });
        foreach (var e in entries) routes.Add(new RouteSpec { Prefix = "/" + e.Name, Service = e.Name });
        return this with { Gateways = [new GatewaySpec { Name = ImplicitGatewayName, Routes = routes.ToImmutable() }] };
    }
}
