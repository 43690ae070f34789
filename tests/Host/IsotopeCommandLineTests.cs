using System.Diagnostics;
using ActorMesh.Tests.Scenarios.Isotope;

namespace ActorMesh.Tests.Host;

/// <summary><c>validate</c> and <c>run</c> take isotope service graphs as they take ActorMesh files, with no flag.</summary>
public class IsotopeCommandLineTests
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

    private static async Task<T> WithFile<T>(string name, string yaml, Func<string, Task<T>> use)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"actormesh-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name);
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            return await use(file);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Validate_accepts_the_sample_graph()
    {
        var (code, stdout, _) = await WithFile("sample-isotope.yaml", IsotopeReaderTests.Sample(), file => Run("validate", file));
        Assert.Equal(0, code);
        Assert.Contains("valid — 'sample-isotope': 7 service(s), 17 pod(s), 1 gateway(s)", stdout);
    }

    [Fact]
    public async Task Run_runs_the_sample_graph_and_every_request_is_accounted_for()
    {
        var (code, stdout, stderr) = await WithFile("sample-isotope.yaml", IsotopeReaderTests.Sample(),
            file => Run("run", file, "--duration", "1s", "--warmup", "0.2s", "--rps", "200"));
        Assert.True(code == 0, stderr);
        Assert.Contains("sample-isotope: 7 services, 17 pods", stdout);
        Assert.Contains("adds up", stdout);
    }

    [Fact]
    public async Task A_broken_graph_exits_with_2_and_lists_every_problem()
    {
        var (code, _, stderr) = await WithFile("broken.yaml", """
            defaults: { numReplicas: 2 }
            services:
            - name: a
              script:
              - call: paymnts
              - - call: b
                - - call: b
            - name: b
            """, file => Run("run", file));
        Assert.Equal(2, code);
        Assert.Contains("broken.yaml:5:11: services[0].script[0].call: no service named 'paymnts'", stderr);
        Assert.Contains("broken.yaml:7:7: services[0].script[1][1]: concurrent calls may not be nested", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
