using ActorMesh.Scenarios.Isotope;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>
/// Reads ActorMesh topology files (YAML) into a <see cref="MeshTopology"/>, reporting every problem
/// at once with its line, column and field path. Istio isotope service graphs are recognised by their
/// keys and read too (see <see cref="IsotopeReader"/>).
/// </summary>
/// <remarks>
/// <para>
/// Keys match ignoring case; an unknown key is an error, with a "did you mean" when one is close. Only
/// <c>name</c> and <c>services</c> are needed; everything else has the model's documented default.
/// docs/topology.md is the reference for every key and value syntax. In the reader, each key is
/// declared once, with its syntax and a line on its meaning, and a test keeps the two in step.
/// </para>
/// <code>
/// name: chain
/// services:
///   - name: frontend
///     script: [ { call: orders } ]
///   - name: orders
///     serviceTime: 2ms
/// </code>
/// <para>
/// <c>actormesh run my.yaml</c> reads a file with <see cref="Load"/> too, so a test that loads it runs
/// the same mesh: <c>var topology = TopologyFile.Load("my.yaml").OrThrow();</c>
/// </para>
/// </remarks>
public static class TopologyFile
{
    /// <summary>Reads and validates the topology file at <paramref name="path"/>; a missing or unreadable file is one problem naming it.</summary>
    public static TopologyLoadResult Load(string path)
    {
        var (yaml, problem) = YamlInput.ReadFile(path);
        return yaml is null ? Failed(problem!) : Parse(yaml, path);
    }

    /// <summary>
    /// Reads and validates a topology from <paramref name="yaml"/>; <paramref name="fileName"/> names it in
    /// problems. Any input ends in a topology or in problems, within <see cref="TopologyLimits"/>; an
    /// exception is a bug in the reader, and is left to propagate so that it is never mistaken for the user's.
    /// </summary>
    public static TopologyLoadResult Parse(string yaml, string fileName)
    {
        var (stream, problem) = YamlInput.Parse(yaml, fileName);
        if (stream is null) return Failed(problem!);

        if (IsotopeFormat.Recognises(stream))
        {
            var isotope = new IsotopeReader(fileName);
            return Validated(isotope.Read(stream), isotope.Problems, isotope.Reported, isotope.Locate, isotope.DisplayPath, fileName);
        }
        var reader = new TopologyReader(fileName);
        return Validated(reader.Read(stream), reader.Problems, path => reader.Reported(path) || reader.Inherited(path), reader.Locate, path => path, fileName);
    }

    /// <summary>
    /// Normalizes and validates what a reader read, and merges the validator's problems with the
    /// reader's: located through the reader, named with the file's paths, in file order.
    /// </summary>
    private static TopologyLoadResult Validated(MeshTopology? topology, IReadOnlyList<TopologyProblem> readProblems,
        Func<string, bool> reported, Func<string, (int Line, int Column)> locate, Func<string, string> displayPath, string fileName)
    {
        var problems = new List<TopologyProblem>(readProblems);
        MeshTopology? normalized = null;
        if (topology is not null)
        {
            normalized = topology.Normalized();
            foreach (var error in TopologyValidator.Validate(normalized))
            {
                // A value already reported was replaced by a stand-in; an implicit gateway only echoes the services' problems;
                // a destination's section inherited from mesh.defaults repeats the defaults' problem.
                if (reported(error.Path) || topology.Gateways.IsEmpty && error.Path.StartsWith("gateways", StringComparison.Ordinal)) continue;
                var (line, column) = locate(error.Path);
                problems.Add(new TopologyProblem(fileName, displayPath(error.Path), line, column, error.Message));
            }
        }

        var ordered = problems.Distinct().OrderBy(p => p.Line == 0).ThenBy(p => p.Line).ThenBy(p => p.Column).ToList();
        return new TopologyLoadResult(ordered.Count == 0 ? normalized : null, ordered);
    }

    private static TopologyLoadResult Failed(TopologyProblem problem) => new(null, [problem]);
}
