using ActorMesh.Telemetry;

namespace ActorMesh.Tests.Host;

/// <summary><c>bench</c> from the console: every figure is measured and written, whatever the machine makes of it.</summary>
public class BenchCommandLineTests
{
    [Fact]
    public async Task Bench_writes_every_figure_including_the_delay_error()
    {
        var report = Path.Combine(Path.GetTempPath(), $"actormesh-{Guid.NewGuid():N}.json");
        try
        {
            var (code, stdout, stderr) = await CommandLineTests.Run("bench", "--duration", "0.5s", "--users", "16", "--report", report);
            Assert.True(code == 0, stderr);
            Assert.Contains("delayP99ErrorMs", stdout);
            var r = RunReport.FromJson(await File.ReadAllTextAsync(report))!;
            Assert.Equal("bench", r.Scenario);
            foreach (var figure in new[] { "meshRps", "noSidecarRps", "rawActorRps", "meshVsRaw", "messagesPerRequest", "bytesPerRequest", "delayP99ErrorMs" })
                Assert.True(r.Figures.ContainsKey(figure), $"figure {figure} is missing");
            // Present and a measurement (delays were delivered), not a timing claim: targets are checked in benchmarks, not tests.
            Assert.True(r.Figures["delayP99ErrorMs"]!.GetValue<double>() >= 0, r.Figures.ToJsonString());
            Assert.True(r.Figures["delayAchievedRate"]!.GetValue<double>() > 0, r.Figures.ToJsonString());
        }
        finally
        {
            File.Delete(report);
        }
    }
}
