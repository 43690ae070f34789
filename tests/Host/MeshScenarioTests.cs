namespace ActorMesh.Tests.Host;

/// <summary><c>run mesh</c> from the console: the lesson's three phases in real time, its figures in the report.</summary>
public class MeshScenarioTests
{
    [Fact]
    public async Task Run_mesh_reports_its_measured_figures_and_the_denied_plaintext_calls()
    {
        var report = Path.Combine(Path.GetTempPath(), $"actormesh-{Guid.NewGuid():N}.json");
        try
        {
            var (code, stdout, stderr) = await CommandLineTests.Run("run", "mesh", "--duration", "0.5s", "--warmup", "0.5s", "--rps", "300", "--report", report);
            Assert.True(code == 0, stderr);
            Assert.Contains("okRateWithMesh", stdout);
            Assert.Contains("security: denied", stdout);
            var r = RunReport.FromJson(await File.ReadAllTextAsync(report))!;
            Assert.Equal("mesh", r.Scenario);
            Assert.True(r.Outcomes.AddsUp);
            foreach (var figure in new[] { "okRateWithoutMesh", "okRateWithMesh", "addedLatencyPerHopMs", "deniedPlaintext" })
                Assert.True(r.Figures.ContainsKey(figure), $"figure {figure} is missing");
            Assert.True(r.Security[ServiceCounter.DeniedPlaintext] > 0, r.Figures.ToJsonString());
            Assert.Equal(r.Security[ServiceCounter.DeniedPlaintext], r.Figures["deniedPlaintext"]!.GetValue<long>());
            // How the figures compare is asserted in virtual time (MeshLessonSpecs): real time on a busy machine is noisy.
        }
        finally
        {
            File.Delete(report);
        }
    }

    [Fact]
    public async Task Scenarios_lists_mesh_and_prints_its_file_to_copy()
    {
        var (code, stdout, _) = await CommandLineTests.Run("scenarios");
        Assert.Equal(0, code);
        Assert.Contains("mesh", stdout);
        (code, stdout, _) = await CommandLineTests.Run("scenarios", "mesh");
        Assert.Equal(0, code);
        Assert.Contains("name: mesh", stdout);
        Assert.Contains("mtls: strict", stdout);
    }
}
