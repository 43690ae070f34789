using ActorMesh.DataPlane.Resilience.Timeouts;

namespace ActorMesh.Tests.DataPlane.Resilience.Timeouts;

public class CallDeadlinesTests
{
    private static readonly long Ms = TimeSpan.TicksPerMillisecond;

    [Fact]
    public void The_route_timeout_runs_from_the_call_start()
    {
        var d = new CallDeadlines();

        d.StartCall(1000 * Ms, TimeSpan.FromMilliseconds(200));

        Assert.Equal(1200 * Ms, d.Route);
        Assert.Equal(Expiry.None, d.ExpiredAt(1199 * Ms, attemptInFlight: false));
        Assert.Equal(Expiry.Route, d.ExpiredAt(1200 * Ms, attemptInFlight: false));
    }

    [Fact]
    public void A_zero_route_timeout_sets_no_deadline()
    {
        var d = new CallDeadlines();

        d.StartCall(0, TimeSpan.Zero);
        d.StartAttempt(0, perTryTimeout: null);

        Assert.Equal(long.MaxValue, d.Route);
        Assert.Equal(long.MaxValue, d.Next(attemptInFlight: true));
        Assert.Equal(Expiry.None, d.ExpiredAt(long.MaxValue - 1, attemptInFlight: true));
    }

    [Fact]
    public void Without_a_per_try_timeout_the_route_timeout_bounds_each_attempt()
    {
        var d = new CallDeadlines();
        d.StartCall(0, TimeSpan.FromMilliseconds(100));

        d.StartAttempt(30 * Ms, perTryTimeout: null);

        Assert.Equal(100 * Ms, d.Try);
        Assert.Equal(Expiry.Route, d.ExpiredAt(100 * Ms, attemptInFlight: true));
    }

    [Fact]
    public void The_per_try_timeout_runs_from_each_attempt_but_never_past_the_route_timeout()
    {
        var d = new CallDeadlines();
        d.StartCall(0, TimeSpan.FromMilliseconds(100));

        d.StartAttempt(10 * Ms, TimeSpan.FromMilliseconds(40));
        Assert.Equal(50 * Ms, d.Try);
        Assert.Equal(Expiry.PerTry, d.ExpiredAt(50 * Ms, attemptInFlight: true));

        d.StartAttempt(80 * Ms, TimeSpan.FromMilliseconds(40));
        Assert.Equal(100 * Ms, d.Try);
        Assert.Equal(Expiry.Route, d.ExpiredAt(100 * Ms, attemptInFlight: true));
    }

    [Fact]
    public void The_per_try_deadline_counts_only_while_an_attempt_is_in_flight()
    {
        var d = new CallDeadlines();
        d.StartCall(0, TimeSpan.FromMilliseconds(100));
        d.StartAttempt(0, TimeSpan.FromMilliseconds(10));

        Assert.Equal(Expiry.None, d.ExpiredAt(20 * Ms, attemptInFlight: false));
        Assert.Equal(100 * Ms, d.Next(attemptInFlight: false));
        Assert.Equal(10 * Ms, d.Next(attemptInFlight: true));
    }
}
