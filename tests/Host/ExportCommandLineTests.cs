using System.Text.Json;
using ActorMesh.Tests.Telemetry;

namespace ActorMesh.Tests.Host;

/// <summary>The exports from the console: one run writes the CSV, the traces and the metrics; bad flags exit 2 before any run.</summary>
public class ExportCommandLineTests
{
    [Fact]
    public async Task A_run_writes_the_timeline_csv_the_zipkin_traces_and_istios_metrics()
    {
        var dir = Directory.CreateTempSubdirectory("actormesh-exports-").FullName;
        string At(string name) => Path.Combine(dir, name);

        var (code, stdout, _) = await CommandLineTests.Run("run", "chain", "--clock", "virtual", "--duration", "2s", "--report", At("r.json"),
            "--csv", At("t.csv"), "--traces", At("traces.json"), "--metrics-file", At("m.prom"));

        Assert.Equal(0, code);
        var report = RunReport.FromJson(await File.ReadAllTextAsync(At("r.json")))!;
        var csv = await File.ReadAllLinesAsync(At("t.csv"));
        Assert.Equal(string.Join(',', TimelineCsv.Columns), csv[0]);
        Assert.Equal(report.Timeline.Count + 1, csv.Length);
        var spans = JsonDocument.Parse(await File.ReadAllTextAsync(At("traces.json"))).RootElement;
        Assert.Equal(report.Tracing.Spans, spans.GetArrayLength());
        var metrics = IstioMetricsSpecs.Parse(await File.ReadAllTextAsync(At("m.prom")));
        Assert.Equal(report.Services["frontend"][ServiceCounter.Requests],
            metrics.Where(s => s.Name == "istio_requests_total" && s.Labels["reporter"] == "destination" && s.Labels["destination_workload"] == "frontend").Sum(s => s.Value));
        Assert.Contains("Traces written to", stdout);
        Assert.Contains("Metrics written to", stdout);
    }

    [Theory]
    [InlineData("--metrics-port", "0", "--metrics-port: '0' is not a whole number from 1 to 65535")]
    [InlineData("--metrics-port", "http", "--metrics-port: 'http' is not a whole number from 1 to 65535")]
    [InlineData("--metrics-host", "127.0.0.1", "--metrics-host needs --metrics-port")]
    [InlineData("--csv", "/", "--csv: '/' is a directory")]
    [InlineData("--traces", "/nowhere/t.json", "--traces: directory '/nowhere' does not exist")]
    [InlineData("--metrics-file", "/nowhere/m.prom", "--metrics-file: directory '/nowhere' does not exist")]
    public async Task A_bad_export_flag_exits_2_with_the_problem(string flag, string value, string message)
    {
        var (code, _, stderr) = await CommandLineTests.Run("run", "chain", "--clock", "virtual", "--duration", "1s", flag, value);

        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
    }
}
