namespace ActorMesh.Tests.Host;

/// <summary>
/// Ctrl+C and SIGTERM during <c>run</c>, as a user sends them: a real child process and a real signal.
/// The first stops the load, lets the requests in flight drain for 2 s, prints the summary and writes
/// the report, with what did not finish counted as in flight, and exits 130 (SIGINT) or 143 (SIGTERM);
/// a second signal aborts at once, without a report. Each test waits for lines of the program's
/// output, never for a fixed time.
/// </summary>
public class InterruptTests
{
    /// <summary>Requests take 10 s, so a 2 s drain always leaves some in flight.</summary>
    private const string Slow = """
        name: slow
        services:
          - name: slow
            replicas: 2
            serviceTime: 10s
        load:
          rps: 20
          warmup: 0s
          duration: 3600s
        """;

    private static readonly Dictionary<string, string> Files = new() { ["slow.yaml"] = Slow };

    private static bool LoadRunning(string line) => line.Contains("] measure", StringComparison.Ordinal);

    private static RunReport Report(HostProcess host) =>
        RunReport.FromJson(File.ReadAllText(Path.Combine(host.Directory, "report.json")))!;

    [Fact]
    public async Task Sigint_stops_the_load_and_the_summary_and_report_count_what_did_not_finish_as_in_flight()
    {
        if (!OperatingSystem.IsLinux()) return;
        await using var host = HostProcess.Start(Files, "run", "slow.yaml", "--report", "report.json");
        await host.WaitForLineAsync(LoadRunning, "the load running");

        host.Signal(HostProcess.SIGINT);

        Assert.Equal(130, await host.ExitCodeAsync());
        Assert.Contains("SIGINT: stopping the load", host.Err);
        Assert.Contains("accounting: sent", host.Out);
        Assert.Contains("Interrupted (SIGINT)", host.Out);
        var report = Report(host);
        Assert.True(report.Outcomes.AddsUp);
        Assert.True(report.Requests.InFlight > 0, $"in flight {report.Requests.InFlight}");
        Assert.Equal(report.Requests.Sent, report.Requests.Ok + report.Requests.InFlight);
        Assert.True(report.DurationSeconds < 3600, $"measured {report.DurationSeconds} s: the window ends at the interrupt");
    }

    [Fact]
    public async Task Sigterm_in_virtual_time_drains_in_mesh_time_and_exits_143_with_the_report()
    {
        if (!OperatingSystem.IsLinux()) return;
        await using var host = HostProcess.Start(Files, "run", "slow.yaml", "--clock", "virtual", "--report", "report.json");
        await host.WaitForLineAsync(LoadRunning, "the load running");

        host.Signal(HostProcess.SIGTERM);

        Assert.Equal(143, await host.ExitCodeAsync());
        Assert.Contains("Interrupted (SIGTERM)", host.Out);
        var report = Report(host);
        Assert.True(report.Outcomes.AddsUp);
        Assert.True(report.Requests.InFlight > 0, $"in flight {report.Requests.InFlight}");
        Assert.Equal("virtual", report.Emulator.Clock);
    }

    [Fact]
    public async Task Sigint_on_an_in_process_cluster_reports_every_node()
    {
        if (!OperatingSystem.IsLinux()) return;
        await using var host = HostProcess.Start(Files, "run", "slow.yaml", "--nodes", "2", "--report", "report.json");
        await host.WaitForLineAsync(LoadRunning, "the load running");

        host.Signal(HostProcess.SIGINT);

        Assert.Equal(130, await host.ExitCodeAsync());
        var report = Report(host);
        Assert.True(report.Outcomes.AddsUp);
        Assert.True(report.Requests.InFlight > 0, $"in flight {report.Requests.InFlight}");
        Assert.Equal(2, report.Cluster.Nodes);
        Assert.Empty(report.Cluster.Unreported);
        Assert.Empty(report.Missing);
    }

    [Fact]
    public async Task A_second_signal_aborts_at_once_without_a_report()
    {
        if (!OperatingSystem.IsLinux()) return;
        await using var host = HostProcess.Start(Files, "run", "slow.yaml", "--report", "report.json");
        await host.WaitForLineAsync(LoadRunning, "the load running");

        host.Signal(HostProcess.SIGTERM);
        // The drain takes 2 s (every request takes 10): the second signal lands inside it.
        await host.WaitForLineAsync(l => l.StartsWith("SIGTERM: stopping the load", StringComparison.Ordinal), "the first signal heard");
        host.Signal(HostProcess.SIGTERM);

        Assert.Equal(143, await host.ExitCodeAsync());
        Assert.Contains("SIGTERM again: aborting", host.Err);
        Assert.DoesNotContain("accounting: sent", host.Out);
        Assert.False(File.Exists(Path.Combine(host.Directory, "report.json")));
    }
}
