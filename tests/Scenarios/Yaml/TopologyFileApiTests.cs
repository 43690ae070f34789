using ActorMesh.Scenarios.Yaml;
using ActorMesh.Tests.Host;
using ActorMesh.Tests.Hosting;

namespace ActorMesh.Tests.Scenarios.Yaml;

/// <summary>
/// <c>TopologyFile.Load</c> is the console's reader: a test that loads a file runs the mesh that
/// <c>actormesh run</c> runs, so an experiment can assert on the same file the console runs.
/// </summary>
public class TopologyFileApiTests
{
    private const string Checkout = """
        name: checkout
        mesh:
          defaults:
            retries: { attempts: 2, retryOn: 5xx }
        services:
          - name: frontend
            replicas: 2
            script: [ { call: payments } ]
          - name: payments
            replicas: 3
            serviceTime: { type: lognormal, median: 2ms, sigma: 0.5 }
            instances:
              - { index: 0, errors: { rate: 0.5, status: 503 } }
        load:
          rps: 200
          duration: 2s
          warmup: 0s
        """;

    [Fact]
    public async Task A_file_loaded_in_a_test_runs_the_same_mesh_as_the_console_byte_for_byte_in_virtual_time()
    {
        var dir = Directory.CreateTempSubdirectory("actormesh-file-api-").FullName;
        var path = Path.Combine(dir, "checkout.yaml");
        await File.WriteAllTextAsync(path, Checkout);
        var consoleReport = Path.Combine(dir, "console.json");

        var console = await CommandLineTests.Run("run", path, "--clock", "virtual", "--seed", "3", "--report", consoleReport);
        var topology = TopologyFile.Load(path).OrThrow();
        var api = await MeshRunner.RunAsync(topology, new RunOptions { Clock = ClockMode.Virtual, Seed = 3 });

        Assert.True(console.Code == 0, console.Err);
        Assert.True(api.Requests.Sent > 0 && api.Services["payments"].PerInstance["payments-0"].Errors > 0);
        Assert.Equal(VirtualClockRunTests.WithoutWallClock(await File.ReadAllTextAsync(consoleReport)), VirtualClockRunTests.WithoutWallClock(api.ToJson()));
    }

    [Fact]
    public void A_file_with_problems_throws_listing_each_with_its_line()
    {
        var e = Assert.Throws<TopologyFileException>(() => TopologyFile.Parse("name: x\nservices:\n  - name: a\n    replicas: many\n", "x.yaml").OrThrow());
        Assert.Contains("x.yaml:4:", e.Message);
        Assert.Single(e.Problems);
    }
}
