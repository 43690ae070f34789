using ActorMesh.Scenarios.Lessons;
using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Scenarios.Catalog;

/// <summary>
/// A scenario that runs more than one plain load run (phases, comparisons, timelines) and reports
/// its takeaways as measured <c>figures</c>.
/// </summary>
public interface IScenarioLesson
{
    /// <summary>Runs the lesson on <paramref name="topology"/> (the scenario's file, possibly changed by the user) and returns its report.</summary>
    Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation);
}

/// <summary>A built-in scenario: a topology file shipped with ActorMesh, and optionally a lesson that runs it.</summary>
/// <param name="Name">Name for <c>run &lt;name&gt;</c>.</param>
/// <param name="Summary">One line for <c>scenarios</c>.</param>
/// <param name="Lesson">How to run it, when a single load run is not enough.</param>
public sealed record BuiltInScenario(string Name, string Summary, IScenarioLesson? Lesson = null)
{
    /// <summary>The topology file's name, e.g. "chain.yaml".</summary>
    public string FileName => Name + ".yaml";

    /// <summary>The topology file's text.</summary>
    public string Yaml
    {
        get
        {
            var resource = $"ActorMesh.Scenarios.BuiltIn.{FileName}";
            using var stream = typeof(ScenarioCatalog).Assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"built-in scenario resource '{resource}' is missing");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Parses the scenario's topology file.</summary>
    public TopologyLoadResult Load() => TopologyFile.Parse(Yaml, FileName);

    /// <summary>Runs the scenario (its lesson, or one plain load run).</summary>
    public Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation) =>
        Lesson is not null ? Lesson.RunAsync(topology, options, cancellation) : MeshRunner.RunAsync(topology, options, cancellation);
}

/// <summary>The built-in scenarios.</summary>
public static class ScenarioCatalog
{
    /// <summary>Every built-in scenario, in the order <c>scenarios</c> lists them.</summary>
    public static IReadOnlyList<BuiltInScenario> All { get; } =
    [
        new("chain", "gateway → frontend → orders → payments; one payments replica fails 30% with 503 and mesh retries hide it"),
        new("control-plane", "push config, stop the control plane while traffic flows, scale during the outage, restart it", new Lessons.ControlPlaneLesson()),
        new("sidecar", "pods run a proxy and a log collector; one collector crashes mid-run and restarts alone, its log events wait in the pod's bounded buffer", new SidecarLesson()),
        new("gateway", "mobile dashboard over an ~80 ms link: 4 sequential calls vs one call a BFF gateway fans out; bad tokens, a rate limit, a cache",
            new Lessons.GatewayLesson()),
        new("mesh", "the same traffic over a faulty backend without the mesh, then with retries, timeouts, circuit breaking and strict mTLS (one client still in plaintext)", new MeshLesson()),
        new("request-flow", "the same checkout as in-process calls in a monolith (one transaction) and across the network through sidecars (a commit per service): latency and partial failures", new RequestFlowLesson()),
        new("deploy", "monolith vs microservices: five components ship a change per round; payments' change fails its health check, rolling back the whole monolith but only payments", new DeployLesson()),
        new("coupling", "a modular monolith gains implicit dependencies between its modules, one per step; the blast radius of a change grows with each", new CouplingLesson()),
        new("bounded-contexts", "an e-commerce system split by bounded context and a badly split variant, one run each: the observed call graph finds chatty pairs and a service reading another's store", new BoundedContextsLesson()),
        new("full-flow", "client → gateway → sidecars → services → downstream; an unhealthy instance is retried around, a dead dependency's circuit opens and closes again; one request's trace",
            new FullFlowLesson()),
        new("node-failure", "chain on 3 cluster nodes; node-2 crashes mid-run: retries move its traffic, the control plane places its pods on the survivors", new NodeFailureLesson()),
        new("zone-failure", "three zones with locality load balancing; zone-a's backend is partitioned off mid-run: calls fail over to zones b and c, then come back", new ZoneFailureLesson()),
    ];

    /// <summary>The scenario named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static BuiltInScenario? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

}
