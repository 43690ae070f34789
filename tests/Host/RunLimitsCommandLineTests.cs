namespace ActorMesh.Tests.Host;

/// <summary>
/// What the machine cannot run is refused before anything starts (exit 2, the estimate, the limit and
/// how to go on); a timeline event after a load shortened by a flag is skipped with a warning.
/// </summary>
public class RunLimitsCommandLineTests
{
    /// <summary>Six million pods: more than any machine this runs on starts in one process.</summary>
    private static string Huge()
    {
        var yaml = new System.Text.StringBuilder("name: huge\nservices:\n");
        for (var i = 0; i < 60; i++) yaml.Append($"  - name: svc-{i}\n    replicas: 100000\n");
        return yaml.ToString();
    }

    /// <summary>Runs the program with <paramref name="yaml"/> written to a file that <c>topology.yaml</c> in <paramref name="args"/> stands for.</summary>
    private static async Task<(int Code, string Out, string Err)> WithFile(string yaml, params string[] args)
    {
        var dir = Directory.CreateTempSubdirectory("actormesh-limits-").FullName;
        var file = Path.Combine(dir, "topology.yaml");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            return await CommandLineTests.Run([.. args.Select(a => a == "topology.yaml" ? file : a)]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Validate_refuses_a_topology_too_large_for_the_machine_with_the_estimate()
    {
        var (code, _, stderr) = await WithFile(Huge(), "validate", "topology.yaml");

        Assert.Equal(2, code);
        Assert.Contains("6,000,000 pods in one process are more than this machine starts", stderr);
        Assert.Contains("use fewer replicas", stderr);
        Assert.Contains("valid, but too large for this machine — estimate: 6,000,000 pod(s)", stderr);
    }

    [Fact]
    public async Task Run_refuses_it_before_starting_anything()
    {
        var (code, stdout, stderr) = await WithFile(Huge(), "run", "topology.yaml");

        Assert.Equal(2, code);
        Assert.Contains("error: estimate: 6,000,000 pod(s)", stderr);
        Assert.DoesNotContain("load:", stdout);
    }

    [Fact]
    public async Task Validate_prints_the_estimate_of_a_topology_that_fits()
    {
        var (code, stdout, _) = await WithFile("name: small\nservices:\n  - name: api\n    replicas: 3\n", "validate", "topology.yaml");

        Assert.Equal(0, code);
        Assert.Contains("estimate: ", stdout);
        Assert.Contains("this process may use", stdout);
    }

    [Fact]
    public async Task Too_many_in_process_nodes_are_refused_without_naming_the_cluster_flag()
    {
        var max = MeshCapacity.Estimate(ActorMesh.Topology.MeshTopology.Create("one").Service("a", s => s.Replicas(1)).Build()).MaxNodes;
        if (max >= 64) return; // a machine of 8 cores or more runs 64 nodes
        var (code, stdout, stderr) = await CommandLineTests.Run("run", "chain", "--nodes", "64");

        Assert.Equal(2, code);
        Assert.Contains($"nodes: 64 cluster nodes in one process are more than this machine runs: at most {max}", stderr);
        Assert.DoesNotContain("--cluster", stderr);
        Assert.DoesNotContain("load:", stdout);
    }

    [Fact]
    public async Task A_timeline_event_after_a_shortened_load_is_skipped_with_a_warning_and_listed_in_the_report()
    {
        var dir = Directory.CreateTempSubdirectory("actormesh-skipped-").FullName;
        var report = Path.Combine(dir, "report.json");

        var (code, _, stderr) = await CommandLineTests.Run("run", "full-flow", "--duration", "1s", "--clock", "virtual", "--report", report);

        Assert.True(code == 0, stderr);
        Assert.Contains("warning: timeline event at 3s", stderr);
        var events = RunReport.FromJson(await File.ReadAllTextAsync(report))!.Events;
        Assert.Contains(events, e => e.AtSeconds == 3 && e.Outcome == "skipped: after the load ended");
        Directory.Delete(dir, recursive: true);
    }
}
