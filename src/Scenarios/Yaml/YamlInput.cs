using System.Text;
using ActorMesh.Topology;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>
/// Where the text of a topology file or service graph enters the readers: the file is read and parsed
/// into YAML nodes here, or refused with one problem that says where and why. The limits on the input as
/// a whole (<see cref="TopologyLimits"/>: its size, how deep it nests, how many nodes its aliases expand
/// into) are checked here, before any reader walks it.
/// </summary>
internal static class YamlInput
{
    private const int Chunk = 64 * 1024;

    /// <summary>
    /// The text of the file at <paramref name="path"/>, or the problem that it is missing, unreadable or
    /// too large. Reading stops one byte past <see cref="TopologyLimits.MaxFileBytes"/>, so a device or
    /// FIFO that never ends costs no more than a file at the limit.
    /// </summary>
    public static (string? Text, TopologyProblem? Problem) ReadFile(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            var bytes = new MemoryStream();
            var buffer = new byte[Chunk];
            int read;
            while (bytes.Length <= TopologyLimits.MaxFileBytes && (read = file.Read(buffer, 0, (int)Math.Min(Chunk, TopologyLimits.MaxFileBytes + 1 - bytes.Length))) > 0)
                bytes.Write(buffer, 0, read);
            if (bytes.Length > TopologyLimits.MaxFileBytes) return (null, TooLarge(path));
            bytes.Position = 0;
            using var text = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return (text.ReadToEnd(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            var message = e is FileNotFoundException or DirectoryNotFoundException
                ? $"file not found (looked for {Path.GetFullPath(path)})"
                : $"cannot read the file: {e.Message}";
            return (null, new TopologyProblem(path, "", 0, 0, message));
        }
    }

    /// <summary>
    /// The YAML documents of <paramref name="yaml"/>, or the one problem that stops them: a syntax error,
    /// or a limit of <see cref="TopologyLimits"/> passed. <paramref name="fileName"/> names it.
    /// </summary>
    public static (YamlStream? Stream, TopologyProblem? Problem) Parse(string yaml, string fileName)
    {
        if (yaml.Length > TopologyLimits.MaxFileBytes / 3 && Encoding.UTF8.GetByteCount(yaml) > TopologyLimits.MaxFileBytes)
            return (null, TooLarge(fileName));
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            // The shape is checked on the parser's events, which need no recursion, before YamlDotNet builds
            // its tree, which recurses once per level and walks an alias's node once for each use.
            if (Shape(new Parser(scanner), fileName) is { } problem) return (null, problem);
            scanner = new Scanner(new StringReader(yaml));
            var stream = new YamlStream();
            stream.Load(new Parser(scanner));
            return (stream, null);
        }
        catch (YamlException e)
        {
            return (null, SyntaxError(fileName, e.Start, e.Message));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, on some unterminated flow collections.
            return (null, SyntaxError(fileName, scanner.CurrentPosition, "unexpected content (is a '[', '{' or quote left open?)"));
        }
    }

    /// <summary>
    /// The problem with the text's shape, or null: mappings and lists nested deeper than
    /// <see cref="TopologyLimits.MaxDepth"/>; more than <see cref="TopologyLimits.MaxNodes"/> nodes,
    /// each alias counted as the nodes it stands for; an alias before its anchor, or inside the node it
    /// names (a value without end). Throws <see cref="YamlException"/> on a syntax error, as loading does.
    /// </summary>
    private static TopologyProblem? Shape(Parser parser, string fileName)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal); // an anchor's node count; -1 while its node is open
        var open = new Stack<(string? Anchor, long NodesBefore)>();
        long nodes = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case DocumentStart:
                    sizes.Clear(); // anchors belong to their document
                    break;
                case AnchorAlias alias:
                    var name = alias.Value.Value;
                    if (!sizes.TryGetValue(name, out var size))
                        return Problem(alias.Start, $"alias '*{name}' comes before any anchor '&{name}'; an anchor must come first");
                    if (size < 0)
                        return Problem(alias.Start, $"alias '*{name}' is inside the node '&{name}' it names, so that value would never end");
                    nodes += size;
                    break;
                case Scalar scalar:
                    nodes++;
                    if (!scalar.Anchor.IsEmpty) sizes[scalar.Anchor.Value] = 1;
                    break;
                case NodeEvent start: // a mapping or a list begins
                    nodes++;
                    if (open.Count == TopologyLimits.MaxDepth)
                        return Problem(start.Start, $"mappings and lists are nested more than {TopologyLimits.MaxDepth} deep (the limit)");
                    var anchor = start.Anchor.IsEmpty ? null : start.Anchor.Value;
                    if (anchor is not null) sizes[anchor] = -1;
                    open.Push((anchor, nodes - 1));
                    break;
                case MappingEnd or SequenceEnd:
                    var (closed, before) = open.Pop();
                    if (closed is not null) sizes[closed] = nodes - before;
                    break;
            }
            if (nodes > TopologyLimits.MaxNodes)
                return Problem(parser.Current!.Start, $"the file holds more than {TopologyLimits.MaxNodes:N0} YAML nodes, counting each alias as the nodes it stands for (the limit)");
        }
        return null;

        TopologyProblem Problem(Mark at, string message) => new(fileName, "", (int)at.Line, (int)at.Column, message);
    }

    private static TopologyProblem TooLarge(string fileName) =>
        new(fileName, "", 0, 0, $"the file is larger than {TopologyLimits.MaxFileBytes / (1024 * 1024)} MiB (the limit); reading stopped there");

    private static TopologyProblem SyntaxError(string fileName, Mark at, string message) =>
        new(fileName, "", (int)at.Line, (int)at.Column, $"invalid YAML: {char.ToLowerInvariant(message[0])}{message[1..]}");
}
