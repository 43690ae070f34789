using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.DataPlane.Resilience.Retry;

namespace ActorMesh.Tests.DataPlane.Resilience.CircuitBreaking;

public class ConnectionPoolTests
{
    private static ConnectionPool Pool(int maxRequests = 2, int maxPending = 1, int maxRetries = 1) =>
        new(new ConnectionLimits { MaxRequests = maxRequests, MaxPendingRequests = maxPending, MaxRetries = maxRetries });

    private static readonly RetryOptions NoBudget = new() { Budget = null };

    [Fact]
    public void Requests_are_admitted_up_to_max_requests()
    {
        var pool = Pool(maxRequests: 2);

        Assert.True(pool.TryAdmit());
        Assert.True(pool.TryAdmit());
        Assert.False(pool.TryAdmit());
        Assert.Equal(2, pool.ActiveRequests);
        Assert.False(pool.HasRoom);
    }

    [Fact]
    public void A_released_request_slot_admits_the_next()
    {
        var pool = Pool(maxRequests: 1);
        pool.TryAdmit();

        pool.Release();

        Assert.True(pool.HasRoom);
        Assert.True(pool.TryAdmit());
    }

    [Fact]
    public void Without_a_slot_requests_wait_as_pending_up_to_max_pending_then_overflow()
    {
        var pool = Pool(maxRequests: 1, maxPending: 2);
        pool.TryAdmit();

        Assert.True(pool.TryEnqueue());
        Assert.True(pool.TryEnqueue());
        Assert.False(pool.TryEnqueue());
        Assert.Equal(2, pool.PendingRequests);
    }

    [Fact]
    public void A_pending_request_that_stops_waiting_makes_room_in_the_queue()
    {
        var pool = Pool(maxRequests: 1, maxPending: 1);
        pool.TryAdmit();
        pool.TryEnqueue();

        pool.Dequeue();

        Assert.Equal(0, pool.PendingRequests);
        Assert.True(pool.TryEnqueue());
    }

    [Fact]
    public void With_max_pending_zero_a_request_without_a_slot_overflows_at_once()
    {
        var pool = Pool(maxRequests: 1, maxPending: 0);
        pool.TryAdmit();

        Assert.False(pool.TryEnqueue());
    }

    [Fact]
    public void Counts_never_go_below_zero()
    {
        var pool = Pool();

        pool.Release();
        pool.Dequeue();
        pool.RetryEnded();

        Assert.Equal(0, pool.ActiveRequests);
        Assert.Equal(0, pool.PendingRequests);
        Assert.Equal(0, pool.ActiveRetries);
    }

    [Fact]
    public void New_limits_apply_to_the_counts_already_held()
    {
        var pool = Pool(maxRequests: 1);
        pool.TryAdmit();

        pool.Limits = new ConnectionLimits { MaxRequests = 2 };

        Assert.Equal(1, pool.ActiveRequests);
        Assert.True(pool.TryAdmit());
        Assert.False(pool.TryAdmit());
    }

    [Fact]
    public void Without_a_budget_max_retries_bounds_the_retries_under_way()
    {
        var pool = Pool(maxRetries: 1);

        Assert.Equal(RetryDecision.Yes, pool.DecideRetry(NoBudget, retriable: true, retriesDone: 0));
        pool.RetryStarted();
        Assert.Equal(RetryDecision.NoOverflow, pool.DecideRetry(NoBudget, retriable: true, retriesDone: 0));
        pool.RetryEnded();
        Assert.Equal(RetryDecision.Yes, pool.DecideRetry(NoBudget, retriable: true, retriesDone: 0));
    }

    [Fact]
    public void The_retry_budget_counts_against_the_requests_active_and_pending()
    {
        var options = new RetryOptions { Budget = new RetryBudgetOptions { Percent = 50, MinRetryConcurrency = 0 } };
        var pool = Pool(maxRequests: 2, maxPending: 2);
        pool.TryAdmit();
        pool.TryAdmit();
        pool.TryEnqueue();
        pool.TryEnqueue();
        pool.RetryStarted();

        // 50 % of 4 active and pending: two retries may be under way, one is.
        Assert.Equal(RetryDecision.Yes, pool.DecideRetry(options, retriable: true, retriesDone: 0));
        pool.RetryStarted();
        Assert.Equal(RetryDecision.NoOverflow, pool.DecideRetry(options, retriable: true, retriesDone: 0));
    }

    [Fact]
    public void A_retry_decision_says_no_when_not_retriable_and_limit_exceeded_when_attempts_are_used_up()
    {
        var pool = Pool();

        Assert.Equal(RetryDecision.No, pool.DecideRetry(NoBudget, retriable: false, retriesDone: 0));
        Assert.Equal(RetryDecision.NoRetryLimitExceeded, pool.DecideRetry(NoBudget, retriable: true, retriesDone: NoBudget.Attempts));
    }
}
