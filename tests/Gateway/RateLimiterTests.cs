using ActorMesh.Gateway;

namespace ActorMesh.Tests.Gateway;

public class RateLimiterTests
{
    private static readonly long Ms = TimeSpan.TicksPerMillisecond;

    private static int Allowed(RateLimiter limiter, string? client, long now, int requests)
    {
        var allowed = 0;
        for (var i = 0; i < requests; i++) if (limiter.TryAcquire(client, now)) allowed++;
        return allowed;
    }

    [Fact]
    public void A_full_bucket_lets_its_burst_through_at_once_then_refuses()
    {
        var limiter = new RateLimiter(new RateLimitSpec { RequestsPerSecond = 10, Burst = 5 }, now: 0);

        Assert.Equal(5, Allowed(limiter, null, 0, 20));
    }

    [Fact]
    public void The_bucket_refills_from_the_clock_at_the_rate()
    {
        var limiter = new RateLimiter(new RateLimitSpec { RequestsPerSecond = 10, Burst = 5 }, now: 0);
        Allowed(limiter, null, 0, 5);

        Assert.False(limiter.TryAcquire(null, 99 * Ms), "0.99 tokens after 99 ms");
        Assert.True(limiter.TryAcquire(null, 100 * Ms), "one token after 100 ms");
        // A long pause refills only up to the burst.
        Assert.Equal(5, Allowed(limiter, null, 60_000 * Ms, 20));
    }

    [Fact]
    public void The_burst_defaults_to_the_rate_rounded_up_and_at_least_one()
    {
        Assert.Equal(3, new RateLimitSpec { RequestsPerSecond = 2.5 }.EffectiveBurst);
        Assert.Equal(1, new RateLimitSpec { RequestsPerSecond = 0.2 }.EffectiveBurst);
        Assert.Equal(7, new RateLimitSpec { RequestsPerSecond = 100, Burst = 7 }.EffectiveBurst);
    }

    [Fact]
    public void Per_client_buckets_do_not_share_tokens()
    {
        var limiter = new RateLimiter(new RateLimitSpec { RequestsPerSecond = 1, Burst = 2, PerClient = true }, now: 0);

        Assert.Equal(2, Allowed(limiter, "client-0", 0, 10));
        Assert.Equal(2, Allowed(limiter, "client-1", 0, 10));
        Assert.Equal(2, limiter.Clients);
    }

    [Fact]
    public void A_route_wide_limit_is_shared_by_every_client()
    {
        var limiter = new RateLimiter(new RateLimitSpec { RequestsPerSecond = 1, Burst = 2 }, now: 0);

        Assert.Equal(2, Allowed(limiter, "client-0", 0, 10) + Allowed(limiter, "client-1", 0, 10));
        Assert.Equal(0, limiter.Clients);
    }

    [Fact]
    public void Requests_without_a_client_id_share_one_bucket_under_a_per_client_limit()
    {
        var limiter = new RateLimiter(new RateLimitSpec { RequestsPerSecond = 1, Burst = 3, PerClient = true }, now: 0);

        Assert.Equal(3, Allowed(limiter, null, 0, 10));
        Assert.Equal(0, limiter.Clients);
    }

    [Fact]
    public void A_full_client_table_drops_buckets_that_have_refilled_to_make_room()
    {
        var limiter = new RateLimiter(new RateLimitSpec { RequestsPerSecond = 10, Burst = 1, PerClient = true, MaxClients = 2 }, now: 0);
        Allowed(limiter, "a", 0, 1);
        Allowed(limiter, "b", 0, 1);

        // 100 ms later both buckets are full again, the same as new ones: c takes a place without overflow.
        Assert.True(limiter.TryAcquire("c", 100 * Ms));
        Assert.Equal(0, limiter.Overflowed);
        Assert.Equal(1, limiter.Clients);
    }

    [Fact]
    public void Past_the_bound_busy_tables_send_new_clients_to_one_counted_overflow_bucket()
    {
        var limiter = new RateLimiter(new RateLimitSpec { RequestsPerSecond = 10, Burst = 1, PerClient = true, MaxClients = 2 }, now: 0);
        Allowed(limiter, "a", 0, 1);
        Allowed(limiter, "b", 0, 1);

        // a and b are still refilling, so c and d share the overflow bucket: one token between them.
        Assert.Equal(1, Allowed(limiter, "c", Ms, 1) + Allowed(limiter, "d", Ms, 1));
        Assert.Equal(2, limiter.Overflowed);
        Assert.Equal(2, limiter.Clients);
    }
}
