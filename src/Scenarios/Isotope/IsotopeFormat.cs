using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Scenarios.Isotope;

/// <summary>
/// Tells an isotope service graph from an ActorMesh topology file by its keys, so that <c>run</c> and
/// <c>validate</c> need no flag.
/// </summary>
/// <remarks>
/// A file is an isotope graph when it has <c>services</c>, no top-level key that only ActorMesh
/// files have (any key of <see cref="TopologyReader.TopLevel"/> but <c>services</c>: <c>name</c>,
/// <c>mesh</c>, <c>load</c>, ...), and either something only isotope has
/// (<c>defaults</c>, <c>apiVersion</c>, <c>kind</c>; a service with <c>numReplicas</c>,
/// <c>isEntrypoint</c>, <c>errorRate</c>, <c>type</c>, ...; a script step that is a list) or nothing
/// only ActorMesh has (a service with <c>replicas</c>, <c>serviceTime</c>, <c>errors</c>, ...; a
/// <c>parallel</c> step). So an ActorMesh file that lacks its <c>name</c> is still read as one, and
/// told so; a graph of names and scripts alone, valid in both, is read as isotope (it has no name).
/// </remarks>
internal static class IsotopeFormat
{
    private static readonly string[] ActorMeshTopLevel = [.. TopologyReader.TopLevel.Names.Where(k => k != "services")];
    private static readonly string[] IsotopeTopLevel = ["defaults", "default", "apiVersion", "kind"];
    private static readonly string[] IsotopeServiceKeys = ["numReplicas", "isEntrypoint", "errorRate", "requestSize", "type", "namespace", "cluster", "labels", "hostname", "numRbacPolicies"];
    private static readonly string[] ActorMeshServiceKeys = ["replicas", "workers", "queue", "serviceTime", "errors", "version", "entrypoint", "instances"];

    /// <summary>True when the first document of <paramref name="stream"/> is an isotope service graph.</summary>
    public static bool Recognises(YamlStream stream)
    {
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return false;
        var keys = Keys(root).ToList();
        if (keys.Any(k => Is(k, ActorMeshTopLevel)) || !keys.Any(k => Is(k, "services"))) return false;
        if (keys.Any(k => Is(k, IsotopeTopLevel))) return true;

        var services = root.Children.FirstOrDefault(e => e.Key is YamlScalarNode { Value: { } v } && Is(v, "services")).Value as YamlSequenceNode;
        var isotope = false;
        var actorMesh = false;
        foreach (var service in services?.Children.OfType<YamlMappingNode>() ?? [])
        {
            foreach (var (keyNode, value) in service.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { } key }) continue;
                isotope |= Is(key, IsotopeServiceKeys);
                actorMesh |= Is(key, ActorMeshServiceKeys);
                if (Is(key, "script") && value is YamlSequenceNode script)
                {
                    isotope |= script.Children.Any(step => step is YamlSequenceNode);
                    actorMesh |= script.Children.OfType<YamlMappingNode>().Any(step => Keys(step).Any(k => Is(k, "parallel")));
                }
            }
        }
        return isotope || !actorMesh;
    }

    private static IEnumerable<string> Keys(YamlMappingNode mapping) =>
        mapping.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "");

    private static bool Is(string key, params string[] names) =>
        names.Any(n => n.Equals(key, StringComparison.OrdinalIgnoreCase));
}
