using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Host.Commands;

/// <summary>Turns the <c>run</c>/<c>validate</c> argument into a topology: a file path or a built-in scenario name.</summary>
internal static class ScenarioResolver
{
    public static (MeshTopology Topology, BuiltInScenario? BuiltIn) Resolve(string argument)
    {
        if (File.Exists(argument))
        {
            // A copy of a built-in scenario's file keeps its lesson (its faults and figures) while it keeps its name.
            var file = LoadFile(argument);
            return (file, ScenarioCatalog.Find(file.Name) is { Lesson: not null } lesson ? lesson : null);
        }
        if (LooksLikePath(argument)) throw new UserError($"topology file '{argument}' not found");
        var scenario = ScenarioCatalog.Find(argument)
            ?? throw new UserError($"no built-in scenario named '{argument}'; built-in scenarios are: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))} (or give the path of a topology .yaml file)");
        var loaded = scenario.Load();
        if (!loaded.Ok) throw new InvalidOperationException($"built-in scenario '{scenario.Name}' is invalid: {string.Join("; ", loaded.Problems)}");
        return (loaded.Topology!, scenario);
    }

    public static MeshTopology LoadFile(string path)
    {
        var result = TopologyFile.Load(path);
        if (!result.Ok) throw new UserError([.. result.Problems.Select(p => p.ToString())]);
        return result.Topology!;
    }

    private static bool LooksLikePath(string argument) =>
        argument.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || argument.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
        || argument.Contains('/') || argument.Contains('\\');
}
