using System.Diagnostics;

namespace ActorMesh.Tests.Host;

/// <summary>
/// The console program as a user runs it: a real process, its exit code and what it prints.
/// User mistakes exit with 2 and a message naming the problem, never a stack trace.
/// </summary>
public class CommandLineTests
{
    private static readonly string HostDll = Path.Combine(AppContext.BaseDirectory, "ActorMesh.Host.dll");

    internal static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(HostDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }

    private static void NoStackTrace(string text) => Assert.DoesNotContain("   at ", text);

    [Fact]
    public async Task Scenarios_lists_the_built_in_scenarios()
    {
        var (code, stdout, _) = await Run("scenarios");
        Assert.Equal(0, code);
        Assert.Contains("chain", stdout);
    }

    [Fact]
    public async Task Help_names_the_command_actormesh_as_the_tool_installs_it()
    {
        var (code, stdout, _) = await Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("actormesh [command] [options]", stdout);
        Assert.Contains("actormesh run <scenario> [options]", (await Run("run", "--help")).Out);
    }

    [Fact]
    public async Task Scenarios_with_a_name_prints_its_topology_file_to_copy()
    {
        var (code, stdout, _) = await Run("scenarios", "chain");
        Assert.Equal(0, code);
        Assert.Contains("name: chain", stdout);
    }

    [Fact]
    public async Task An_unknown_scenario_exits_with_2_and_lists_the_known_ones()
    {
        var (code, _, stderr) = await Run("run", "chian");
        Assert.Equal(2, code);
        Assert.Contains("no built-in scenario named 'chian'", stderr);
        Assert.Contains("chain", stderr);
        NoStackTrace(stderr);
    }

    [Fact]
    public async Task A_missing_topology_file_exits_with_2()
    {
        var (code, _, stderr) = await Run("run", "nowhere/my.yaml");
        Assert.Equal(2, code);
        Assert.Contains("'nowhere/my.yaml' not found", stderr);
        NoStackTrace(stderr);
    }

    [Theory]
    [InlineData("--duration", "abc", "--duration: 'abc' is not a positive duration")]
    [InlineData("--rps", "-5", "--rps: '-5' is not a positive number")]
    [InlineData("--users", "many", "--users: 'many' is not a positive whole number")]
    [InlineData("--seed", "x", "--seed: 'x' is not a whole number")]
    public async Task A_bad_flag_value_exits_with_2_and_names_the_flag(string flag, string value, string message)
    {
        var (code, _, stderr) = await Run("run", "chain", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
        NoStackTrace(stderr);
    }

    [Fact]
    public async Task Rps_and_users_together_exit_with_2()
    {
        var (code, _, stderr) = await Run("run", "chain", "--rps", "10", "--users", "3");
        Assert.Equal(2, code);
        Assert.Contains("--rps and --users cannot be used together", stderr);
    }

    [Fact]
    public async Task A_report_path_in_a_missing_directory_exits_with_2_before_running()
    {
        var (code, _, stderr) = await Run("run", "chain", "--report", "/no/such/dir/report.json");
        Assert.Equal(2, code);
        Assert.Contains("does not exist", stderr);
    }

    [Fact]
    public async Task Validate_lists_every_problem_of_a_file_with_its_line_and_exits_with_2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"actormesh-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, """
            name: broken
            services:
              - name: frontend
                replicas: -1
                script:
                  - call: paymnts
              - name: payments
            load:
              duration: ten seconds
            """);
        try
        {
            var (code, _, stderr) = await Run("validate", file);
            Assert.Equal(2, code);
            Assert.Contains(":4:", stderr);
            Assert.Contains("services[0].replicas", stderr);
            Assert.Contains("services[0].script[0].call: no service named 'paymnts' (did you mean 'payments'?)", stderr);
            Assert.Contains("load.duration", stderr);
            Assert.Contains("3 problem(s)", stderr);
            NoStackTrace(stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Validate_accepts_a_built_in_topology_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"actormesh-{Guid.NewGuid():N}.yaml");
        var (_, yaml, _) = await Run("scenarios", "chain");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            var (code, stdout, _) = await Run("validate", file);
            Assert.Equal(0, code);
            Assert.Contains("valid", stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_writes_a_report_whose_counts_add_up()
    {
        var report = Path.Combine(Path.GetTempPath(), $"actormesh-{Guid.NewGuid():N}.json");
        try
        {
            var (code, stdout, stderr) = await Run("run", "chain", "--duration", "1s", "--warmup", "0.2s", "--rps", "300", "--seed", "7", "--report", report);
            Assert.True(code == 0, stderr);
            Assert.Contains("adds up", stdout);
            // The end of a run is quiet: no exception, no stack trace.
            Assert.DoesNotContain("Exception", stderr);
            NoStackTrace(stderr);
            var r = RunReport.FromJson(await File.ReadAllTextAsync(report))!;
            Assert.Equal("chain", r.Scenario);
            Assert.Equal(7, r.Seed);
            Assert.Equal(r.Requests.Sent, r.Requests.Ok + r.Requests.Failed + r.Requests.TimedOut + r.Requests.Rejected + r.Requests.InFlight);
            Assert.InRange(r.Requests.Sent, 290, 310);
            Assert.True(r.Outcomes.AddsUp);
            Assert.Equal(3, r.Services["payments"].Instances);
        }
        finally
        {
            File.Delete(report);
        }
    }
}
