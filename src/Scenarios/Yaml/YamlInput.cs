using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

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
        var parser = new ShapedParser(new Parser(scanner), fileName);
        try
        {
            var stream = new YamlStream();
            stream.Load(parser);
            return (stream, null);
        }
        catch (ShapedParser.Breach)
        {
            return (null, parser.Problem);
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
    /// The parser's events on their way to YamlDotNet's tree, checked for the text's shape: mappings and
    /// lists nested deeper than <see cref="TopologyLimits.MaxDepth"/>; more than
    /// <see cref="TopologyLimits.MaxNodes"/> nodes, each alias counted as the nodes it stands for; an
    /// alias before its anchor, or inside the node it names (a value without end). The tree recurses once
    /// per level and walks an alias's node once for each use, so the check comes first, event by event:
    /// on a breach it stops the loading before the tree goes one level deeper or one alias further.
    /// </summary>
    private sealed class ShapedParser(IParser parser, string fileName) : IParser
    {
        private readonly Dictionary<string, long> _sizes = new(StringComparer.Ordinal); // an anchor's node count; -1 while its node is open
        private readonly Stack<(string? Anchor, long NodesBefore)> _open = new();
        private long _nodes;

        /// <summary>Thrown to stop the loading; <see cref="Problem"/> says why.</summary>
        public sealed class Breach : Exception;

        public TopologyProblem? Problem { get; private set; }

        public ParsingEvent? Current => parser.Current;

        public bool MoveNext()
        {
            if (!parser.MoveNext()) return false;
            switch (parser.Current)
            {
                case DocumentStart:
                    _sizes.Clear(); // anchors belong to their document
                    break;
                case AnchorAlias alias:
                    var name = alias.Value.Value;
                    if (!_sizes.TryGetValue(name, out var size))
                        Stop(alias.Start, $"alias '*{name}' comes before any anchor '&{name}'; an anchor must come first");
                    if (size < 0)
                        Stop(alias.Start, $"alias '*{name}' is inside the node '&{name}' it names, so that value would never end");
                    _nodes += size;
                    break;
                case Scalar scalar:
                    _nodes++;
                    if (!scalar.Anchor.IsEmpty) _sizes[scalar.Anchor.Value] = 1;
                    break;
                case NodeEvent start: // a mapping or a list begins
                    _nodes++;
                    if (_open.Count == TopologyLimits.MaxDepth)
                        Stop(start.Start, $"mappings and lists are nested more than {TopologyLimits.MaxDepth} deep (the limit)");
                    var anchor = start.Anchor.IsEmpty ? null : start.Anchor.Value;
                    if (anchor is not null) _sizes[anchor] = -1;
                    _open.Push((anchor, _nodes - 1));
                    break;
                case MappingEnd or SequenceEnd:
                    var (closed, before) = _open.Pop();
                    if (closed is not null) _sizes[closed] = _nodes - before;
                    break;
            }
            if (_nodes > TopologyLimits.MaxNodes)
                Stop(parser.Current!.Start, $"the file holds more than {TopologyLimits.MaxNodes:N0} YAML nodes, counting each alias as the nodes it stands for (the limit)");
            return true;
        }

        private void Stop(Mark at, string message)
        {
            Problem = new TopologyProblem(fileName, "", (int)at.Line, (int)at.Column, message);
            throw new Breach();
        }
    }

    private static TopologyProblem TooLarge(string fileName) =>
        new(fileName, "", 0, 0, $"the file is larger than {TopologyLimits.MaxFileBytes / (1024 * 1024)} MiB (the limit); reading stopped there");

    private static TopologyProblem SyntaxError(string fileName, Mark at, string message) =>
        new(fileName, "", (int)at.Line, (int)at.Column, $"invalid YAML: {char.ToLowerInvariant(message[0])}{message[1..]}");
}
