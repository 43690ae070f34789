using YamlDotNet.Core;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>How a file format treats what its schemas do not declare. Keys always match ignoring case.</summary>
/// <param name="ReportUnknown">True: a key no schema declares, or a key that is not a plain name, is a problem with a "did you mean"; false: it is ignored.</param>
/// <param name="NullIsAbsent">True: a key whose value is null reads as absent; false: the null is read, and a value that needs one says so.</param>
internal sealed record KeyRules(bool ReportUnknown, bool NullIsAbsent)
{
    /// <summary>ActorMesh topology files: a misspelt key is a mistake worth stopping for.</summary>
    public static readonly KeyRules Strict = new(ReportUnknown: true, NullIsAbsent: false);

    /// <summary>isotope service graphs, as Go's encoding/json reads them.</summary>
    public static readonly KeyRules Lenient = new(ReportUnknown: false, NullIsAbsent: true);
}

/// <summary>
/// The reading core that the topology and isotope readers share. It opens mappings against a
/// <see cref="Schema"/>, reads scalars, lists and mappings keyed by the user's own names, and reports
/// every problem with its file, line, column and field path. After a problem it returns a stand-in,
/// so that reading goes on and every problem is found at once. It remembers where each path is in the
/// file, so that the problems the validator finds later can be located too.
/// </summary>
/// <remarks>Every scalar of a file is read through <see cref="TryScalar{T}"/> and every mapping through <see cref="Open"/>: checks that apply to all values belong there.</remarks>
internal sealed class YamlReader(string file, KeyRules rules)
{
    private readonly Dictionary<string, Mark> _marks = new(StringComparer.Ordinal);
    private readonly List<TopologyProblem> _problems = [];
    private readonly HashSet<string> _problemPaths = new(StringComparer.Ordinal);

    /// <summary>Problems found while reading, in the order found.</summary>
    public IReadOnlyList<TopologyProblem> Problems => _problems;

    /// <summary>
    /// The mapping at the root of the stream's one document, or null after reporting that there is none.
    /// <paramref name="kind"/> names the file ("topology"), <paramref name="needs"/> what it needs at the
    /// least, and <paramref name="keys"/> the mapping expected ("of topology keys (name, services, ...)").
    /// </summary>
    public YamlMappingNode? Document(YamlStream stream, string kind, string needs, string keys)
    {
        if (stream.Documents.Count > 1)
            Problem(stream.Documents[1].RootNode, "", $"a {kind} file holds one YAML document; remove the '---' and what follows");
        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        if (root is null || IsNull(root))
        {
            Problem(null, "", $"the file is empty; a {kind} needs {needs}");
            return null;
        }
        if (root is YamlMappingNode mapping) return mapping;
        Problem(root, "", $"expected a mapping {keys}, got {Describe(root)}");
        return null;
    }

    /// <summary>
    /// Opens the mapping at <paramref name="path"/> against <paramref name="schema"/>: reports keys it does
    /// not declare (as <see cref="KeyRules"/> say), keys given twice, and required keys that are missing.
    /// Absent or null reads as an empty section; anything but a mapping is reported and reads as one too.
    /// </summary>
    public Section Open(YamlNode? node, string path, Schema schema)
    {
        var entries = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (node is null || IsNull(node) || Mapping(node, path) is not { } mapping) return new Section(this, schema, path, null, entries);
        var section = new Section(this, schema, path, mapping, entries);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (Name(keyNode, path) is not { } name) continue;
            var key = schema.Find(name);
            if (key is null)
            {
                if (rules.ReportUnknown) Problem(keyNode, section.PathOf(name), YamlValues.Unknown("key", name, schema.Names));
            }
            else if (rules.NullIsAbsent && IsNull(value)) { }
            else if (!entries.TryAdd(key.Name, value)) Problem(keyNode, section.PathOf(key.Name), $"'{key.Name}' is given twice (keys ignore case)");
            else Remember(section.PathOf(key.Name), keyNode, value);
        }
        Require(section, schema.Required);
        return section;
    }

    /// <summary>Reports each of <paramref name="keys"/> that <paramref name="s"/> lacks, at the mapping.</summary>
    public void Require(Section s, params IEnumerable<string> keys)
    {
        if (s.Mapping is null) return; // absent, or already reported as not a mapping
        foreach (var key in keys)
            if (s[key] is null) Problem(s.Mapping, s.PathOf(key), $"required key '{key}' is missing");
    }

    /// <summary>The mapping, or null after reporting that <paramref name="node"/> is something else.</summary>
    public YamlMappingNode? Mapping(YamlNode node, string path)
    {
        if (node is YamlMappingNode mapping) return mapping;
        Problem(node, path, $"expected a mapping, got {Describe(node)}");
        return null;
    }

    /// <summary>
    /// The entries of a mapping keyed by the user's own names (services, settings), each remembered at its
    /// path; null when <paramref name="node"/> is null or, reported, not a mapping.
    /// </summary>
    public List<(string Name, YamlNode Key, YamlNode Value, string Path)>? Entries(YamlNode node, string path)
    {
        if (IsNull(node) || Mapping(node, path) is not { } mapping) return null;
        var entries = new List<(string, YamlNode, YamlNode, string)>(mapping.Children.Count);
        foreach (var (key, value) in mapping.Children)
        {
            if (Name(key, path) is not { } name) continue;
            var entryPath = $"{path}.{name}";
            Remember(entryPath, key, value);
            entries.Add((name, key, value, entryPath));
        }
        return entries;
    }

    /// <summary>A sequence read item by item; absent items are none. <paramref name="what"/> names what was expected.</summary>
    public ImmutableArray<T> List<T>(YamlNode node, string path, Func<YamlNode, string, T> read, string what = "a list")
    {
        if (IsNull(node)) return [];
        if (node is not YamlSequenceNode list)
        {
            Problem(node, path, $"expected {what}, got {Describe(node)}");
            return [];
        }
        var items = ImmutableArray.CreateBuilder<T>(list.Children.Count);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            Mark(itemPath, list.Children[i].Start);
            items.Add(read(list.Children[i], itemPath));
        }
        return items.MoveToImmutable();
    }

    /// <summary>The single value at <paramref name="path"/> parsed by <paramref name="parse"/>; not ok after a problem.</summary>
    public (bool Ok, T Value) TryScalar<T>(YamlNode node, string path, Func<string, Parsed<T>> parse)
    {
        if (node is not YamlScalarNode scalar || IsNull(node))
        {
            Problem(node, path, node is YamlScalarNode ? "needs a value" : $"expected a single value, got {Describe(node)}");
            return (false, default!);
        }
        if (scalar.Value!.Length > TopologyLimits.MaxValueLength)
        {
            Problem(node, path, $"the value is {scalar.Value.Length:N0} characters long; a value has at most {TopologyLimits.MaxValueLength:N0} (the limit)");
            return (false, default!);
        }
        var parsed = parse(scalar.Value);
        if (parsed.Error is null) return (true, parsed.Value);
        Problem(node, path, parsed.Error);
        return (false, default!);
    }

    /// <summary>The single value at <paramref name="path"/>, or <paramref name="fallback"/> after a problem.</summary>
    public T Scalar<T>(YamlNode node, string path, T fallback, Func<string, Parsed<T>> parse) =>
        TryScalar(node, path, parse) is (true, var value) ? value : fallback;

    /// <summary>The parsed value, or <paramref name="fallback"/> after reporting why it is not one.</summary>
    public T Check<T>(Parsed<T> parsed, YamlNode node, string path, T fallback)
    {
        if (parsed.Error is null) return parsed.Value;
        Problem(node, path, parsed.Error);
        return fallback;
    }

    public void Problem(YamlNode? node, string path, string message)
    {
        _problems.Add(new TopologyProblem(file, path, (int)(node?.Start.Line ?? 0), (int)(node?.Start.Column ?? 0), message));
        _problemPaths.Add(path);
    }

    /// <summary>Remembers that <paramref name="path"/> is at <paramref name="at"/>.</summary>
    public void Mark(string path, Mark at) => _marks[path] = at;

    /// <summary>True when the file gives <paramref name="path"/> itself.</summary>
    public bool Marked(string path) => _marks.ContainsKey(path);

    /// <summary>Remembers where <paramref name="path"/> is: at its value when that is a single value, else at its key.</summary>
    public void Remember(string path, YamlNode key, YamlNode value) =>
        _marks[path] = value is YamlScalarNode && !IsNull(value) ? value.Start : key.Start;

    /// <summary>Where <paramref name="path"/> (or failing that its nearest parent) is in the file; (0, 0) when nowhere.</summary>
    public (int Line, int Column) Locate(string path)
    {
        for (var p = path; p.Length > 0; p = p[..Math.Max(0, p.LastIndexOfAny(['.', '[']))])
            if (_marks.TryGetValue(p, out var mark)) return ((int)mark.Line, (int)mark.Column);
        return (0, 0);
    }

    /// <summary>True when a problem was reported at <paramref name="path"/> or above it, so the value there is a stand-in.</summary>
    public bool Reported(string path)
    {
        if (_problemPaths.Contains(path)) return true;
        for (var i = path.IndexOfAny(['.', '[']); i >= 0; i = path.IndexOfAny(['.', '['], i + 1))
            if (_problemPaths.Contains(path[..i])) return true;
        return false;
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } && (string.IsNullOrEmpty(v) || v == "~" || v.Equals("null", StringComparison.OrdinalIgnoreCase));

    /// <summary>What a node is, for messages: "a mapping", "a list", "nothing" or the value quoted.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "nothing",
        YamlScalarNode scalar => YamlValues.Quote(scalar.Value!),
        _ => "something else",
    };

    /// <summary>A mapping key as text; keys are plain names. Under lenient rules anything else is ignored.</summary>
    private string? Name(YamlNode key, string path)
    {
        if (key is YamlScalarNode { Value.Length: > TopologyLimits.MaxNameLength } tooLong)
        {
            Problem(key, path, $"a key is {tooLong.Value!.Length:N0} characters long; a key has at most {TopologyLimits.MaxNameLength} (the limit)");
            return null;
        }
        if (key is YamlScalarNode { Value: { Length: > 0 } name }) return name;
        if (rules.ReportUnknown) Problem(key, path, $"a key must be a plain name, got {Describe(key)}");
        return null;
    }
}
