namespace ActorMesh.DataPlane.Resilience.Retry;

/// <summary>What ended one attempt, as the retry policy sees it.</summary>
public enum AttemptFailure
{
    /// <summary>The upstream answered with a status.</summary>
    Response,
    /// <summary>The per-try timeout expired first (Envoy resets the upstream stream).</summary>
    PerTryTimeout,
    /// <summary>The endpoint could not be reached: the request was never sent.</summary>
    ConnectFailure,
    /// <summary>The connection was reset mid-request.</summary>
    Reset,
    /// <summary>An HTTP/2 REFUSED_STREAM reset (no endpoint here sends one; see <see cref="RetryOn.RefusedStream"/>).</summary>
    RefusedStream,
    /// <summary>The upstream answered, rate-limited by an Envoy (flag RL; Envoy's <c>x-envoy-ratelimited</c>).</summary>
    RateLimited,
}

/// <summary>
/// The retry decision, after Envoy's <c>RetryStatus</c>: "won't" and "not allowed" are different
/// outcomes and each is counted.
/// </summary>
public enum RetryDecision
{
    /// <summary>The outcome is not retriable under the policy.</summary>
    No,
    /// <summary>Retriable, but the retry budget or the max-retries limit is exhausted.</summary>
    NoOverflow,
    /// <summary>Retriable, but the attempts are used up.</summary>
    NoRetryLimitExceeded,
    /// <summary>Retry.</summary>
    Yes,
}

/// <summary>Retry decisions and back-off: pure functions, testable without actors.</summary>
internal static class RetryPolicy
{
    /// <summary>
    /// True when an attempt that ended with <paramref name="failure"/> and <paramref name="status"/> may be retried under
    /// <paramref name="options"/>, as Envoy's source/common/router/retry_state_impl.cc decides it: no response
    /// (<c>wouldRetryFromReset</c>) — a connect failure under connect-failure, reset-before-request, reset, 5xx or
    /// gateway-error; a reset or per-try timeout under reset, 5xx or gateway-error — and a response
    /// (<c>wouldRetryFromHeaders</c>) — a rate-limited one only under envoy-ratelimited; otherwise 5xx (500..599),
    /// gateway-error (502, 503, 504), retriable-4xx (409), retriable-status-codes (the listed statuses).
    /// </summary>
    public static bool IsRetriable(RetryOptions options, AttemptFailure failure, int status)
    {
        var on = options.RetryOn;
        if (on == RetryOn.None) return false;
        const RetryOn noResponse = RetryOn.Reset | RetryOn.FiveXx | RetryOn.GatewayError;
        switch (failure)
        {
            case AttemptFailure.ConnectFailure:
                return (on & (noResponse | RetryOn.ConnectFailure | RetryOn.ResetBeforeRequest)) != 0;
            case AttemptFailure.PerTryTimeout:
            case AttemptFailure.Reset:
                return (on & noResponse) != 0;
            case AttemptFailure.RefusedStream:
                return (on & (noResponse | RetryOn.RefusedStream)) != 0;
            case AttemptFailure.RateLimited:
                return (on & RetryOn.EnvoyRateLimited) != 0;
        }
        if ((on & RetryOn.FiveXx) != 0 && status is >= 500 and <= 599) return true;
        if ((on & RetryOn.GatewayError) != 0 && status is 502 or 503 or 504) return true;
        if ((on & RetryOn.Retriable4xx) != 0 && status == 409) return true;
        if ((on & RetryOn.RetriableStatusCodes) != 0)
        {
            var codes = options.RetriableStatusCodes;
            for (var i = 0; i < codes.Length; i++)
                if (codes[i] == status) return true;
        }
        return false;
    }

    /// <summary>
    /// Decides whether to retry after <paramref name="retriesDone"/> retries.
    /// <paramref name="activeRequests"/> and <paramref name="activeRetries"/> are the cluster's current counts;
    /// <paramref name="maxRetries"/> is the resource limit used when no budget is configured.
    /// </summary>
    public static RetryDecision Decide(RetryOptions options, bool retriable, int retriesDone, int activeRequests, int activeRetries, long maxRetries)
    {
        if (!retriable) return RetryDecision.No;
        if (retriesDone >= options.Attempts) return RetryDecision.NoRetryLimitExceeded;
        var allowed = options.Budget is { } budget
            ? Math.Max((long)(activeRequests * budget.Percent / 100.0), budget.MinRetryConcurrency)
            : maxRetries;
        return activeRetries >= allowed ? RetryDecision.NoOverflow : RetryDecision.Yes;
    }

    /// <summary>
    /// The back-off before retry number <paramref name="retryNumber"/> (1 for the first retry), in ticks: uniform in
    /// [0, <see cref="BackoffCeilingTicks"/>).
    /// </summary>
    public static long BackoffTicks(RetryOptions options, int retryNumber, MeshRandom random)
    {
        var ceiling = BackoffCeilingTicks(options, retryNumber);
        return ceiling <= 0 ? 0 : (long)(random.NextDouble() * ceiling);
    }

    /// <summary>
    /// The exclusive upper bound of the back-off before retry <paramref name="retryNumber"/> (k), in ticks:
    /// min(base · 2^(k−1), max). Envoy's JitteredExponentialBackOffStrategy (source/common/common/backoff_strategy.cc)
    /// starts its interval at base and doubles it after each retry, capped at max, and waits <c>random() % interval</c>:
    /// 0–24, 0–49, 0–99, 0–199, then 0–249 ms with the 25 ms default. (Envoy's docs still give the older (2^k − 1) · base.)
    /// </summary>
    public static long BackoffCeilingTicks(RetryOptions options, int retryNumber)
    {
        var baseTicks = options.BackoffBase.Ticks;
        var max = options.BackoffMax.Ticks;
        var doublings = Math.Clamp(retryNumber - 1, 0, 62);
        // base · 2^(k−1) without overflow: past max it is max.
        return baseTicks > max >> doublings ? max : Math.Min(baseTicks << doublings, max);
    }
}
