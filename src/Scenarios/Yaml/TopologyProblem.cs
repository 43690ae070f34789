namespace ActorMesh.Scenarios.Yaml;

/// <summary>One problem in a topology file, located as precisely as the file allows.</summary>
/// <param name="File">The file name used in messages.</param>
/// <param name="Path">Field path as the validator names it, e.g. <c>services[2].script[1].call</c>; empty for the file as a whole.</param>
/// <param name="Line">1-based line, or 0 when unknown.</param>
/// <param name="Column">1-based column, or 0 when unknown.</param>
/// <param name="Message">What is wrong, e.g. <c>no service named 'paymnts' (did you mean 'payments'?)</c>.</param>
public sealed record TopologyProblem(string File, string Path, int Line, int Column, string Message)
{
    /// <summary>
    /// <c>chain.yaml:14:15: services[2].script[1].call: no service named 'paymnts'</c>; the line and
    /// column are left out when unknown, the path when empty.
    /// </summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return Path.Length > 0 ? $"{where}: {Path}: {Message}" : $"{where}: {Message}";
    }
}

/// <summary>The outcome of loading a topology file: the topology, or every problem found.</summary>
/// <param name="Topology">The topology, normalized (<see cref="MeshTopology.Normalized"/>) and validated; null when there is any problem.</param>
/// <param name="Problems">Every problem, in file order (problems without a position last); empty on success.</param>
public sealed record TopologyLoadResult(MeshTopology? Topology, IReadOnlyList<TopologyProblem> Problems)
{
    /// <summary>True when the topology was read and is valid.</summary>
    public bool Ok => Problems.Count == 0 && Topology is not null;

    /// <summary>The topology; or, when there is any problem, a <see cref="TopologyFileException"/> listing every one.</summary>
    public MeshTopology OrThrow() => Ok ? Topology! : throw new TopologyFileException(Problems);
}

/// <summary>A topology file that could not be read or is invalid: every problem, each with its file, line and column.</summary>
public sealed class TopologyFileException(IReadOnlyList<TopologyProblem> problems)
    : Exception($"The topology file has {problems.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<TopologyProblem> Problems { get; } = problems;
}
