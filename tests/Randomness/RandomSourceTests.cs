using ActorMesh.Randomness;

namespace ActorMesh.Tests.Randomness;

public class RandomSourceTests
{
    private static ulong[] Take(MeshRandom random, int n)
    {
        var values = new ulong[n];
        for (var i = 0; i < n; i++) values[i] = random.NextUInt64();
        return values;
    }

    [Fact]
    public void Same_seed_and_name_give_the_same_stream()
    {
        var a = new RandomSource(42).Stream("payments-1/proxy");
        var b = new RandomSource(42).Stream("payments-1/proxy");

        Assert.Equal(Take(a, 100), Take(b, 100));
    }

    [Fact]
    public void A_containers_stream_is_the_one_named_by_pod_container_and_incarnation()
    {
        var source = new RandomSource(42);

        Assert.Equal(Take(source.Stream("payments-1/proxy/2"), 100), Take(source.Stream("payments-1", "proxy", 2), 100));
        Assert.Equal(Take(source.Stream(new string('p', 300) + "/app/1"), 10), Take(source.Stream(new string('p', 300), "app", 1), 10));
    }

    [Fact]
    public void Different_names_under_one_seed_give_different_streams()
    {
        var source = new RandomSource(42);

        Assert.NotEqual(Take(source.Stream("payments-1/proxy"), 100), Take(source.Stream("payments-2/proxy"), 100));
    }

    [Fact]
    public void Different_seeds_give_different_streams_for_one_name()
    {
        Assert.NotEqual(Take(new RandomSource(1).Stream("orders-0/app"), 100), Take(new RandomSource(2).Stream("orders-0/app"), 100));
    }

    [Fact]
    public void A_stream_does_not_depend_on_the_streams_handed_out_before_it()
    {
        var fresh = new RandomSource(7);
        var busy = new RandomSource(7);
        Take(busy.Stream("other"), 1000);

        Assert.Equal(Take(fresh.Stream("orders-0/app"), 50), Take(busy.Stream("orders-0/app"), 50));
    }

    [Fact]
    public void Stable_hash_is_FNV_1a_and_does_not_change_between_processes()
    {
        // Published FNV-1a 64-bit test vectors: runs must stay repeatable by seed across processes.
        Assert.Equal(14695981039346656037UL, RandomSource.StableHash(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, RandomSource.StableHash("a"));
        Assert.Equal(0x85944171f73967e8UL, RandomSource.StableHash("foobar"));
    }

    [Fact]
    public void NextDouble_is_in_the_unit_interval_with_mean_one_half()
    {
        var random = new MeshRandom(1);
        double sum = 0, min = 1, max = 0;
        const int n = 200_000;
        for (var i = 0; i < n; i++)
        {
            var x = random.NextDouble();
            Assert.InRange(x, 0, 0.9999999999999999);
            sum += x;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }
        Assert.InRange(sum / n, 0.497, 0.503);
        Assert.True(min < 0.001 && max > 0.999);
    }

    [Fact]
    public void NextInt_stays_below_its_bound_and_hits_every_value_about_equally()
    {
        var random = new MeshRandom(3);
        var counts = new int[7];
        const int n = 70_000;
        for (var i = 0; i < n; i++) counts[random.NextInt(7)]++;

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        Assert.Equal(0, random.NextInt(1));
        Assert.Equal(0, random.NextInt(0));
    }

    [Fact]
    public void NextGaussian_is_standard_normal()
    {
        var random = new MeshRandom(5);
        double sum = 0, sumSq = 0;
        const int n = 200_000;
        for (var i = 0; i < n; i++)
        {
            var x = random.NextGaussian();
            sum += x;
            sumSq += x * x;
        }
        var mean = sum / n;
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(Math.Sqrt(sumSq / n - mean * mean), 0.99, 1.01);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(1.0, 10_000)]
    public void Chance_at_the_edges_is_certain(double probability, int expectedHits)
    {
        var random = new MeshRandom(9);
        var hits = 0;
        for (var i = 0; i < 10_000; i++) if (random.Chance(probability)) hits++;

        Assert.Equal(expectedHits, hits);
    }

    [Fact]
    public void Chance_hits_about_as_often_as_asked()
    {
        var random = new MeshRandom(9);
        var hits = 0;
        for (var i = 0; i < 100_000; i++) if (random.Chance(0.3)) hits++;

        Assert.InRange(hits, 29_400, 30_600);
    }
}
