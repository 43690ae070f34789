using System.CommandLine;
using ActorMesh.Host.Commands;
using ActorMesh.Tests.Scenarios.Yaml;

namespace ActorMesh.Tests.Host;

/// <summary>
/// The files that once took the console down (an uncatchable stack overflow, a hang, gigabytes read),
/// now run through the real process: exit code 2, the problem that names the limit, no stack trace.
/// And the duration flags, which read durations as files do.
/// </summary>
public class HostileFileCommandLineTests
{
    [Fact]
    public async Task Thirty_thousand_nested_brackets_exit_with_2_and_name_the_nesting_limit() =>
        await ExitsWith2(ReaderLimitsTests.DeepNesting, "mappings and lists are nested more than 64 deep (the limit)");

    [Fact]
    public async Task An_alias_bomb_exits_with_2_and_names_the_node_limit() =>
        await ExitsWith2(ReaderLimitsTests.AliasBomb, "the file holds more than 1,000,000 YAML nodes");

    [Fact]
    public async Task Run_of_dev_zero_exits_with_2_and_names_the_size_limit()
    {
        if (!OperatingSystem.IsLinux()) return;
        var (code, _, stderr) = await CommandLineTests.Run("run", "/dev/zero");
        Assert.Equal(2, code);
        Assert.Contains("error: /dev/zero: the file is larger than 16 MiB (the limit); reading stopped there", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Warmup_0s_is_accepted() => Assert.Empty(ParseRun("--warmup", "0s").Errors);

    [Theory]
    [InlineData("--duration", "10", "--duration: '10' needs a unit, e.g. '10ms' or '10s': a duration always carries its unit (ns, us, ms, s, m, h); only 0 may stand alone")]
    [InlineData("--warmup", "1", "--warmup: '1' needs a unit, e.g. '1ms' or '1s': a duration always carries its unit (ns, us, ms, s, m, h); only 0 may stand alone")]
    [InlineData("--duration", "0s", "--duration: '0s' is not a positive duration (e.g. 10s, 500ms, 2m)")]
    [InlineData("--warmup", "-1s", "--warmup: '-1s' is not a duration of 0 or more (e.g. 10s, 500ms, 2m)")]
    [InlineData("--duration", "200000000h", "--duration: '200000000h' is longer than 8760h (a year, the limit)")]
    public void A_duration_flag_follows_the_files_rule_and_limits(string flag, string value, string error) =>
        Assert.Equal([error], ParseRun(flag, value).Errors.Select(e => e.Message));

    private static ParseResult ParseRun(params string[] flags) => new RootCommand { RunCommand.Create() }.Parse(["run", "chain", .. flags]);

    private static async Task ExitsWith2(string yaml, string problem)
    {
        var file = Path.Combine(Path.GetTempPath(), $"actormesh-hostile-{Environment.ProcessId}-{problem.GetHashCode():x}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            var (code, _, stderr) = await CommandLineTests.Run("validate", file);
            Assert.Equal(2, code);
            Assert.Contains(problem, stderr);
            Assert.DoesNotContain("   at ", stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
