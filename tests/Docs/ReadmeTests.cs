using System.Text.RegularExpressions;
using ActorMesh.Scenarios.Catalog;

namespace ActorMesh.Tests.Docs;

/// <summary>
/// Keeps the README's promises about itself: it sends readers to the topology reference, and it
/// describes every built-in scenario a user can run.
/// </summary>
public partial class ReadmeTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Readme = File.ReadAllText(Path.Combine(Root, "README.md"));

    [Fact]
    public void The_readme_links_the_topology_reference()
    {
        Assert.Contains("](docs/topology.md)", Readme, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "docs", "topology.md")));
    }

    [Fact]
    public void Every_built_in_scenario_has_a_row_in_the_readmes_scenario_table()
    {
        var rows = ScenarioRows().Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        var missing = ScenarioCatalog.All.Select(s => s.Name).Where(name => !rows.Contains(name)).ToList();
        Assert.True(missing.Count == 0, $"README.md has no '| `name` |' row for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_figure_a_scenario_row_names_is_written_by_its_lesson()
    {
        // A figure named in the README but computed nowhere would be a promise the program does not keep.
        var lessons = Directory.GetFiles(Path.Combine(Root, "src", "Scenarios", "Lessons"), "*.cs").Select(File.ReadAllText).ToList();
        var failures = new List<string>();
        foreach (Match row in ScenarioRows())
        {
            var text = row.Groups["text"].Value;
            var at = text.IndexOf("Figures", StringComparison.Ordinal);
            if (at < 0) continue;
            foreach (Match figure in InlineCode().Matches(text[at..]))
            {
                var name = figure.Groups[1].Value;
                if (!lessons.Any(code => code.Contains($"[\"{name}\"]", StringComparison.Ordinal)))
                    failures.Add($"{row.Groups["name"].Value}: `{name}`");
            }
        }
        Assert.True(failures.Count == 0, "figures no lesson writes: " + string.Join(", ", failures));
    }

    private static MatchCollection ScenarioRows()
    {
        var start = Readme.IndexOf("\n## Built-in scenarios", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Built-in scenarios' section");
        var end = Readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return ScenarioRow().Matches(end < 0 ? Readme[start..] : Readme[start..end]);
    }

    [GeneratedRegex(@"^\| `(?<name>[a-z0-9-]+)` \|(?<text>.*)$", RegexOptions.Multiline)]
    private static partial Regex ScenarioRow();

    [GeneratedRegex(@"`([a-zA-Z][a-zA-Z0-9]*)`")]
    private static partial Regex InlineCode();

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorMesh.sln"))) return dir.FullName;
        throw new InvalidOperationException("ActorMesh.sln not found above " + AppContext.BaseDirectory);
    }
}
