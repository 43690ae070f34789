using ActorMesh.DataPlane.Resilience.CircuitBreaking;

namespace ActorMesh.Tests.DataPlane.Resilience.CircuitBreaking;

public class ConnectionPoolTests
{
    // One request per connection (HTTP/1.1): max connections bounds the requests in flight before max requests does.
    private static ConnectionPool Pool(int maxConnections = 2, int maxPending = 1, int maxRetries = 1, long maxRequests = ConnectionLimits.Unlimited) =>
        new(new ConnectionLimits { MaxConnections = maxConnections, MaxRequests = maxRequests, MaxPendingRequests = maxPending, MaxRetries = maxRetries });

    private static readonly RetryOptions NoBudget = new() { Budget = null };

    [Fact]
    public void The_defaults_are_istios_every_threshold_two_to_the_32_minus_one_and_raw_envoys_are_a_profile()
    {
        // istiod pilot/pkg/networking/core/cluster_traffic_policy.go, getDefaultCircuitBreakerThresholds: math.MaxUint32 each.
        var istio = new ConnectionLimits();
        Assert.Equal((4294967295L, 4294967295L, 4294967295L, 4294967295L), (istio.MaxConnections, istio.MaxPendingRequests, istio.MaxRequests, istio.MaxRetries));
        // Envoy's own (envoy/config/cluster/v3/circuit_breaker.proto): 1024 / 1024 / 1024 / 3.
        var envoy = ConnectionLimits.Envoy;
        Assert.Equal((1024L, 1024L, 1024L, 3L), (envoy.MaxConnections, envoy.MaxPendingRequests, envoy.MaxRequests, envoy.MaxRetries));
    }

    [Fact]
    public void Requests_get_a_connection_each_up_to_max_connections_then_wait()
    {
        var pool = Pool(maxConnections: 2);

        Assert.Equal(Admission.Admitted, pool.TryAdmit());
        Assert.Equal(Admission.Admitted, pool.TryAdmit());
        Assert.Equal(Admission.NoConnection, pool.TryAdmit());
        Assert.Equal(2, pool.ActiveRequests);
        Assert.False(pool.HasConnection);
    }

    [Fact]
    public void A_request_past_max_requests_overflows_at_once_and_never_waits()
    {
        // Envoy's conn_pool_base.cc, attachStreamToClient: a free connection but max_requests in flight is an overflow (503 UO).
        var pool = Pool(maxConnections: 10, maxRequests: 2);
        pool.TryAdmit();
        pool.TryAdmit();

        Assert.True(pool.HasConnection);
        Assert.Equal(Admission.Overflow, pool.TryAdmit());
        Assert.Equal((2, 0), (pool.ActiveRequests, pool.PendingRequests));
    }

    [Fact]
    public void A_released_connection_admits_the_next()
    {
        var pool = Pool(maxConnections: 1);
        pool.TryAdmit();

        pool.Release();

        Assert.True(pool.HasConnection);
        Assert.Equal(Admission.Admitted, pool.TryAdmit());
    }

    [Fact]
    public void Without_a_connection_requests_wait_as_pending_up_to_max_pending_then_overflow()
    {
        var pool = Pool(maxConnections: 1, maxPending: 2);
        pool.TryAdmit();

        Assert.True(pool.TryEnqueue());
        Assert.True(pool.TryEnqueue());
        Assert.False(pool.TryEnqueue());
        Assert.Equal(2, pool.PendingRequests);
    }

    [Fact]
    public void A_pending_request_that_stops_waiting_makes_room_in_the_queue()
    {
        var pool = Pool(maxConnections: 1, maxPending: 1);
        pool.TryAdmit();
        pool.TryEnqueue();

        pool.Dequeue();

        Assert.Equal(0, pool.PendingRequests);
        Assert.True(pool.TryEnqueue());
    }

    [Fact]
    public void With_max_pending_zero_a_request_without_a_connection_overflows_at_once()
    {
        var pool = Pool(maxConnections: 1, maxPending: 0);
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
        var pool = Pool(maxConnections: 1);
        pool.TryAdmit();

        pool.Limits = new ConnectionLimits { MaxConnections = 2 };

        Assert.Equal(1, pool.ActiveRequests);
        Assert.Equal(Admission.Admitted, pool.TryAdmit());
        Assert.Equal(Admission.NoConnection, pool.TryAdmit());
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
        var pool = Pool(maxConnections: 2, maxPending: 2);
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
