using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.Randomness;

namespace ActorMesh.Tests.DataPlane.LoadBalancing;

public class LoadBalancerTests
{
    private static LoadBalancer Balancer(LoadBalancerKind kind, ulong seed = 11) => new(kind, new MeshRandom(seed));

    private static TriedHosts Tried(params int[] hosts)
    {
        var tried = new TriedHosts();
        foreach (var h in hosts) tried.Add(h);
        return tried;
    }

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
    public void Pick_with_one_candidate_returns_it_even_when_it_was_tried(LoadBalancerKind kind)
    {
        var lb = Balancer(kind);

        Assert.Equal(2, lb.Pick([2, 0, 1], 1, [0, 0, 0], Tried(2)));
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
    public void Round_robin_cycles_through_the_candidates_in_order_from_wherever_it_starts()
    {
        var lb = Balancer(LoadBalancerKind.RoundRobin);
        int[] healthy = [3, 0, 2];

        var picks = Enumerable.Range(0, 7).Select(_ => lb.Pick(healthy, 3, [0, 0, 0, 0])).ToArray();

        var start = Array.IndexOf(healthy, picks[0]);
        Assert.Equal(Enumerable.Range(start, 7).Select(i => healthy[i % 3]), picks);
    }

    [Fact]
    public void Round_robin_starts_at_a_random_host_per_balancer_as_Envoy_seeds_its_index()
    {
        int[] healthy = [0, 1, 2, 3, 4];

        // Envoy starts each round-robin balancer at a random index, so proxies do not all hit the same host first.
        var firsts = Enumerable.Range(0, 500).Select(seed => Balancer(LoadBalancerKind.RoundRobin, (ulong)seed).Pick(healthy, 5, new int[5])).ToArray();

        Assert.All(healthy, h => Assert.InRange(firsts.Count(f => f == h), 70, 130));
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
    public void Least_request_with_two_hosts_prefers_the_less_loaded_unless_both_choices_fall_on_the_other()
    {
        var lb = Balancer(LoadBalancerKind.LeastRequest);

        var counts = Counts(lb, [0, 1], 2, [5, 2], 40_000, 2);

        // Two choices drawn with replacement (Envoy's least_request): both land on the busier host a quarter of the time.
        Assert.InRange(counts[0], 9_400, 10_600);
    }

    [Fact]
    public void Least_request_draws_its_two_choices_with_replacement_and_favours_the_least_loaded()
    {
        var lb = Balancer(LoadBalancerKind.LeastRequest);
        int[] active = [9, 1, 5, 3];

        var counts = Counts(lb, [0, 1, 2, 3], 4, active, 64_000, 4);

        // A host wins when both choices are it or hosts busier than it: P(rank r of 4 from the busiest) = (r² − (r−1)²) / 16,
        // so the busiest host gets 1/16 (both choices on it) and the least loaded 7/16.
        Assert.InRange(counts[0], 3_600, 4_400);
        Assert.InRange(counts[2], 11_300, 12_700);
        Assert.InRange(counts[3], 19_300, 20_700);
        Assert.InRange(counts[1], 27_300, 28_700);
    }

    [Fact]
    public void Least_request_with_equal_load_spreads_evenly()
    {
        var lb = Balancer(LoadBalancerKind.LeastRequest);

        var counts = Counts(lb, [0, 1, 2], 3, [4, 4, 4], 30_000, 3);

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void Round_robin_skips_the_turns_of_hosts_already_tried()
    {
        var lb = Balancer(LoadBalancerKind.RoundRobin);
        int[] healthy = [0, 1, 2];

        var first = lb.Pick(healthy, 3, [0, 0, 0]);
        var next = lb.Pick(healthy, 3, [0, 0, 0], Tried((first + 1) % 3));

        Assert.Equal((first + 2) % 3, next);
    }

    [Fact]
    public void Random_almost_never_returns_a_host_already_tried_when_there_is_another()
    {
        var lb = Balancer(LoadBalancerKind.Random);
        int[] healthy = [0, 1, 2];

        // Istio's previous_hosts predicate with five re-picks: (1/3)^6 of picks still land on the tried host.
        var hits = 0;
        for (var i = 0; i < 30_000; i++) if (lb.Pick(healthy, 3, [0, 0, 0], Tried(1)) == 1) hits++;

        Assert.InRange(hits, 0, 120);
    }

    [Fact]
    public void Every_host_already_tried_is_avoided_not_only_the_last_one()
    {
        var lb = Balancer(LoadBalancerKind.Random);
        int[] healthy = [0, 1, 2];

        var hits = 0;
        for (var i = 0; i < 30_000; i++) if (lb.Pick(healthy, 3, [0, 0, 0], Tried(0, 1)) != 2) hits++;

        // Six picks of a tried host in a row: (2/3)^6 ≈ 8.8 % still land on one (Envoy then keeps the last pick).
        Assert.InRange(hits, 2_300, 2_950);
    }

    [Fact]
    public void Least_request_redraws_a_tried_host_even_when_it_is_the_least_loaded()
    {
        // A failing host answers fast and so has the fewest requests in flight: the predicate redraws it up to 5 times.
        var lb = Balancer(LoadBalancerKind.LeastRequest);

        var hits = 0;
        for (var i = 0; i < 40_000; i++) if (lb.Pick([0, 1], 2, [0, 7], Tried(0)) == 0) hits++;

        // Host 0 wins a pick unless both choices are host 1 (3/4), six times in a row: (3/4)^6 ≈ 17.8 %.
        Assert.InRange(hits, 6_700, 7_550);
    }

    [Fact]
    public void Least_request_with_a_tried_host_still_prefers_the_less_loaded_of_the_others()
    {
        var lb = Balancer(LoadBalancerKind.LeastRequest);

        var counts = new int[3];
        for (var i = 0; i < 30_000; i++) counts[lb.Pick([0, 1, 2], 3, [0, 5, 2], Tried(0))]++;

        Assert.True(counts[2] > counts[1] && counts[1] > counts[0], string.Join(",", counts));
    }
}
