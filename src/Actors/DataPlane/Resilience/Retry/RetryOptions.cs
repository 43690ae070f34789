using System.Collections.Immutable;
using ActorMesh.Topology;

namespace ActorMesh.DataPlane.Resilience.Retry;

/// <summary>
/// How a proxy retries failed attempts to a destination. Defaults mirror Istio's default retry
/// policy and Envoy's back-off; see <see cref="RetryConstants"/>.
/// </summary>
public sealed record RetryOptions
{
    /// <summary>Retries after the first try (Istio's <c>attempts</c>, Envoy's <c>num_retries</c>): 2 means up to 3 tries. Default 2; 0 disables retries.</summary>
    public int Attempts { get; init; } = RetryConstants.DefaultAttempts;

    /// <summary>What is retried. Default Istio's <c>connect-failure,refused-stream,unavailable,cancelled</c>.</summary>
    public RetryOn RetryOn { get; init; } = RetryConstants.DefaultRetryOn;

    /// <summary>Statuses retried under <see cref="RetryOn.RetriableStatusCodes"/>. Default none.</summary>
    public ImmutableArray<int> RetriableStatusCodes { get; init; } = [];

    /// <summary>Timeout of each try; null means the route timeout bounds each try. Default null.</summary>
    public TimeSpan? PerTryTimeout { get; init; }

    /// <summary>Base interval of the full-jitter back-off: retry N waits uniform in [0, (2^N − 1) × base). Default 25 ms.</summary>
    public TimeSpan BackoffBase { get; init; } = RetryConstants.DefaultBackoffBase;

    /// <summary>Cap on one back-off wait. Default 250 ms (10 × base, as Envoy).</summary>
    public TimeSpan BackoffMax { get; init; } = RetryConstants.DefaultBackoffMax;

    /// <summary>
    /// Retry budget: concurrent retries allowed = max(<see cref="RetryBudgetOptions.Percent"/> of active requests,
    /// <see cref="RetryBudgetOptions.MinRetryConcurrency"/>). When null, the cluster's <c>maxRetries</c> limit applies instead.
    /// Default 20 % with a floor of 3.
    /// </summary>
    public RetryBudgetOptions? Budget { get; init; } = new();

    /// <summary>Prefer hosts not tried yet for this request (Istio's <c>previous_hosts</c> predicate). Default true.</summary>
    public bool AvoidPreviousHosts { get; init; } = true;

    /// <summary>No retries at all.</summary>
    public static readonly RetryOptions Disabled = new() { Attempts = 0, RetryOn = RetryOn.None };

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Require(Attempts is >= 0 and <= 100, "attempts", "must be between 0 and 100");
        if (PerTryTimeout is { } perTry) at.Positive("perTryTimeout", perTry);
        at.NonNegative("backoff.base", BackoffBase);
        at.Require(BackoffMax >= BackoffBase, "backoff.max", "must be at least backoff.base");
        for (var i = 0; i < RetriableStatusCodes.Length; i++)
            at.Require(RetriableStatusCodes[i] is >= 100 and <= 599, $"retriableStatusCodes[{i}]", "must be an HTTP status (100..599)");
        Budget?.Validate(at.At("budget"));
    }
}

/// <summary>A retry budget, after Envoy's <c>retry_budget</c>.</summary>
public sealed record RetryBudgetOptions
{
    /// <summary>Share of active requests that may be retries, in percent. Default 20.</summary>
    public double Percent { get; init; } = RetryConstants.DefaultBudgetPercent;

    /// <summary>Concurrent retries always allowed whatever the load. Default 3.</summary>
    public int MinRetryConcurrency { get; init; } = RetryConstants.DefaultMinRetryConcurrency;

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Require(Percent is >= 0 and <= 100, "percent", "must be between 0 and 100");
        at.Require(MinRetryConcurrency >= 0, "minRetryConcurrency", "must not be negative");
    }
}

/// <summary>Defaults of <see cref="RetryOptions"/>, in one place.</summary>
public static class RetryConstants
{
    /// <summary>Istio: 2 retries.</summary>
    public const int DefaultAttempts = 2;
    /// <summary>Istio's default retry conditions.</summary>
    public const RetryOn DefaultRetryOn = RetryOn.ConnectFailure | RetryOn.RefusedStream | RetryOn.Unavailable | RetryOn.Cancelled;
    /// <summary>Envoy: 25 ms.</summary>
    public static readonly TimeSpan DefaultBackoffBase = TimeSpan.FromMilliseconds(25);
    /// <summary>Envoy: 10 × base.</summary>
    public static readonly TimeSpan DefaultBackoffMax = TimeSpan.FromMilliseconds(250);
    /// <summary>Envoy retry budget: 20 %.</summary>
    public const double DefaultBudgetPercent = 20;
    /// <summary>Envoy retry budget: 3.</summary>
    public const int DefaultMinRetryConcurrency = 3;
}
