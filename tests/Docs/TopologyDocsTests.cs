using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using ActorMesh.Scenarios.Isotope;
using ActorMesh.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace ActorMesh.Tests.Docs;

/// <summary>
/// Keeps docs/topology.md true. Its conventions: every <c>```yaml</c> block is a whole topology file
/// (or isotope graph) that reads without a problem, unless the next block is a <c>```text</c> transcript
/// of <c>$ actormesh validate &lt;file&gt;</c>, in which case the program must print exactly that. A
/// block whose first line is <c># file: &lt;path&gt;</c> is that file of the repository, word for word.
/// Every file in docs/examples is such a block, so it is checked too. Coverage is found from the reader
/// itself, not from a list here: the keys it accepts are those its schemas declare, and which kind of
/// mapping an example holds is found by reading every mapping again with an unknown key, so that the
/// reader's answer names the keys it accepts there.
/// </summary>
public partial class TopologyDocsTests
{
    private const string Doc = "docs/topology.md";
    private const string Bogus = "qqqqqqqqqqqqqqqqqqqqqqqq"; // too far from every key for a "did you mean"

    private static readonly string Root = FindRoot();
    private static readonly IReadOnlyList<Block> Blocks = Markdown.Blocks(File.ReadAllText(Path.Combine(Root, Doc)));
    private static readonly IReadOnlyList<Example> Examples = FindExamples();

    [Fact]
    public void Every_yaml_example_reads_without_a_problem_unless_a_transcript_shows_its_problems()
    {
        var failures = new List<string>();
        foreach (var e in Examples)
        {
            if (e.File is { } file)
            {
                var onDisk = Path.Combine(Root, file);
                if (!File.Exists(onDisk)) failures.Add($"{e.Where}: {file} does not exist");
                else if (File.ReadAllText(onDisk).TrimEnd() != e.Yaml.TrimEnd()) failures.Add($"{e.Where}: the block differs from {file}");
            }
            if (e.Transcript is not null) continue;
            var result = TopologyFile.Parse(e.Yaml, Path.GetFileName(e.File ?? "example.yaml"));
            failures.AddRange(result.Problems.Select(p => $"{e.Where}: {p}"));
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Contains(Examples, e => e.Transcript is not null);
    }

    [Fact]
    public async Task Every_validate_transcript_is_what_the_program_prints_for_that_file()
    {
        var transcripts = Examples.Where(e => e.Transcript is not null).ToList();
        Assert.NotEmpty(transcripts);
        var runs = await Task.WhenAll(transcripts.Select(e => Host(e.Transcript!.Arguments)));

        var failures = new List<string>();
        foreach (var (e, (code, output)) in transcripts.Zip(runs))
        {
            var t = e.Transcript!;
            if (t.Arguments.Length != 2 || t.Arguments[0] != "validate" || t.Arguments[1] != e.File)
                failures.Add($"{e.Where}: a transcript runs 'actormesh validate' on the block's own '# file:'");
            if (!output.SequenceEqual(t.Output))
                failures.Add($"{e.Where}: the program printed{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
            if (t.ExitCode is { } expected && expected != code) failures.Add($"{e.Where}: exit code {code}, not {expected}");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Every_key_the_reader_accepts_is_in_an_example_and_named_in_the_text()
    {
        var kinds = AcceptedKeys();
        var prose = Markdown.InlineCode(File.ReadAllText(Path.Combine(Root, Doc)));
        var failures = new List<string>();
        foreach (var kind in kinds.Values)
        {
            var missing = kind.Accepted.Except(kind.Used, StringComparer.OrdinalIgnoreCase).ToList();
            if (missing.Count > 0) failures.Add($"{kind.Where}: no example uses {string.Join(", ", missing)}");
            var unnamed = kind.Accepted.Where(k => !prose.Contains(k)).ToList();
            if (unnamed.Count > 0) failures.Add($"{kind.Where}: the text never names `{string.Join("`, `", unnamed)}`");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        // The probe must have found the reader's sections; a handful would mean the examples are thin.
        Assert.True(kinds.Count > 40, $"only {kinds.Count} kinds of mapping found");
    }

    [Fact]
    public void Every_key_the_reader_declares_is_named_in_the_text_with_a_line_on_its_meaning()
    {
        var prose = Markdown.InlineCode(File.ReadAllText(Path.Combine(Root, Doc)));
        var keys = Schemas(TopologySections).SelectMany(s => s.Keys).ToList();
        Assert.Contains(keys, k => k.Name == "perTryTimeout");
        var unnamed = keys.Select(k => k.Name).Where(k => !prose.Contains(k)).Distinct().ToList();
        Assert.True(unnamed.Count == 0, $"the text never names `{string.Join("`, `", unnamed)}`");
        var undocumented = keys.Where(k => string.IsNullOrWhiteSpace(k.Doc)).Select(k => k.Name).ToList();
        Assert.True(undocumented.Count == 0, $"declared without a line on what they mean: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void Every_kind_of_mapping_the_reader_declares_appears_in_an_example()
    {
        // A kind the probe finds is named by the keys the reader lists for it, which are its schema's.
        var probed = AcceptedKeys().Keys.ToHashSet(StringComparer.Ordinal);
        var unseen = Schemas(TopologySections).Select(s => string.Join(",", s.Names)).Where(kind => !probed.Contains(kind)).ToList();
        Assert.True(unseen.Count == 0, $"no example has a mapping of these keys: {string.Join(" | ", unseen)}");
    }

    [Fact]
    public void Every_field_table_lists_the_keys_of_one_kind_of_mapping_with_the_syntax_the_reader_declares()
    {
        var schemas = Schemas(TopologySections).ToList();
        var tables = Markdown.FieldTables(File.ReadAllText(Path.Combine(Root, Doc))).ToList();
        var failures = new List<string>();
        foreach (var (line, rows) in tables)
        {
            var keys = rows.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
            var matches = schemas.Where(s => s.Names.ToHashSet(StringComparer.Ordinal).SetEquals(keys)).ToList();
            if (matches.Count != 1)
            {
                failures.Add($"{Doc}:{line}: the table's keys are not those of one kind of mapping the reader reads");
                continue;
            }
            foreach (var (key, type) in rows)
            {
                var declared = matches[0].Find(key)!.Type;
                if (ScalarKind(declared) != ScalarKind(type))
                    failures.Add($"{Doc}:{line}: `{key}` is documented as '{type}', but the reader reads a {declared}");
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(tables.Count > 20, $"only {tables.Count} field tables found");
    }

    /// <summary>The value syntax a type names, when it is one of the single-value syntaxes: "whole number, 1 to 64" is a whole number.</summary>
    private static string? ScalarKind(string type) =>
        new[] { "whole number", "number", "duration", "distribution", "ratio", "percentage", "size", "boolean", "choice" }
            .FirstOrDefault(kind => type.StartsWith(kind, StringComparison.Ordinal));

    [Fact]
    public void Every_key_in_a_field_table_is_one_the_reader_accepts()
    {
        var accepted = Schemas(TopologySections).SelectMany(s => s.Names).ToHashSet(StringComparer.Ordinal);
        var stale = Markdown.TableKeys(File.ReadAllText(Path.Combine(Root, Doc))).Where(k => !accepted.Contains(k.Key)).ToList();
        Assert.True(stale.Count == 0, string.Join(Environment.NewLine, stale.Select(k => $"{Doc}:{k.Line}: `{k.Key}` is not a key the reader accepts")));
    }

    [Fact]
    public void Every_choice_the_reader_offers_is_named_in_the_text()
    {
        var prose = Markdown.InlineCode(File.ReadAllText(Path.Combine(Root, Doc)));
        var choices = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var e in ReadableExamples())
        {
            foreach (var scalar in Nodes(e.Stream.Documents[0].RootNode).OfType<YamlScalarNode>().Where(s => s.Value is { } v && IsWord().IsMatch(v)).ToList())
            {
                var value = scalar.Value;
                scalar.Value = Bogus;
                var problems = TopologyFile.Parse(Save(e.Stream), "probe.yaml").Problems;
                scalar.Value = value;
                foreach (var p in problems.Where(p => p.Message.Contains($"'{Bogus}'; expected one of: ")))
                    choices.UnionWith(p.Message[(p.Message.IndexOf("expected one of: ", StringComparison.Ordinal) + 17)..].Split(", "));
            }
        }
        Assert.Contains("least-request", choices);
        var unnamed = choices.Where(c => !prose.Contains(c)).ToList();
        Assert.True(unnamed.Count == 0, $"the text never names `{string.Join("`, `", unnamed)}`");
    }

    [Fact]
    public void Every_isotope_key_is_named_in_the_isotope_section()
    {
        var text = File.ReadAllText(Path.Combine(Root, Doc));
        var start = text.IndexOf("\n## isotope", StringComparison.Ordinal);
        Assert.True(start > 0, "docs/topology.md has an '## isotope' section");
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var prose = Markdown.InlineCode(end < 0 ? text[start..] : text[start..end]);

        var keys = Schemas(typeof(IsotopeKeys)).SelectMany(s => s.Names).Distinct().ToList();
        Assert.Contains("numReplicas", keys);
        var unnamed = keys.Where(k => !prose.Contains(k)).ToList();
        Assert.True(unnamed.Count == 0, $"the isotope section never names `{string.Join("`, `", unnamed)}`");
    }

    [Fact]
    public void Every_file_in_docs_examples_is_shown_in_the_reference()
    {
        var shown = Examples.Select(e => e.File).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var files = Directory.GetFiles(Path.Combine(Root, "docs", "examples"), "*.y*ml")
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .ToList();
        Assert.NotEmpty(files);
        var unshown = files.Where(f => !shown.Contains(f)).ToList();
        Assert.True(unshown.Count == 0, $"not in {Doc} (as a block starting '# file: <path>'): {string.Join(", ", unshown)}");
    }

    // ---- what the reader accepts: its schemas, and its answers when asked ---------------------

    /// <summary>The classes of the topology reader that declare keys.</summary>
    private static readonly Type[] TopologySections =
        [.. typeof(TopologyReader).Assembly.GetTypes().Where(t => t.Namespace == typeof(TopologyReader).Namespace)];

    /// <summary>The schemas the static fields of <paramref name="types"/> hold: the reader's key declarations, whatever they are called.</summary>
    private static IEnumerable<Schema> Schemas(params Type[] types) =>
        types.SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public))
            .Where(f => typeof(Schema).IsAssignableFrom(f.FieldType))
            .Select(f => (Schema)f.GetValue(null)!);

    /// <summary>A kind of mapping, named by the keys the reader accepts in it, and the keys the examples use.</summary>
    private sealed record Kind(string Where, string[] Accepted, HashSet<string> Used);

    private static Dictionary<string, Kind> AcceptedKeys()
    {
        var kinds = new Dictionary<string, Kind>(StringComparer.Ordinal);
        foreach (var e in ReadableExamples())
        {
            foreach (var mapping in Nodes(e.Stream.Documents[0].RootNode).OfType<YamlMappingNode>().ToList())
            {
                var key = new YamlScalarNode(Bogus);
                mapping.Children.Add(key, new YamlScalarNode("1"));
                var problems = TopologyFile.Parse(Save(e.Stream), "probe.yaml").Problems;
                mapping.Children.Remove(key);
                const string Prefix = $"unknown key '{Bogus}'; expected one of: ";
                // None for the mappings keyed by the user's names: settings, destinations, mtlsByService.
                if (problems.FirstOrDefault(p => p.Message.StartsWith(Prefix, StringComparison.Ordinal)) is not { } problem) continue;
                var accepted = problem.Message[Prefix.Length..].Split(", ");
                var id = string.Join(",", accepted);
                if (!kinds.TryGetValue(id, out var kind))
                    kinds[id] = kind = new Kind($"{e.Where} {Parent(problem.Path)}", accepted, new HashSet<string>(StringComparer.OrdinalIgnoreCase));
                kind.Used.UnionWith(mapping.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? ""));
            }
        }
        return kinds;
    }

    /// <summary>The path of the mapping the probe key was added to: "" is the top level.</summary>
    private static string Parent(string probePath) =>
        probePath == Bogus ? "(top level)" : probePath[..^(Bogus.Length + 1)];

    /// <summary>The ActorMesh examples that read without a problem (isotope graphs ignore unknown keys, so they cannot be asked).</summary>
    private static IEnumerable<(string Where, YamlStream Stream)> ReadableExamples()
    {
        foreach (var e in Examples.Where(e => e.Transcript is null))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(e.Yaml));
            if (!IsotopeFormat.Recognises(stream)) yield return (e.Where, stream);
        }
    }

    private static IEnumerable<YamlNode> Nodes(YamlNode node)
    {
        yield return node;
        var children = node switch
        {
            YamlMappingNode m => m.Children.Values,
            YamlSequenceNode s => s.Children,
            _ => [],
        };
        foreach (var child in children)
        foreach (var n in Nodes(child))
            yield return n;
    }

    private static string Save(YamlStream stream)
    {
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z-]*$")]
    private static partial Regex IsWord();

    // ---- the document -------------------------------------------------------------------------

    private sealed record Block(string Info, string Text, int Line);

    private sealed record Transcript(string[] Arguments, string[] Output, int? ExitCode);

    private sealed record Example(string Where, string Yaml, string? File, Transcript? Transcript);

    private static List<Example> FindExamples()
    {
        var examples = new List<Example>();
        for (var i = 0; i < Blocks.Count; i++)
        {
            var b = Blocks[i];
            if (b.Info != "yaml") continue;
            var first = b.Text.Split('\n')[0];
            var file = first.StartsWith("# file: ", StringComparison.Ordinal) ? first["# file: ".Length..].Trim() : null;
            var next = i + 1 < Blocks.Count ? Blocks[i + 1] : null;
            var transcript = next is { Info: "text" } && next.Text.StartsWith("$ actormesh validate ", StringComparison.Ordinal) ? ReadTranscript(next.Text) : null;
            examples.Add(new Example($"{Doc}:{b.Line}", b.Text, file, transcript));
        }
        return examples;
    }

    /// <summary><c>$ actormesh validate f.yaml</c>, what it prints, and optionally <c>$ echo $?</c> and the exit code.</summary>
    private static Transcript ReadTranscript(string text)
    {
        var lines = text.TrimEnd().Split('\n');
        var arguments = lines[0]["$ actormesh ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var echo = Array.IndexOf(lines, "$ echo $?");
        var output = echo < 0 ? lines[1..] : lines[1..echo];
        int? code = echo >= 0 && echo + 1 < lines.Length ? int.Parse(lines[echo + 1]) : null;
        return new Transcript(arguments, output, code);
    }

    private static async Task<(int Code, string[] Output)> Host(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ActorMesh.Host.dll"));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var text = (await stdout) + (await stderr);
        return (process.ExitCode, text.ReplaceLineEndings("\n").TrimEnd().Split('\n'));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorMesh.sln"))) return dir.FullName;
        throw new InvalidOperationException("ActorMesh.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Just enough Markdown: fenced blocks, inline code outside them, and the key column of field tables.</summary>
    private static partial class Markdown
    {
        public static List<Block> Blocks(string text)
        {
            var blocks = new List<Block>();
            var lines = text.ReplaceLineEndings("\n").Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (!lines[i].StartsWith("```", StringComparison.Ordinal)) continue;
                var info = lines[i][3..].Trim();
                var start = i + 1;
                for (i = start; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++) { }
                blocks.Add(new Block(info, string.Join('\n', lines[start..Math.Min(i, lines.Length)]) + "\n", start + 1));
            }
            return blocks;
        }

        /// <summary>Every <c>`code`</c> span outside fenced blocks, as a set.</summary>
        public static HashSet<string> InlineCode(string text)
        {
            var spans = new HashSet<string>(StringComparer.Ordinal);
            var fenced = false;
            foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
            {
                if (line.StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
                else if (!fenced) foreach (Match m in Code().Matches(line)) spans.Add(m.Groups[1].Value.Trim());
            }
            return spans;
        }

        /// <summary>The <c>`key`</c> in the first cell of each row of a table whose header's first cell is "Key".</summary>
        public static IEnumerable<(string Key, int Line)> TableKeys(string text)
        {
            var lines = text.ReplaceLineEndings("\n").Split('\n');
            var inKeyTable = false;
            for (var i = 0; i < lines.Length; i++)
            {
                if (!lines[i].StartsWith('|')) { inKeyTable = false; continue; }
                var cells = lines[i].Split('|');
                var first = cells.Length > 1 ? cells[1].Trim() : "";
                if (!inKeyTable) { inKeyTable = first == "Key"; continue; }
                if (first.StartsWith("---", StringComparison.Ordinal)) continue;
                foreach (Match m in Code().Matches(first)) yield return (m.Groups[1].Value, i + 1);
            }
        }

        /// <summary>Each table whose header starts "Key | Type": its line, and each row's key and type.</summary>
        public static IEnumerable<(int Line, List<(string Key, string Type)> Rows)> FieldTables(string text)
        {
            var lines = text.ReplaceLineEndings("\n").Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var header = lines[i].Split('|');
                if (header.Length < 3 || header[1].Trim() != "Key" || header[2].Trim() != "Type") continue;
                var rows = new List<(string, string)>();
                for (var j = i + 2; j < lines.Length && lines[j].StartsWith('|'); j++)
                {
                    var cells = lines[j].Split('|');
                    rows.Add((cells[1].Trim().Trim('`'), cells[2].Trim()));
                }
                yield return (i + 1, rows);
            }
        }

        [GeneratedRegex("`([^`]+)`")]
        private static partial Regex Code();
    }
}
