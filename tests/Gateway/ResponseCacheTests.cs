using ActorMesh.Gateway;

namespace ActorMesh.Tests.Gateway;

public class ResponseCacheTests
{
    private static readonly long Ms = TimeSpan.TicksPerMillisecond;

    private static ResponseCache Cache(int ttlMs = 100, int maxEntries = 100, bool perClient = false) =>
        new(new CacheSpec { Ttl = TimeSpan.FromMilliseconds(ttlMs), MaxEntries = maxEntries, PerClient = perClient });

    [Fact]
    public void A_stored_answer_is_a_hit_until_its_ttl_has_passed_on_the_clock()
    {
        var cache = Cache(ttlMs: 100);
        var key = cache.KeyOf("GET", "/catalog", "client-0");
        Assert.False(cache.TryGet(key, 0, out _));

        cache.Store(key, 512, now: 10 * Ms);

        Assert.True(cache.TryGet(key, 109 * Ms, out var bytes));
        Assert.Equal(512, bytes);
        Assert.False(cache.TryGet(key, 110 * Ms, out _), "expired at stored + ttl");
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_shared_cache_answers_every_client_from_one_entry()
    {
        var cache = Cache();
        cache.Store(cache.KeyOf("GET", "/catalog", "client-0"), 1, 0);

        Assert.True(cache.TryGet(cache.KeyOf("GET", "/catalog", "client-1"), 0, out _));
        Assert.False(cache.TryGet(cache.KeyOf("GET", "/catalog/2", "client-1"), 0, out _));
    }

    [Fact]
    public void A_per_client_cache_keeps_each_clients_answer_apart()
    {
        var cache = Cache(perClient: true);
        cache.Store(cache.KeyOf("GET", "/me", "client-0"), 1, 0);

        Assert.True(cache.TryGet(cache.KeyOf("GET", "/me", "client-0"), 0, out _));
        Assert.False(cache.TryGet(cache.KeyOf("GET", "/me", "client-1"), 0, out _));
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("head", true)]
    [InlineData("POST", false)]
    [InlineData("DELETE", false)]
    public void Only_get_and_head_are_cacheable(string method, bool cacheable) =>
        Assert.Equal(cacheable, ResponseCache.IsCacheable(method));

    [Fact]
    public void A_live_entry_is_not_replaced_by_a_later_answer()
    {
        var cache = Cache(ttlMs: 100);
        var key = cache.KeyOf("GET", "/x", null);
        cache.Store(key, 1, 0);
        cache.Store(key, 2, 50 * Ms);

        Assert.True(cache.TryGet(key, 99 * Ms, out var bytes));
        Assert.Equal(1, bytes);
        Assert.False(cache.TryGet(key, 100 * Ms, out _), "the first answer's ttl still counts");
    }

    [Fact]
    public void A_full_cache_evicts_its_oldest_entry_and_counts_it()
    {
        var cache = Cache(ttlMs: 1000, maxEntries: 2);
        cache.Store(cache.KeyOf("GET", "/a", null), 1, 0);
        cache.Store(cache.KeyOf("GET", "/b", null), 1, Ms);
        cache.Store(cache.KeyOf("GET", "/c", null), 1, 2 * Ms);

        Assert.Equal(2, cache.Count);
        Assert.Equal(1, cache.Evictions);
        Assert.False(cache.TryGet(cache.KeyOf("GET", "/a", null), 3 * Ms, out _));
        Assert.True(cache.TryGet(cache.KeyOf("GET", "/c", null), 3 * Ms, out _));
    }

    [Fact]
    public void Expired_entries_make_room_without_counting_as_evictions()
    {
        var cache = Cache(ttlMs: 10, maxEntries: 2);
        cache.Store(cache.KeyOf("GET", "/a", null), 1, 0);
        cache.Store(cache.KeyOf("GET", "/b", null), 1, 0);
        cache.Store(cache.KeyOf("GET", "/c", null), 1, 20 * Ms);

        Assert.Equal(1, cache.Count);
        Assert.Equal(0, cache.Evictions);
    }

    [Fact]
    public void Storing_one_path_again_and_again_keeps_the_cache_bounded()
    {
        var cache = Cache(ttlMs: 10, maxEntries: 4);
        var key = cache.KeyOf("GET", "/hot", null);
        for (var t = 0; t < 10_000; t++)
        {
            if (!cache.TryGet(key, t * Ms, out _)) cache.Store(key, 1, t * Ms);
        }

        Assert.Equal(1, cache.Count);
        Assert.Equal(0, cache.Evictions);
    }
}
