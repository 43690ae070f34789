using System.Diagnostics;

namespace ActorMesh.Tests.Host;

/// <summary><c>run sidecar</c> as a user runs it: the lesson's figures in the report, and the shipped log events in the <c>--logs</c> file.</summary>
public class SidecarCommandLineTests
{
    private static readonly string HostDll = Path.Combine(AppContext.BaseDirectory, "ActorMesh.Host.dll");

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
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

    [Fact]
    public async Task Run_sidecar_reports_its_figures_and_writes_every_shipped_log_event_to_the_logs_file()
    {
        var report = Path.Combine(Path.GetTempPath(), $"actormesh-{Guid.NewGuid():N}.json");
        var logs = Path.Combine(Path.GetTempPath(), $"actormesh-{Guid.NewGuid():N}.jsonl");
        try
        {
            var (code, stdout, stderr) = await Run("run", "sidecar", "--duration", "3s", "--warmup", "0.2s", "--rps", "200", "--report", report, "--logs", logs);

            Assert.True(code == 0, stderr);
            Assert.Contains("takeaway", stdout);
            Assert.Contains("sidecars: restarts log-collector 1, proxy 0", stdout);
            var r = RunReport.FromJson(await File.ReadAllTextAsync(report))!;
            Assert.Equal(0, r.Figures["appRestarts"]!.GetValue<int>());
            Assert.Equal(1, r.Figures["sidecarRestarts"]!.GetValue<long>());
            Assert.Equal(1, r.Sidecars.Restarts["log-collector"]);
            var s = r.Sidecars;
            Assert.Equal(s.LogsEmitted, s.LogsShipped + s.LogsDropped + s.LogsBuffered);
            // What was still buffered at the end shipped as the pods stopped, so the file holds every event not dropped.
            var lines = await File.ReadAllLinesAsync(logs);
            Assert.Equal(s.LogsEmitted - s.LogsDropped, lines.Length);
            Assert.Contains("\"@mt\":\"{Service} {Path} answered {Status} in {DurationMs} ms\"", lines[0]);
        }
        finally
        {
            File.Delete(report);
            File.Delete(logs);
        }
    }

    [Fact]
    public async Task A_copy_of_the_sidecar_file_keeps_its_lesson_and_a_small_buffer_drops_and_counts()
    {
        var file = Path.Combine(Path.GetTempPath(), $"actormesh-{Guid.NewGuid():N}.yaml");
        var report = Path.Combine(Path.GetTempPath(), $"actormesh-{Guid.NewGuid():N}.json");
        var (_, yaml, _) = await Run("scenarios", "sidecar");
        await File.WriteAllTextAsync(file, yaml.Replace("bufferSize: 1024", "bufferSize: 30").Replace("batchSize: 100", "batchSize: 10").Replace("- at: 3s", "- at: 1s"));
        try
        {
            // The crash comes 1 s into the load and the collector is down for 1 s: orders-0 emits ~100 events meanwhile, into a buffer of 30.
            var (code, _, stderr) = await Run("run", file, "--duration", "3s", "--warmup", "0.2s", "--rps", "200", "--report", report);

            Assert.True(code == 0, stderr);
            var r = RunReport.FromJson(await File.ReadAllTextAsync(report))!;
            Assert.Equal(1, r.Sidecars.Restarts["log-collector"]);
            Assert.True(r.Sidecars.LogsDropped > 0, $"dropped {r.Sidecars.LogsDropped}");
            Assert.Equal(r.Sidecars.LogsDropped, r.Figures["logsDropped"]!.GetValue<long>());
            Assert.True(r.Figures["logsAddUp"]!.GetValue<bool>());
            Assert.Equal(0, r.Figures["appRestarts"]!.GetValue<int>());
        }
        finally
        {
            File.Delete(file);
            File.Delete(report);
        }
    }

    [Fact]
    public async Task A_logs_path_in_a_missing_directory_exits_with_2_before_running()
    {
        var (code, _, stderr) = await Run("run", "sidecar", "--logs", "/no/such/dir/logs.jsonl");
        Assert.Equal(2, code);
        Assert.Contains("--logs: directory '/no/such/dir' does not exist", stderr);
    }
}
