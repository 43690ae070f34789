using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>
/// Where the text of a topology file or service graph enters the readers: the file is read and parsed
/// into YAML nodes here, or refused with one problem that says where and why. Limits on the input as a
/// whole (its size, how deep it nests, how far its aliases expand) belong here, before any reader walks it.
/// </summary>
internal static class YamlInput
{
    /// <summary>The text of the file at <paramref name="path"/>, or the problem that it is missing or unreadable.</summary>
    public static (string? Text, TopologyProblem? Problem) ReadFile(string path)
    {
        try
        {
            return (File.ReadAllText(path), null);
        }
        catch (Exception e)
        {
            var message = e is FileNotFoundException or DirectoryNotFoundException
                ? $"file not found (looked for {Path.GetFullPath(path)})"
                : $"cannot read the file: {e.Message}";
            return (null, new TopologyProblem(path, "", 0, 0, message));
        }
    }

    /// <summary>The YAML documents of <paramref name="yaml"/>, or the syntax error that stops them; <paramref name="fileName"/> names it.</summary>
    public static (YamlStream? Stream, TopologyProblem? Problem) Parse(string yaml, string fileName)
    {
        var scanner = new Scanner(new StringReader(yaml));
        var stream = new YamlStream();
        try
        {
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

    private static TopologyProblem SyntaxError(string fileName, Mark at, string message) =>
        new(fileName, "", (int)at.Line, (int)at.Column, $"invalid YAML: {char.ToLowerInvariant(message[0])}{message[1..]}");
}
