using ActorMesh.Randomness;

namespace ActorMesh.DataPlane.Resilience.Retry;

/// <summary>What ended one attempt, as the retry policy sees it.</summary>
public enum AttemptFailure
{
    /// <summary>The upstream answered with a status.</summary>
    Response,
    /// <summary>The per-try timeout expired first.</summary>
    PerTryTimeout,
    /// <summary>The endpoint could not be reached.</summary>
    ConnectFailure,
    /// <summary>The connection was reset mid-request.</summary>
    Reset,
    /// <summary>The upstream refused the request unprocessed (its queue was full).</summary>
    RefusedStream,
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
public static class RetryPolicy
{
    /// <summary>True when an attempt that ended with <paramref name="failure"/> and <paramref name="status"/> may be retried under <paramref name="options"/>.</summary>
    public static bool IsRetriable(RetryOptions options, AttemptFailure failure, int status)
    {
        var on = options.RetryOn;
        if (on == RetryOn.None) return false;
        switch (failure)
        {
            case AttemptFailure.PerTryTimeout:
                return (on & (RetryOn.FiveXx | RetryOn.GatewayError | RetryOn.Reset)) != 0;
            case AttemptFailure.ConnectFailure:
                return (on & (RetryOn.FiveXx | RetryOn.GatewayError | RetryOn.Reset | RetryOn.ConnectFailure)) != 0;
            case AttemptFailure.Reset:
                return (on & (RetryOn.FiveXx | RetryOn.GatewayError | RetryOn.Reset)) != 0;
            case AttemptFailure.RefusedStream:
                if ((on & (RetryOn.FiveXx | RetryOn.RefusedStream)) != 0) return true;
                break;
        }
        if ((on & RetryOn.FiveXx) != 0 && status >= 500) return true;
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
    public static RetryDecision Decide(RetryOptions options, bool retriable, int retriesDone, int activeRequests, int activeRetries, int maxRetries)
    {
        if (!retriable) return RetryDecision.No;
        if (retriesDone >= options.Attempts) return RetryDecision.NoRetryLimitExceeded;
        var allowed = options.Budget is { } budget
            ? Math.Max((int)(activeRequests * budget.Percent / 100.0), budget.MinRetryConcurrency)
            : maxRetries;
        return activeRetries >= allowed ? RetryDecision.NoOverflow : RetryDecision.Yes;
    }

    /// <summary>
    /// Full-jitter back-off before retry number <paramref name="retryNumber"/> (1 for the first retry):
    /// uniform in [0, (2^N − 1) × base), capped at the maximum, in ticks.
    /// </summary>
    public static long BackoffTicks(RetryOptions options, int retryNumber, MeshRandom random)
    {
        var ceiling = BackoffCeilingTicks(options, retryNumber);
        return ceiling <= 0 ? 0 : (long)(random.NextDouble() * ceiling);
    }

    /// <summary>The exclusive upper bound of the back-off before retry <paramref name="retryNumber"/>, in ticks.</summary>
    public static long BackoffCeilingTicks(RetryOptions options, int retryNumber)
    {
        var n = Math.Clamp(retryNumber, 1, 30);
        var ceiling = ((1L << n) - 1) * options.BackoffBase.Ticks;
        return Math.Min(ceiling, options.BackoffMax.Ticks);
    }
}
