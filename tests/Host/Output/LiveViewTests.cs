using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorMesh.Host.Output;
using ActorMesh.Load;
using ActorMesh.Scenarios.Lessons;
using ActorMesh.Tests.Host.Output.Html;
using Spectre.Console;

namespace ActorMesh.Tests.Host.Output;

/// <summary>
/// The console a person follows at 80 columns: progress against the total, timeline events as their time
/// comes, a heading per lesson phase, and tables that never cut a number or run past the edge.
/// </summary>
public partial class LiveViewTests(FaultyRunFixture run) : IClassFixture<FaultyRunFixture>
{
    private static (IAnsiConsole Console, StringWriter Output) Console80()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 80;
        return (console, output);
    }

    private static string[] Lines(StringWriter output) => output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    private static void FitsIn80(string[] lines) =>
        Assert.True(lines.All(l => l.Length <= 80), "lines over 80 columns:\n" + string.Join('\n', lines.Where(l => l.Length > 80)));

    /// <summary>A report with big numbers and a long service name, the worst case for 80 columns.</summary>
    private RunReport Wide()
    {
        var r = run.Report;
        var big = new ServiceReport { Instances = 12, [ServiceCounter.Requests] = 123456789, [ServiceCounter.Ok] = 123400000, [ServiceCounter.Errors] = 56789, LatencyMs = r.LatencyMs with { P50 = 1234.567, P99 = 98765.432 },
            Upstream = new UpstreamReport { [ServiceCounter.Retries] = 7654321, [ServiceCounter.Timeouts] = 4321, [ServiceCounter.RejectedByCircuit] = 8765432, [ServiceCounter.Ejections] = 99 } };
        return r with
        {
            Requests = new RequestCounts(987654321, 987000000, 654321, 0, 0, 0),
            Services = new(r.Services) { ["recommendations-and-personalisation-engine"] = big },
            Figures = new JsonObject
            {
                ["takeaway"] = "a long sentence that says what the lesson measured, long enough to need wrapping on a terminal of eighty columns",
                ["okRateWithMesh"] = 0.9912,
                ["perVariant"] = new JsonObject { ["web"] = 12.5, ["mobile"] = 17.25 },
                ["steps"] = new JsonArray(new JsonObject { ["step"] = 0, ["p99Ms"] = 12.3 }, new JsonObject { ["step"] = 1, ["p99Ms"] = 45.6 }),
                ["rolledBack"] = new JsonArray("payments v3: payments", "monolith v3: orders, users, payments, notifications, recommendations"),
            },
        };
    }

    [Fact]
    public void The_summary_fits_80_columns_and_never_cuts_a_number()
    {
        var (console, output) = Console80();
        SummaryView.Write(Wide(), console);
        var lines = Lines(output);

        FitsIn80(lines);
        foreach (var number in new[] { "987654321", "123456789", "123400000", "7654321", "8765432", "98765.432", "1234.567" })
            Assert.True(lines.Any(l => Regex.IsMatch(l, $@"(?<![\d.]){Regex.Escape(number)}(?![\d.])")), $"{number} is not whole on any line:\n{output}");
        Assert.Contains(lines, l => l.Contains("recommendations-and-per…", StringComparison.Ordinal));
    }

    [Fact]
    public void Figures_are_small_tables_and_sentences_not_json()
    {
        var (console, output) = Console80();
        FigureTables.Write(Wide().Figures, console);
        var text = output.ToString();
        var lines = Lines(output);

        FitsIn80(lines);
        Assert.DoesNotContain("{", text);
        Assert.DoesNotContain("\"", text);
        Assert.Contains(lines, l => l.StartsWith("takeaway: a long sentence", StringComparison.Ordinal));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"│ okRateWithMesh\s+│\s+0\.9912 │"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"│ mobile\s+│\s+17\.25 │"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"│ 1\s+│\s+45\.6 │"));
        Assert.Contains(lines, l => l.Contains("monolith v3: orders", StringComparison.Ordinal));
    }

    [Fact]
    public void A_table_too_wide_is_split_repeating_the_name_column()
    {
        var table = new FittedTable("wide", "name", "aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc", "dddddddddddd", "eeeeeeeeeeee", "ffffffffffff");
        table.Row("x", "1", "2", "3", "4", "5", "6");
        var tables = table.Tables(80);
        Assert.Equal(2, tables.Count);
        var (console, output) = Console80();
        table.Write(console);
        var lines = Lines(output);
        FitsIn80(lines);
        Assert.Equal(2, lines.Count(l => Regex.IsMatch(l, @"^│ name +│")));
        Assert.Equal(2, lines.Count(l => Regex.IsMatch(l, @"^│ x +│")));
        Assert.Single(table.Tables(200));
    }

    /// <summary>How the live view names the fault at 3 s (its description formats the rate in the current culture).</summary>
    private static readonly string Fault = "at 3s: " + FaultyRunFixture.Topology.Timeline.Single(e => e.Event is SetErrorsEvent).Event.Describe();

    private static LiveStats At(double seconds, string phase = "measure") => new(seconds, phase, 2000 * (long)seconds, 12, 2000, 99.5, 31.25, 1990 * (long)seconds, 10 * (long)seconds);

    [Fact]
    public void Progress_is_shown_against_the_total_duration()
    {
        var feed = new LiveFeed(FaultyRunFixture.Topology); // 1 s warm-up + 4 s
        Assert.Equal(5, feed.TotalSeconds);
        Assert.Equal("━━━━━━━━━━━━──────── 3.0 of 5.0 s (60%) measure", feed.Progress(At(3), 20));
        Assert.EndsWith("5.0 of 5.0 s (100%) done", feed.Progress(At(5, "done")), StringComparison.Ordinal);
    }

    [Fact]
    public void Timeline_events_are_shown_when_their_time_comes_once_each()
    {
        var feed = new LiveFeed(FaultyRunFixture.Topology);
        Assert.Empty(feed.Update(At(2.9)));
        Assert.Equal([Fault], feed.Update(At(3)));
        Assert.Equal(["at 3.5s: stop the control plane", "at 4s: start the control plane", "at 4s: kill api-1"], feed.Update(At(4.2)));
        Assert.Empty(feed.Update(At(5)));
    }

    [Fact]
    public void Each_phase_gets_a_heading_and_restarts_the_timeline_and_the_finished_one_stays_as_a_line()
    {
        var feed = new LiveFeed(FaultyRunFixture.Topology);
        Assert.Equal("── phase 1 of 2: without the mesh ──", feed.StartPhase(new LessonPhase(1, 2, "without the mesh")));
        feed.Update(At(5, "done"));
        feed.StartPhase(new LessonPhase(2, 2, "with the mesh"));
        Assert.Equal([Fault], feed.Update(At(3)));

        var (console, output) = Console80();
        console.Write(feed.View(80));
        var lines = Lines(output);
        FitsIn80(lines);
        Assert.Equal("phase 1 of 2: without the mesh: sent 10000, ok 9950, not ok 50", lines[0]);
        Assert.Contains(lines, l => l.Contains("phase 2 of 2: with the mesh", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("3.0 of 5.0 s (60%) measure", StringComparison.Ordinal));
        Assert.Contains(lines, l => l == Fault);
    }

    [Fact]
    public void The_live_lines_and_the_live_table_fit_80_columns_with_big_numbers()
    {
        var feed = new LiveFeed(FaultyRunFixture.Topology);
        var big = new LiveStats(1234.5, "measure", 987654321, 123456, 250000, 99.99, 12345.67, 987000000, 654321);
        Assert.True(feed.Line(At(3)).Length <= 80, feed.Line(At(3)));
        feed.Update(big);
        var (console, output) = Console80();
        console.Write(feed.View(80));
        var lines = Lines(output);
        FitsIn80(lines);
        Assert.Contains(lines, l => l.Contains("987654321", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("12345.67", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_mesh_lesson_announces_its_three_phases_in_order()
    {
        var phases = new List<LessonPhase>();
        var lesson = new MeshLesson((_, _, _) => Task.FromResult(run.Report));
        await lesson.RunAsync(FaultyRunFixture.Topology, new RunOptions { PhaseStarted = phases.Add }, CancellationToken.None);
        Assert.Equal([new LessonPhase(1, 3, "without the mesh"), new LessonPhase(2, 3, "sidecars only"), new LessonPhase(3, 3, "with the mesh")], phases);
    }
}
