using ActorMesh.Scenarios.Metrics;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>
/// Reads one YAML document into a <see cref="MeshTopology"/> in a single pass. A bad value is
/// reported and replaced by the field's default, so reading goes on and every problem is found.
/// Paths are the validator's (<c>services[2].script[1].call</c>), and the reader remembers where
/// each path is in the file so that validation errors can be located as well.
/// </summary>
/// <remarks>
/// Each section's keys are declared once, in a <see cref="Schema{T}"/> with their syntax, default and
/// meaning: the top level here, then <see cref="MeshKeys"/> (network, mesh, policies, security),
/// <see cref="ServiceKeys"/> (services, scripts, modules, sidecars), <see cref="GatewayKeys"/>,
/// <see cref="LoadKeys"/> and <see cref="TimelineKeys"/>.
/// </remarks>
internal sealed class TopologyReader(string file)
{
    /// <summary>The keys of a topology file's top level.</summary>
    internal static readonly Schema<MeshTopology> TopLevel = new(new MeshTopology { Name = "" })
    {
        { "name", Syntax.Text, (t, v) => t with { Name = v }, "Names the run in the console and the report.", Need.Required },
        { "description", Syntax.Text, (t, v) => t with { Description = v }, "One line on what the topology shows." },
        { "seed", Syntax.Long, (t, v) => t with { Seed = v }, "Seed of the run's random source." },
        { "nodes", Syntax.Integer, (t, v) => t with { Nodes = v }, "Cluster nodes to run on in one process." },
        { "zones", Syntax.Mapping(ZoneKeys.Zones), (t, v) => t with { Zones = v }, "Zones pods run in, and the latency within and between them." },
        { "network", Syntax.Mapping(MeshKeys.Network), (t, v) => t with { Network = v }, "Latency between workloads, and network faults." },
        { "mesh", Syntax.Mapping(MeshKeys.Mesh), (t, v) => t with { Mesh = v }, "Sidecars, their policies and security." },
        { "services", Syntax.List(Syntax.Mapping(ServiceKeys.Service), "list of services"), (t, v) => t with { Services = v }, "At least one; the validator says so when there is none." },
        { "gateways", Syntax.List(Syntax.Mapping(GatewayKeys.Gateway), "list of gateways"), (t, v) => t with { Gateways = v }, "The entry points clients call." },
        { "load", Syntax.Mapping(LoadKeys.Load), (t, v) => t with { Load = v }, "What the load generator sends." },
        // After mesh: a policy push starts from the file's policy for its destination.
        { "timeline", "list of events", (r, node, path, t) => t with { Timeline = r.List(node, path, (n, p) => TimelineKeys.Read(r, n, p, t.Mesh)) }, "Changes during the run." },
        { "slo", Syntax.List(Syntax.Scalar<SloThreshold>("threshold", MetricExpressions.ThresholdValue), "list of thresholds"), (t, v) => t with { Slo = v },
            "Thresholds the run must meet, e.g. 'p99 <= 50ms'; a run that misses one exits with code 3." },
    };

    private readonly YamlReader _reader = new(file, KeyRules.Strict);
    private readonly List<string> _destinations = [];

    /// <summary>Problems found while reading, in the order found.</summary>
    public IReadOnlyList<TopologyProblem> Problems => _reader.Problems;

    /// <summary>The topology in the stream's one document, or null when there is no mapping to read.</summary>
    public MeshTopology? Read(YamlStream stream)
    {
        if (_reader.Document(stream, "topology", "at least 'name' and 'services'", "of topology keys (name, services, ...)") is not { } root) return null;
        var topology = TopLevel.Read(_reader, root, "");
        _destinations.AddRange(topology.Mesh.Destinations.Keys.Select(service => $"mesh.destinations.{service}"));
        return topology;
    }

    /// <summary>True when a problem was reported at <paramref name="path"/> or above it, so the value there is a stand-in.</summary>
    public bool Reported(string path) => _reader.Reported(path);

    /// <summary>
    /// True when <paramref name="path"/> lies in a section that a destination's policy took from
    /// <c>mesh.defaults</c> because the file does not give it there: a problem there is the defaults' own,
    /// already reported at <c>mesh.defaults</c>, and the file has nothing at this path to point at.
    /// </summary>
    public bool Inherited(string path)
    {
        // The longest destination that holds the path: service names may contain '.'.
        var destination = _destinations.Where(d => path.StartsWith(d + ".", StringComparison.Ordinal)).MaxBy(d => d.Length);
        if (destination is null) return false;
        var rest = path[(destination.Length + 1)..];
        var end = rest.IndexOfAny(['.', '[']);
        return !_reader.Marked($"{destination}.{(end < 0 ? rest : rest[..end])}");
    }

    /// <summary>Where <paramref name="path"/> (or failing that its nearest parent) is in the file; (0, 0) when nowhere.</summary>
    public (int Line, int Column) Locate(string path) => _reader.Locate(path);
}
