using ActorMesh.Randomness;

namespace ActorMesh.Tests.DataPlane.Resilience.Retry;

public class RetryPolicyTests
{
    private static readonly RetryOptions Defaults = new();
    private static readonly RetryOptions WithBudget = new() { Budget = new RetryBudgetOptions() };

    private static RetryOptions On(RetryOn on) => new() { RetryOn = on };

    // ---- defaults --------------------------------------------------------------------------

    [Fact]
    public void Defaults_are_Istio_retries_with_Envoy_backoff_and_no_budget()
    {
        var o = new RetryOptions();

        // istiod pilot/pkg/networking/core/route/retry/retry.go, DefaultPolicy: 2 retries; since Istio 1.24 no status listed
        // (a 503 response is not retried: EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY); previous_hosts with 5 re-picks.
        Assert.Equal(2, o.Attempts);
        Assert.Equal("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes", RetryOnNames.Format(o.RetryOn));
        Assert.Empty(o.RetriableStatusCodes);
        Assert.True(o.AvoidPreviousHosts);
        Assert.Equal(5, RetryConstants.HostSelectionRetryMaxAttempts);
        Assert.Null(o.PerTryTimeout);
        // Envoy's retry_back_off: base 25 ms, max 10 × base.
        Assert.Equal(TimeSpan.FromMilliseconds(25), o.BackoffBase);
        Assert.Equal(TimeSpan.FromMilliseconds(250), o.BackoffMax);
        // Off unless configured: Envoy's retry_budget, Istio 1.27+ retryBudget; when on, 20 % and at least 3.
        Assert.Null(o.Budget);
        Assert.Equal((20.0, 3), (new RetryBudgetOptions().Percent, new RetryBudgetOptions().MinRetryConcurrency));
    }

    [Fact]
    public void Raw_envoys_retry_defaults_are_the_envoy_profiles()
    {
        var o = MeshProfiles.Policy(MeshProfile.Envoy).Retries;

        // A route without a retry policy retries nothing; one that names conditions retries once (num_retries), with no host predicate.
        Assert.Equal((RetryOn.None, 1, false, null), (o.RetryOn, o.Attempts, o.AvoidPreviousHosts, o.Budget));
        Assert.Equal((o.BackoffBase, o.BackoffMax), (Defaults.BackoffBase, Defaults.BackoffMax));
    }

    [Fact]
    public void Defaults_are_valid()
    {
        var at = new ValidationContext();
        new RetryOptions().Validate(at);

        Assert.Empty(at.Errors);
    }

    [Fact]
    public void Validate_reports_every_problem_with_its_field_path()
    {
        var at = new ValidationContext();
        new RetryOptions
        {
            Attempts = -1,
            PerTryTimeout = TimeSpan.Zero,
            BackoffBase = TimeSpan.FromMilliseconds(100),
            BackoffMax = TimeSpan.FromMilliseconds(50),
            RetriableStatusCodes = [503, 42],
            Budget = new RetryBudgetOptions { Percent = 101, MinRetryConcurrency = -1 },
        }.Validate(at.At("retries"));

        Assert.Equal(
            ["retries.attempts", "retries.perTryTimeout", "retries.backoff.max", "retries.retriableStatusCodes[1]", "retries.budget.percent", "retries.budget.minRetryConcurrency"],
            at.Errors.Select(e => e.Path));
    }

    [Fact]
    public void Disabled_never_retries()
    {
        Assert.Equal(0, RetryOptions.Disabled.Attempts);
        Assert.False(RetryPolicy.IsRetriable(RetryOptions.Disabled, AttemptFailure.ConnectFailure, 503));
        Assert.Equal(RetryDecision.NoRetryLimitExceeded, RetryPolicy.Decide(RetryOptions.Disabled, true, 0, 0, 0, 3));
    }

    [Theory]
    [InlineData("5xx", RetryOn.FiveXx)]
    [InlineData("Gateway-Error", RetryOn.GatewayError)]
    [InlineData(" refused-stream ", RetryOn.RefusedStream)]
    [InlineData("retriable-status-codes", RetryOn.RetriableStatusCodes)]
    public void RetryOn_names_parse_as_users_write_them(string name, RetryOn expected)
    {
        Assert.True(RetryOnNames.TryParse(name, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void An_unknown_RetryOn_name_does_not_parse() => Assert.False(RetryOnNames.TryParse("5xxx", out _));

    // ---- IsRetriable -----------------------------------------------------------------------

    [Theory]
    // Istio's defaults: connect failures and refused streams only; a 503 response is not retried (Istio 1.24+).
    [InlineData(AttemptFailure.ConnectFailure, 503, true)]
    [InlineData(AttemptFailure.RefusedStream, 503, true)]
    [InlineData(AttemptFailure.Reset, 503, false)]
    [InlineData(AttemptFailure.PerTryTimeout, 504, false)]
    [InlineData(AttemptFailure.Response, 500, false)]
    [InlineData(AttemptFailure.Response, 503, false)]
    [InlineData(AttemptFailure.Response, 409, false)]
    public void IsRetriable_with_the_defaults(AttemptFailure failure, int status, bool expected) =>
        Assert.Equal(expected, RetryPolicy.IsRetriable(Defaults, failure, status));

    [Theory]
    // 5xx: any 5xx response and every failure without a response.
    [InlineData(RetryOn.FiveXx, AttemptFailure.Response, 500, true)]
    [InlineData(RetryOn.FiveXx, AttemptFailure.Response, 599, true)]
    [InlineData(RetryOn.FiveXx, AttemptFailure.Response, 499, false)]
    [InlineData(RetryOn.FiveXx, AttemptFailure.Response, 409, false)]
    [InlineData(RetryOn.FiveXx, AttemptFailure.PerTryTimeout, 504, true)]
    [InlineData(RetryOn.FiveXx, AttemptFailure.ConnectFailure, 503, true)]
    [InlineData(RetryOn.FiveXx, AttemptFailure.Reset, 503, true)]
    [InlineData(RetryOn.FiveXx, AttemptFailure.RefusedStream, 503, true)]
    // gateway-error: 502, 503, 504, and the failures that end in one.
    [InlineData(RetryOn.GatewayError, AttemptFailure.Response, 502, true)]
    [InlineData(RetryOn.GatewayError, AttemptFailure.Response, 503, true)]
    [InlineData(RetryOn.GatewayError, AttemptFailure.Response, 504, true)]
    [InlineData(RetryOn.GatewayError, AttemptFailure.Response, 500, false)]
    [InlineData(RetryOn.GatewayError, AttemptFailure.Response, 501, false)]
    [InlineData(RetryOn.GatewayError, AttemptFailure.PerTryTimeout, 504, true)]
    [InlineData(RetryOn.GatewayError, AttemptFailure.ConnectFailure, 503, true)]
    [InlineData(RetryOn.GatewayError, AttemptFailure.RefusedStream, 503, true)]
    [InlineData(RetryOn.GatewayError, AttemptFailure.Reset, 503, true)] // Envoy counts a reset as the 503 it ends in
    [InlineData(RetryOn.FiveXx, AttemptFailure.RateLimited, 429, false)] // an Envoy-rate-limited answer: only envoy-ratelimited
    [InlineData(RetryOn.FiveXx, AttemptFailure.RateLimited, 503, false)]
    // reset: no response at all.
    [InlineData(RetryOn.Reset, AttemptFailure.Reset, 503, true)]
    [InlineData(RetryOn.Reset, AttemptFailure.PerTryTimeout, 504, true)]
    [InlineData(RetryOn.Reset, AttemptFailure.ConnectFailure, 503, true)]
    [InlineData(RetryOn.Reset, AttemptFailure.Response, 503, false)]
    // connect-failure: only that.
    [InlineData(RetryOn.ConnectFailure, AttemptFailure.ConnectFailure, 503, true)]
    [InlineData(RetryOn.ConnectFailure, AttemptFailure.Reset, 503, false)]
    [InlineData(RetryOn.ConnectFailure, AttemptFailure.PerTryTimeout, 504, false)]
    [InlineData(RetryOn.ConnectFailure, AttemptFailure.Response, 503, false)]
    // reset-before-request: no response to a request never sent: a connect failure.
    [InlineData(RetryOn.ResetBeforeRequest, AttemptFailure.ConnectFailure, 503, true)]
    [InlineData(RetryOn.ResetBeforeRequest, AttemptFailure.Reset, 503, false)]
    [InlineData(RetryOn.ResetBeforeRequest, AttemptFailure.PerTryTimeout, 504, false)]
    [InlineData(RetryOn.ResetBeforeRequest, AttemptFailure.Response, 503, false)]
    // refused-stream: an HTTP/2 REFUSED_STREAM reset, never a 503 response (an app's full queue answers one).
    [InlineData(RetryOn.RefusedStream, AttemptFailure.RefusedStream, 503, true)]
    [InlineData(RetryOn.RefusedStream, AttemptFailure.Response, 503, false)]
    [InlineData(RetryOn.RefusedStream, AttemptFailure.ConnectFailure, 503, false)]
    // envoy-ratelimited: an answer an upstream Envoy rate-limited, and nothing else.
    [InlineData(RetryOn.EnvoyRateLimited, AttemptFailure.RateLimited, 429, true)]
    [InlineData(RetryOn.EnvoyRateLimited, AttemptFailure.Response, 429, false)]
    // retriable-4xx: 409 only.
    [InlineData(RetryOn.Retriable4xx, AttemptFailure.Response, 409, true)]
    [InlineData(RetryOn.Retriable4xx, AttemptFailure.Response, 429, false)]
    [InlineData(RetryOn.Retriable4xx, AttemptFailure.Response, 503, false)]
    // gRPC conditions match nothing for HTTP services; nor do headers or HTTP/3, not modelled.
    [InlineData(RetryOn.DeadlineExceeded | RetryOn.Internal | RetryOn.ResourceExhausted, AttemptFailure.Response, 504, false)]
    [InlineData(RetryOn.RetriableHeaders | RetryOn.Http3PostConnectFailure, AttemptFailure.Reset, 503, false)]
    [InlineData(RetryOn.Unavailable | RetryOn.Cancelled, AttemptFailure.Response, 503, false)]
    [InlineData(RetryOn.Unavailable | RetryOn.Cancelled, AttemptFailure.Reset, 503, false)]
    [InlineData(RetryOn.Unavailable | RetryOn.Cancelled, AttemptFailure.PerTryTimeout, 504, false)]
    // none: nothing.
    [InlineData(RetryOn.None, AttemptFailure.ConnectFailure, 503, false)]
    [InlineData(RetryOn.None, AttemptFailure.Response, 503, false)]
    public void IsRetriable_per_condition_and_failure(RetryOn on, AttemptFailure failure, int status, bool expected) =>
        Assert.Equal(expected, RetryPolicy.IsRetriable(On(on), failure, status));

    [Theory]
    [InlineData(429, true)]
    [InlineData(503, true)]
    [InlineData(500, false)]
    [InlineData(404, false)]
    public void IsRetriable_under_retriable_status_codes_matches_only_the_listed_statuses(int status, bool expected)
    {
        var options = new RetryOptions { RetryOn = RetryOn.RetriableStatusCodes, RetriableStatusCodes = [429, 503] };

        Assert.Equal(expected, RetryPolicy.IsRetriable(options, AttemptFailure.Response, status));
    }

    [Fact]
    public void Retriable_status_codes_are_ignored_unless_the_condition_is_on()
    {
        var options = new RetryOptions { RetryOn = RetryOn.FiveXx, RetriableStatusCodes = [429] };

        Assert.False(RetryPolicy.IsRetriable(options, AttemptFailure.Response, 429));
    }

    // ---- Decide ----------------------------------------------------------------------------

    [Fact]
    public void Decide_NotRetriable_IsNo() =>
        Assert.Equal(RetryDecision.No, RetryPolicy.Decide(Defaults, retriable: false, retriesDone: 0, activeRequests: 0, activeRetries: 0, maxRetries: 3));

    [Fact]
    public void Decide_RetriableWithRoom_IsYes() =>
        Assert.Equal(RetryDecision.Yes, RetryPolicy.Decide(Defaults, retriable: true, retriesDone: 1, activeRequests: 10, activeRetries: 2, maxRetries: 3));

    [Fact]
    public void Decide_RetriableButAttemptsUsedUp_IsNoRetryLimitExceeded() =>
        Assert.Equal(RetryDecision.NoRetryLimitExceeded, RetryPolicy.Decide(Defaults, retriable: true, retriesDone: 2, activeRequests: 0, activeRetries: 0, maxRetries: 3));

    [Fact]
    public void Decide_RetriableButBudgetExhausted_IsNoOverflow() =>
        // 20 % of 10 active is 2, below the floor of 3: three retries in flight use the budget up.
        Assert.Equal(RetryDecision.NoOverflow, RetryPolicy.Decide(WithBudget, retriable: true, retriesDone: 0, activeRequests: 10, activeRetries: 3, maxRetries: 100));

    [Fact]
    public void Decide_AttemptsUsedUpAndBudgetExhausted_IsNoRetryLimitExceeded_as_in_Envoy() =>
        Assert.Equal(RetryDecision.NoRetryLimitExceeded, RetryPolicy.Decide(Defaults, retriable: true, retriesDone: 2, activeRequests: 0, activeRetries: 50, maxRetries: 3));

    [Fact]
    public void Decide_NotRetriableOverEverything_IsNo() =>
        Assert.Equal(RetryDecision.No, RetryPolicy.Decide(Defaults, retriable: false, retriesDone: 99, activeRequests: 0, activeRetries: 99, maxRetries: 0));

    [Theory]
    // max(20 % of active, 3)
    [InlineData(0, 2, RetryDecision.Yes)]
    [InlineData(0, 3, RetryDecision.NoOverflow)]
    [InlineData(14, 2, RetryDecision.Yes)]  // 2.8 → 2, floor 3
    [InlineData(14, 3, RetryDecision.NoOverflow)]
    [InlineData(100, 19, RetryDecision.Yes)]
    [InlineData(100, 20, RetryDecision.NoOverflow)]
    [InlineData(1000, 199, RetryDecision.Yes)]
    [InlineData(1000, 200, RetryDecision.NoOverflow)]
    public void Decide_budget_allows_max_of_percent_of_active_and_the_floor(int activeRequests, int activeRetries, RetryDecision expected) =>
        Assert.Equal(expected, RetryPolicy.Decide(WithBudget, true, 0, activeRequests, activeRetries, maxRetries: 0));

    [Theory]
    [InlineData(0, RetryDecision.Yes)]
    [InlineData(4, RetryDecision.Yes)]
    [InlineData(5, RetryDecision.NoOverflow)]
    [InlineData(6, RetryDecision.NoOverflow)]
    public void Decide_without_a_budget_uses_the_max_retries_limit(int activeRetries, RetryDecision expected)
    {
        var options = new RetryOptions { Budget = null };

        Assert.Equal(expected, RetryPolicy.Decide(options, true, 0, activeRequests: 10_000, activeRetries, maxRetries: 5));
    }

    [Fact]
    public void Decide_counts_retries_not_tries()
    {
        var options = new RetryOptions { Attempts = 3 };

        Assert.Equal(RetryDecision.Yes, RetryPolicy.Decide(options, true, 2, 0, 0, 3));
        Assert.Equal(RetryDecision.NoRetryLimitExceeded, RetryPolicy.Decide(options, true, 3, 0, 0, 3));
    }

    // ---- back-off --------------------------------------------------------------------------

    // Envoy's JitteredExponentialBackOffStrategy (source/common/common/backoff_strategy.cc): the interval starts at base and
    // doubles after each retry, capped at max; retry k waits random() % interval, uniform in [0, min(base · 2^(k−1), max)).
    [Theory]
    [InlineData(1, 25)]
    [InlineData(2, 50)]
    [InlineData(3, 100)]
    [InlineData(4, 200)]
    [InlineData(5, 250)] // 400, capped
    [InlineData(10, 250)]
    [InlineData(200, 250)]
    public void Backoff_ceiling_is_base_times_2_to_the_k_minus_1_capped_at_max(int retry, int ceilingMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ceilingMs).Ticks, RetryPolicy.BackoffCeilingTicks(Defaults, retry));

    [Fact]
    public void Backoff_ceiling_follows_a_base_and_max_of_ones_own()
    {
        var options = new RetryOptions { BackoffBase = TimeSpan.FromMilliseconds(10), BackoffMax = TimeSpan.FromMilliseconds(30) };

        Assert.Equal([10.0, 20, 30, 30], new[] { 1, 2, 3, 4 }.Select(k => TimeSpan.FromTicks(RetryPolicy.BackoffCeilingTicks(options, k)).TotalMilliseconds));
    }

    [Theory]
    [InlineData(1, 25)]
    [InlineData(2, 50)]
    [InlineData(3, 100)]
    [InlineData(5, 250)]
    public void Backoff_is_full_jitter_uniform_below_the_ceiling(int retry, int ceilingMs)
    {
        var ceiling = TimeSpan.FromMilliseconds(ceilingMs).Ticks;
        var random = new MeshRandom(2024);
        const int n = 20_000;
        long min = long.MaxValue, max = long.MinValue;
        double sum = 0;
        var distinct = new HashSet<long>();
        for (var i = 0; i < n; i++)
        {
            var b = RetryPolicy.BackoffTicks(Defaults, retry, random);
            Assert.InRange(b, 0, ceiling - 1);
            min = Math.Min(min, b);
            max = Math.Max(max, b);
            sum += b;
            distinct.Add(b);
        }

        Assert.True(distinct.Count > n / 2, "jittered, not constant");
        Assert.True(min < ceiling / 100, "reaches down to zero");
        Assert.True(max > ceiling * 99 / 100, "reaches up to the ceiling");
        Assert.InRange(sum / n / ceiling, 0.49, 0.51);
    }

    [Fact]
    public void Backoff_with_a_zero_base_is_immediate()
    {
        var options = new RetryOptions { BackoffBase = TimeSpan.Zero };

        Assert.Equal(0, RetryPolicy.BackoffTicks(options, 3, new MeshRandom(1)));
    }

    [Fact]
    public void Backoff_treats_retry_numbers_below_one_as_the_first_retry() =>
        Assert.Equal(RetryPolicy.BackoffCeilingTicks(Defaults, 1), RetryPolicy.BackoffCeilingTicks(Defaults, 0));
}
