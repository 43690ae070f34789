using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.Randomness;

namespace ActorMesh.Tests.DataPlane.LoadBalancing;

public class LoadBalancerTests
{
    private static LoadBalancer Balancer(LoadBalancerKind kind, ulong seed = 11) => new(kind, new MeshRandom(seed));

    private static int[] Counts(LoadBalancer lb, int[] candidates, int count, int[] active, int picks, int hosts)
    {
        var counts = new int[hosts];
        for (var i = 0; i < picks; i++) counts[lb.Pick(candidates, count, active)]++;
        return counts;
    }

    [Theory]
    [InlineData(LoadBalancerKind.RoundRobin)]
    [InlineData(LoadBalancerKind.Random)]
    [InlineData(LoadBalancerKind.LeastRequest)]
    public void Pick_returns_minus_one_without_candidates(LoadBalancerKind kind)
    {
        var lb = Balancer(kind);

        Assert.Equal(-1, lb.Pick([], 0, []));
        // count, not the array's length, says how many are candidates.
        Assert.Equal(-1, lb.Pick([0, 1, 2], 0, [0, 0, 0]));
    }

    [Theory]
    [InlineData(LoadBalancerKind.RoundRobin)]
    [InlineData(LoadBalancerKind.Random)]
    [InlineData(LoadBalancerKind.LeastRequest)]
    public void Pick_with_one_candidate_returns_it_even_when_it_is_the_host_to_avoid(LoadBalancerKind kind)
    {
        var lb = Balancer(kind);

        Assert.Equal(2, lb.Pick([2, 0, 1], 1, [0, 0, 0], avoid: 2));
    }

    [Theory]
    [InlineData(LoadBalancerKind.RoundRobin)]
    [InlineData(LoadBalancerKind.Random)]
    [InlineData(LoadBalancerKind.LeastRequest)]
    public void Pick_only_returns_one_of_the_first_count_candidates(LoadBalancerKind kind)
    {
        var lb = Balancer(kind);
        int[] healthy = [4, 1, 3, 0, 2];

        for (var i = 0; i < 1000; i++) Assert.Contains(lb.Pick(healthy, 3, [0, 0, 0, 0, 0]), new[] { 4, 1, 3 });
    }

    [Fact]
    public void Round_robin_cycles_through_the_candidates_in_order()
    {
        var lb = Balancer(LoadBalancerKind.RoundRobin);
        int[] healthy = [3, 0, 2];

        var picks = Enumerable.Range(0, 7).Select(_ => lb.Pick(healthy, 3, [0, 0, 0, 0])).ToArray();

        Assert.Equal([3, 0, 2, 3, 0, 2, 3], picks);
    }

    [Fact]
    public void Round_robin_ignores_load()
    {
        var lb = Balancer(LoadBalancerKind.RoundRobin);

        var counts = Counts(lb, [0, 1], 2, [100, 0], 1000, 2);

        Assert.Equal([500, 500], counts);
    }

    [Fact]
    public void Random_covers_all_hosts_about_evenly()
    {
        var lb = Balancer(LoadBalancerKind.Random);

        var counts = Counts(lb, [0, 1, 2, 3, 4], 5, [0, 0, 0, 0, 0], 50_000, 5);

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void Random_is_repeatable_by_seed()
    {
        int[] healthy = [0, 1, 2, 3];
        var a = Balancer(LoadBalancerKind.Random, seed: 5);
        var b = Balancer(LoadBalancerKind.Random, seed: 5);

        for (var i = 0; i < 100; i++) Assert.Equal(a.Pick(healthy, 4, [0, 0, 0, 0]), b.Pick(healthy, 4, [0, 0, 0, 0]));
    }

    [Fact]
    public void Least_request_with_two_hosts_always_prefers_the_less_loaded()
    {
        var lb = Balancer(LoadBalancerKind.LeastRequest);

        var counts = Counts(lb, [0, 1], 2, [5, 2], 1000, 2);

        Assert.Equal([0, 1000], counts);
    }

    [Fact]
    public void Least_request_never_picks_the_most_loaded_and_favours_the_least_loaded()
    {
        var lb = Balancer(LoadBalancerKind.LeastRequest);
        int[] active = [9, 1, 5, 3];

        var counts = Counts(lb, [0, 1, 2, 3], 4, active, 60_000, 4);

        // Power of two distinct choices: a host wins against every host with more requests, so the
        // least loaded wins most often and the most loaded never.
        Assert.Equal(0, counts[0]);
        Assert.True(counts[1] > counts[3] && counts[3] > counts[2] && counts[2] > 0, string.Join(",", counts));
        Assert.InRange(counts[1], 27_000, 33_000);
    }

    [Fact]
    public void Least_request_with_equal_load_spreads_evenly()
    {
        var lb = Balancer(LoadBalancerKind.LeastRequest);

        var counts = Counts(lb, [0, 1, 2], 3, [4, 4, 4], 30_000, 3);

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void Round_robin_avoids_the_previous_host_when_there_is_another()
    {
        var lb = Balancer(LoadBalancerKind.RoundRobin);
        int[] healthy = [0, 1];

        Assert.Equal(0, lb.Pick(healthy, 2, [0, 0]));
        Assert.Equal(0, lb.Pick(healthy, 2, [0, 0], avoid: 1)); // the turn of host 1 is skipped
        Assert.Equal(1, lb.Pick(healthy, 2, [0, 0], avoid: 0));
    }

    [Fact]
    public void Random_almost_never_returns_the_previous_host_when_there_is_another()
    {
        var lb = Balancer(LoadBalancerKind.Random);
        int[] healthy = [0, 1, 2];

        // Istio's previous_hosts predicate with five re-selections: (1/3)^6 of picks still land on it.
        var hits = 0;
        for (var i = 0; i < 30_000; i++) if (lb.Pick(healthy, 3, [0, 0, 0], avoid: 1) == 1) hits++;

        Assert.InRange(hits, 0, 120);
    }

    [Fact]
    public void Least_request_avoids_the_previous_host_when_there_is_another_equally_loaded()
    {
        var lb = Balancer(LoadBalancerKind.LeastRequest);

        for (var i = 0; i < 1000; i++) Assert.Equal(1, lb.Pick([0, 1], 2, [3, 3], avoid: 0));
    }

    [Fact]
    public void Least_request_avoids_the_previous_host_even_when_it_is_the_least_loaded()
    {
        // A failing host answers fast and so has the fewest requests in flight: the retry must still go elsewhere.
        var lb = Balancer(LoadBalancerKind.LeastRequest);

        for (var i = 0; i < 1000; i++) Assert.Equal(1, lb.Pick([0, 1], 2, [0, 7], avoid: 0));
    }

    [Fact]
    public void Least_request_with_a_host_to_avoid_still_prefers_the_less_loaded_of_the_others()
    {
        var lb = Balancer(LoadBalancerKind.LeastRequest);

        var counts = new int[3];
        for (var i = 0; i < 30_000; i++) counts[lb.Pick([0, 1, 2], 3, [0, 5, 2], avoid: 0)]++;

        Assert.Equal(0, counts[0]);
        Assert.True(counts[2] > counts[1], string.Join(",", counts));
    }
}
