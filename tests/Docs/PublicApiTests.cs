using System.Reflection;

namespace ActorMesh.Tests.Docs;

/// <summary>
/// The public surface is what a library user needs (issue 10, item 7): the topology builder and file
/// loader, the runner and its options, the report, the scenarios and test support. Actors, their
/// messages and the plumbing between them are internal. Every public type is listed in
/// <c>PublicApi.txt</c> beside this file: a type that becomes public has to be added there, on purpose.
/// </summary>
public class PublicApiTests
{
    private static readonly Assembly[] Library =
    [
        typeof(MeshRunner).Assembly,
        typeof(ActorMesh.Scenarios.Catalog.ScenarioCatalog).Assembly,
        typeof(ActorMesh.TestKit.VirtualTimeSpec).Assembly,
        typeof(ActorMesh.Host.ExitCodes).Assembly,
    ];

    [Fact]
    public void Every_public_type_is_in_the_baseline_and_no_other()
    {
        var actual = Library
            .SelectMany(a => a.GetExportedTypes().Select(t => $"{a.GetName().Name}: {t.FullName}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var path = Path.Combine(ReadmeTests.FindRoot(), "tests", "Docs", "PublicApi.txt");
        var expected = File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var added = actual.Except(expected, StringComparer.Ordinal).ToList();
        var removed = expected.Except(actual, StringComparer.Ordinal).ToList();
        Assert.True(added.Count == 0 && removed.Count == 0,
            $"{actual.Count} public types.\nPublic but not in PublicApi.txt:\n  {string.Join("\n  ", added)}\nIn PublicApi.txt but not public:\n  {string.Join("\n  ", removed)}");
    }
}
