using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ActorMesh.Tests.Docs;

/// <summary>
/// Every C# snippet in the README and in docs/, and every C# file of samples/, compiles against the library, as a user would paste
/// it into a project of their own (with the SDK's implicit usings, and nothing else: a snippet
/// brings its own <c>using</c> lines). A fenced block marked <c>```csharp</c> is one file; blocks
/// marked <c>```csharp part-of:NAME</c> are joined in order into one file (a walkthrough in steps).
/// </summary>
public partial class SnippetTests
{
    /// <summary>What a project made with <c>dotnet new</c> has in scope (ImplicitUsings).</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var name in Collect().Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void The_snippet_compiles_against_the_library(string name)
    {
        var code = Collect()[name];
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest), path: name);
        var usings = CSharpSyntaxTree.ParseText(ImplicitUsings, new CSharpParseOptions(LanguageVersion.Latest));
        var program = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [tree, usings],
            References.Value,
            new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{name} does not compile:\n{string.Join("\n", errors.Select(e => e.ToString()))}\n---\n{code}");
    }

    [Fact]
    public void The_docs_have_snippets_to_compile() => Assert.True(Collect().Count >= 3, "no C# snippets found in README.md or docs/");

    /// <summary>The snippets of README.md and docs/**.md, by name: file and line, or the part-of group.</summary>
    private static Dictionary<string, string> Collect()
    {
        var root = ReadmeTests.FindRoot();
        var files = new List<string> { Path.Combine(root, "README.md") };
        var docs = Path.Combine(root, "docs");
        if (Directory.Exists(docs)) files.AddRange(Directory.GetFiles(docs, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        var snippets = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            foreach (Match block in Fence().Matches(File.ReadAllText(file)))
            {
                var line = File.ReadAllText(file)[..block.Index].Count(c => c == '\n') + 1;
                var group = block.Groups["group"].Success ? $"{relative} part-of:{block.Groups["group"].Value}" : $"{relative}:{line}";
                if (!snippets.TryGetValue(group, out var text)) snippets[group] = text = new StringBuilder();
                text.Append(block.Groups["code"].Value).Append('\n');
            }
        }
        // The samples are projects of a user's own: each of their C# files compiles against the public API too.
        var samples = Path.Combine(root, "samples");
        if (Directory.Exists(samples))
            foreach (var file in Directory.GetFiles(samples, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (!relative.Contains("/obj/", StringComparison.Ordinal) && !relative.Contains("/bin/", StringComparison.Ordinal))
                    snippets[relative] = new StringBuilder(File.ReadAllText(file));
            }
        return snippets.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
    }

    /// <summary>Every assembly a user's project would reference: the framework, ActorMesh, Akka, xunit.</summary>
    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
    {
        // Load what the snippets may use, so it is among the loaded assemblies.
        Assembly[] used = [typeof(MeshRunner).Assembly, typeof(ActorMesh.Scenarios.Catalog.ScenarioCatalog).Assembly, typeof(Akka.Actor.ActorSystem).Assembly,
            typeof(Akka.TestKit.Xunit2.TestKit).Assembly, typeof(Akka.TestKit.TestKitBase).Assembly, typeof(FactAttribute).Assembly, typeof(Assert).Assembly,
            typeof(Xunit.Abstractions.ITestOutputHelper).Assembly, typeof(ActorMesh.TestKit.VirtualTimeSpec).Assembly];
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToHashSet(StringComparer.Ordinal);
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Concat(used))
            if (!assembly.IsDynamic && assembly.Location.Length > 0) paths.Add(assembly.Location);
        return [.. paths.Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Select(p => MetadataReference.CreateFromFile(p))];
    });

    [GeneratedRegex(@"^```csharp(?:[ \t]+part-of:(?<group>[\w-]+))?[ \t]*\n(?<code>.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
