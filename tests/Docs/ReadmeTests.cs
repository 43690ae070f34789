using System.Text.RegularExpressions;
using ActorMesh.Scenarios.Catalog;

namespace ActorMesh.Tests.Docs;

/// <summary>
/// Keeps the README and the pages it sends readers to honest: the front page links every page of
/// docs/, every link between them lands on a file and a heading that exist, and docs/scenarios.md
/// describes every built-in scenario a user can run.
/// </summary>
public partial class ReadmeTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Readme = File.ReadAllText(Path.Combine(Root, "README.md"));
    private static readonly string Scenarios = File.ReadAllText(Path.Combine(Root, "docs", "scenarios.md"));

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
        Assert.True(missing.Count == 0, $"docs/scenarios.md has no '| `name` |' row for: {string.Join(", ", missing)}");
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
        Assert.StartsWith("# Built-in scenarios", Scenarios, StringComparison.Ordinal);
        var end = Scenarios.IndexOf("\n## ", StringComparison.Ordinal);
        return ScenarioRow().Matches(end < 0 ? Scenarios : Scenarios[..end]);
    }

    [Fact]
    public void The_readme_is_a_front_page_that_links_every_page_of_the_docs()
    {
        var lines = Readme.Count(c => c == '\n');
        Assert.True(lines <= 250, $"README.md has {lines} lines; the reference belongs in docs/ (at most 250 on the front page)");
        var unlinked = Directory.GetFiles(Path.Combine(Root, "docs"), "*.md")
            .Select(f => "docs/" + Path.GetFileName(f))
            .Where(page => !Readme.Contains($"]({page})", StringComparison.Ordinal) && !Readme.Contains($"]({page}#", StringComparison.Ordinal))
            .ToList();
        Assert.True(unlinked.Count == 0, "README.md links no page: " + string.Join(", ", unlinked));
    }

    [Fact]
    public void Every_link_between_the_readme_and_the_docs_lands_on_a_file_and_a_heading()
    {
        var pages = new List<string> { Path.Combine(Root, "README.md") };
        pages.AddRange(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"));
        var broken = new List<string>();
        foreach (var page in pages)
        {
            var text = File.ReadAllText(page);
            foreach (Match link in Link().Matches(WithoutCode(text)))
            {
                var target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                var hash = target.IndexOf('#');
                var path = hash < 0 ? target : target[..hash];
                var file = path.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, path));
                var where = $"{Path.GetRelativePath(Root, page)}: ({target})";
                if (!File.Exists(file) && !Directory.Exists(file)) { broken.Add(where + " no such file"); continue; }
                if (hash >= 0 && file.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(file)).Contains(target[(hash + 1)..]))
                    broken.Add(where + " no such heading");
            }
        }
        Assert.True(broken.Count == 0, "broken links:" + Environment.NewLine + string.Join(Environment.NewLine, broken));
    }

    /// <summary>GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match h in Heading().Matches(WithoutCode(markdown)))
        {
            var slug = NotInSlug().Replace(h.Groups[1].Value.Trim().ToLowerInvariant().Replace("`", ""), "").Replace(' ', '-');
            anchors.Add(slug);
        }
        return anchors;
    }

    /// <summary>The text with fenced code blocks blanked, so a '#' comment in a block is no heading.</summary>
    private static string WithoutCode(string markdown) => Fenced().Replace(markdown, "");

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex NotInSlug();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fenced();

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
