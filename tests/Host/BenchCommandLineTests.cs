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
            var (code, stdout, stderr) = await CommandLineTests.Run("bench", "--rounds", "2", "--duration", "0.2s", "--users", "16", "--report", report);
            Assert.True(code == 0, stderr);
            Assert.Contains("delayP99ErrorMs", stdout);
            Assert.Contains("round 2/2", stdout);
            var r = RunReport.FromJson(await File.ReadAllTextAsync(report))!;
            Assert.Equal("bench", r.Scenario);
            foreach (var figure in new[] { "meshRps", "noSidecarRps", "rawActorRps", "meshVsRaw", "meshVsNoSidecar", "messagesPerRequest", "bytesPerRequest", "delayP99ErrorMs" })
            {
                Assert.True(r.Figures.ContainsKey(figure), $"figure {figure} is missing");
                Assert.True(r.Figures["summary"]!.AsObject().ContainsKey(figure), $"figure {figure} has no summary");
            }
            // Present and a measurement (delays were delivered), not a timing claim: targets are checked in benchmarks, not tests.
            Assert.True(r.Figures["delayP99ErrorMs"]!.GetValue<double>() >= 0, r.Figures.ToJsonString());
            Assert.True(r.Figures["delayAchievedRate"]!.GetValue<double>() > 0, r.Figures.ToJsonString());
            var rounds = r.Figures["rounds"]!.AsArray();
            Assert.Equal(2, rounds.Count);
            Assert.All(rounds, round => Assert.True(round!.AsObject().ContainsKey("meshVsRaw")));
            // Two rounds are too few to judge, whatever they measured.
            Assert.False(r.Figures["trustworthy"]!.GetValue<bool>());
            Assert.Contains(r.Figures["warnings"]!.AsArray(), w => w!.GetValue<string>().StartsWith("only 2 rounds"));
            Assert.Contains("Do not trust these figures", stdout);
        }
        finally
        {
            File.Delete(report);
        }
    }

    [Theory]
    [InlineData("--rounds", "0", "--rounds: '0' is not a whole number from 1 to 100")]
    [InlineData("--duration", "0s", "--duration: '0s' is not a positive duration")]
    [InlineData("--metrics-port", "0", "--metrics-port: '0' is not a whole number from 1 to 65535")]
    [InlineData("--metrics-host", "127.0.0.1", "--metrics-host needs --metrics-port")]
    public async Task A_bad_bench_flag_exits_with_2_before_measuring(string flag, string value, string message)
    {
        var (code, stdout, stderr) = await CommandLineTests.Run("bench", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("round 1/", stdout);
    }
}
