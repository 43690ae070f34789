using System.Text.Json.Nodes;
using ActorMesh.Scenarios.Catalog;
using ActorMesh.Tests.Host;

namespace ActorMesh.Tests.Hosting;

/// <summary>
/// Virtual time as a run mode (<c>--clock virtual</c>, <c>load.clock: virtual</c>): the same file, flags
/// and seed give the same report byte for byte, but for its two sections of wall-clock facts.
/// </summary>
public class VirtualClockRunTests
{
    /// <summary>The report without its wall-clock sections (<c>run</c>, <c>emulator</c>).</summary>
    internal static string WithoutWallClock(string json)
    {
        var report = JsonNode.Parse(json)!.AsObject();
        report.Remove("run");
        report.Remove("emulator");
        return report.ToJsonString();
    }

    [Fact]
    public async Task The_same_seed_repeats_a_console_run_in_virtual_time_byte_for_byte_but_for_run_and_emulator()
    {
        var dir = Directory.CreateTempSubdirectory("actormesh-virtual-").FullName;
        var a = Path.Combine(dir, "a.json");
        var b = Path.Combine(dir, "b.json");
        var first = await CommandLineTests.Run("run", "chain", "--clock", "virtual", "--duration", "3s", "--seed", "7", "--report", a);
        var second = await CommandLineTests.Run("run", "chain", "--clock", "virtual", "--duration", "3s", "--seed", "7", "--report", b);

        Assert.Equal(0, first.Code);
        Assert.Equal(0, second.Code);
        // The end of a run is quiet: no exception, no stack trace.
        Assert.Equal("", first.Err);
        Assert.Equal(WithoutWallClock(await File.ReadAllTextAsync(a)), WithoutWallClock(await File.ReadAllTextAsync(b)));
        // The summary says which clock ran and what the seed means.
        // The emulator's line wraps at the console's width where its wall-clock numbers make it long: read the words, not the lines.
        var words = System.Text.RegularExpressions.Regex.Replace(first.Out, @"\s+", " ");
        Assert.Contains("seed 7, virtual clock", words);
        Assert.Contains("Seed 7 repeats this report", words);
        var report = RunReport.FromJson(await File.ReadAllTextAsync(a))!;
        Assert.Equal("virtual", report.Run.Clock);
        Assert.Equal(7, report.Run.Seed);
        Assert.Equal("actormesh run chain --clock virtual --duration 3s --seed 7 --report " + a, report.Run.CommandLine);
        Assert.Equal(Environment.ProcessorCount, report.Run.Cores);
        Assert.False(string.IsNullOrEmpty(report.Run.Dotnet));
        Assert.False(string.IsNullOrEmpty(report.Run.Os));
        Assert.True(report.Emulator.SimulatedSeconds >= 4, $"the load alone is 4 s of mesh time, got {report.Emulator.SimulatedSeconds}");
        Assert.True(report.Emulator.MeshMessages > 0);
        Assert.False(report.Emulator.Saturated);
        Assert.True(report.Outcomes.AddsUp);
    }

    /// <summary>
    /// <c>emulator.meshMessages</c> of a virtual-time run is the run's own: the same seed gives the same
    /// count, also while another mesh runs in the same process (as tests do in parallel) and whatever
    /// Akka's own actors do on their threads as the system starts and stops.
    /// </summary>
    [Fact]
    public async Task The_same_seed_counts_the_same_mesh_messages_even_beside_another_run()
    {
        var chain = ScenarioCatalog.Find("chain")!.Load().Topology!;
        RunOptions Options(long seed) => new() { Clock = ClockMode.Virtual, Duration = TimeSpan.FromSeconds(2), Seed = seed };

        var alone = await MeshRunner.RunAsync(chain, Options(1));
        // Two at once, each on its own thread.
        var runs = await Task.WhenAll(Task.Run(() => MeshRunner.RunAsync(chain, Options(1))), Task.Run(() => MeshRunner.RunAsync(chain, Options(2))));

        Assert.True(alone.Emulator.MeshMessages > 0);
        Assert.Equal(alone.Emulator.MeshMessages, runs[0].Emulator.MeshMessages);
        Assert.Equal(WithoutWallClock(alone.ToJson()), WithoutWallClock(runs[0].ToJson()));
    }

    /// <summary>
    /// In virtual time no mesh actor takes a timer from Akka's real-time scheduler (a listener's patience
    /// included): one that fired would land at a moment of the wall clock's choosing, and starting that
    /// scheduler runs a 10 ms thread-pool tick through the run and an exception thrown and caught as it stops.
    /// </summary>
    [Fact]
    public async Task No_mesh_actor_waits_on_Akkas_real_time_scheduler_in_virtual_time()
    {
        var chain = ScenarioCatalog.Find("chain")!.Load().Topology!;

        var report = await MeshRunner.RunAsync(chain, new RunOptions { Clock = ClockMode.Virtual, Duration = TimeSpan.FromSeconds(1), AkkaConfig = NotingScheduler.Config });

        Assert.True(report.Outcomes.AddsUp);
        Assert.DoesNotContain(NotingScheduler.Tells, t => t.StartsWith("/user/", StringComparison.Ordinal));
    }

    [Fact]
    public void The_tool_version_names_the_git_commit_when_built_from_a_checkout()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, ".git")) && !File.Exists(Path.Combine(dir.FullName, ".git"))) dir = dir.Parent;
        // Built from a source tarball there is no commit to name, only the version.
        Assert.Matches(dir is null ? @"^\d+\.\d+\.\d+" : @"^\d+\.\d+\.\d+.*\+[0-9a-f]{7,40}$", EmulatorMeter.ToolVersion);
    }

    [Theory]
    [InlineData("--nodes", "3", "--clock virtual cannot be used with --nodes: virtual time runs on one node, and a cluster runs in real time")]
    [InlineData("--cluster", "127.0.0.1:4053", "--clock virtual cannot be used with --cluster")]
    public async Task Clock_virtual_on_a_cluster_exits_with_2_and_says_why(string flag, string value, string message)
    {
        var (code, _, stderr) = await CommandLineTests.Run("run", "chain", "--clock", "virtual", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task A_bad_clock_exits_with_2()
    {
        var (code, _, stderr) = await CommandLineTests.Run("run", "chain", "--clock", "fast");
        Assert.Equal(2, code);
        Assert.Contains("--clock: 'fast' is not a clock: use real or virtual", stderr);
    }

    [Fact]
    public void A_file_that_asks_for_virtual_time_on_three_nodes_is_refused_by_the_validator()
    {
        var topology = ScenarioCatalog.Find("node-failure")!.Load().Topology!;
        var problems = TopologyValidator.Validate(topology with { Load = topology.Load with { Clock = ClockMode.Virtual } });
        Assert.Contains(problems, p => p.ToString().Contains("load.clock: virtual time runs on one node, and this topology runs on 3"));
    }

    /// <summary>Every built-in scenario but the one that needs a cluster runs in virtual time, through its lesson, with every section a real-time report has.</summary>
    [Theory]
    [MemberData(nameof(OneNodeScenarios))]
    public async Task Every_one_node_built_in_scenario_runs_in_virtual_time_and_its_counts_add_up(string name)
    {
        var scenario = ScenarioCatalog.Find(name)!;
        var report = await scenario.RunAsync(scenario.Load().Topology!, new RunOptions { Clock = ClockMode.Virtual }, CancellationToken.None);

        Assert.True(report.Outcomes.AddsUp);
        Assert.Equal("virtual", report.Run.Clock);
        Assert.Equal("virtual", report.Emulator.Clock);
        Assert.Equal(LatenessSummary.None, report.Emulator.TimerLatenessMs);
        Assert.True(report.Requests.Sent > 0);
        var lesson = scenario.Lesson is not null;
        Assert.Equal(lesson, report.Figures.Count > 0);
    }

    public static TheoryData<string> OneNodeScenarios() =>
        [.. ScenarioCatalog.All.Where(s => s.Load().Topology!.Nodes == 1).Select(s => s.Name)];
}
