namespace ActorMesh.Tests.Hosting;

/// <summary>
/// Know what the machine can run: a topology's cost is estimated before anything starts (pods, actors,
/// memory from the measured per-pod cost, in-process nodes), and what cannot fit is refused with the
/// estimate, the limit and how to go on.
/// </summary>
public class MeshCapacityTests
{
    private const long GiB = 1024L * 1024 * 1024;

    private static MeshTopology Services(int count, int replicas, int nodes = 1)
    {
        var builder = MeshTopology.Create("sized").Nodes(nodes).Gateway("edge", g => g.Route("/", "svc-0"));
        for (var i = 0; i < count; i++)
        {
            var next = i + 1 < count ? $"svc-{i + 1}" : null;
            builder.Service($"svc-{i}", s => { s.Replicas(replicas); if (next is not null) s.Call(next); });
        }
        return builder.Build();
    }

    [Fact]
    public void A_small_topology_fits_and_its_estimate_counts_pods_and_actors()
    {
        var estimate = MeshCapacity.Estimate(Services(3, 3), availableBytes: 8 * GiB, cores: 2);

        Assert.Empty(estimate.Problems);
        Assert.Equal(9, estimate.Pods);
        // Each pod: the pod, its app and its sidecar proxy.
        Assert.True(estimate.Actors >= 27, $"actors {estimate.Actors}");
        Assert.Equal(MeshCapacity.BaseBytes + 9 * MeshCapacity.BytesPerPod, estimate.Bytes);
        Assert.Equal((long)(8 * GiB * MeshCapacity.MemoryShare), estimate.LimitBytes);
    }

    [Fact]
    public void Three_services_of_100000_replicas_are_refused_with_the_estimate_the_limit_and_how_to_go_on()
    {
        var estimate = MeshCapacity.Estimate(Services(3, 100_000), availableBytes: 2 * GiB, cores: 2);

        Assert.Equal(300_000, estimate.Pods);
        Assert.Contains(estimate.Problems, p => p.Contains("300,000 pods in one process", StringComparison.Ordinal)
            && p.Contains("at most 100,000", StringComparison.Ordinal) && p.Contains("fewer replicas", StringComparison.Ordinal));
        Assert.Contains(estimate.Problems, p => p.Contains("needs ~2.5 GB", StringComparison.Ordinal)
            && p.Contains("more than the 1.6 GB this process may use", StringComparison.Ordinal));
    }

    [Fact]
    public void Memory_alone_refuses_what_the_pod_limit_would_allow_on_a_small_machine()
    {
        var estimate = MeshCapacity.Estimate(Services(2, 40_000), availableBytes: 1 * GiB, cores: 8);

        var problem = Assert.Single(estimate.Problems);
        Assert.Contains("80,000 pods at ~8 KB each", problem);
    }

    [Fact]
    public void Too_many_in_process_nodes_are_refused_with_their_own_message()
    {
        var estimate = MeshCapacity.Estimate(Services(3, 3, nodes: 64), availableBytes: 64 * GiB, cores: 2);

        var problem = Assert.Single(estimate.Problems);
        Assert.StartsWith("nodes: 64 cluster nodes in one process are more than this machine runs: at most 16 (8 per core, 2 cores)", problem);
        Assert.DoesNotContain("--cluster", problem);
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(2, 16)]
    [InlineData(16, 64)]
    public void The_most_in_process_nodes_follow_the_cores(int cores, int maxNodes) =>
        Assert.Equal(maxNodes, MeshCapacity.Estimate(Services(1, 1), availableBytes: 8 * GiB, cores: cores).MaxNodes);

    [Fact]
    public void Pods_on_a_running_cluster_cost_the_driving_process_nothing()
    {
        var estimate = MeshCapacity.Estimate(Services(3, 100_000), podsElsewhere: true, availableBytes: 8 * GiB, cores: 2);

        Assert.Empty(estimate.Problems);
        Assert.Equal(0, estimate.Pods);
    }
}
