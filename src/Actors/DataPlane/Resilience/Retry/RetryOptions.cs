namespace ActorMesh.DataPlane.Resilience.Retry;

/// <summary>
/// How a proxy retries failed attempts to a destination. Defaults are Istio's default retry policy
/// (istiod pilot/pkg/networking/core/route/retry/retry.go, <c>DefaultPolicy</c>) and Envoy's back-off;
/// see <see cref="RetryConstants"/>. Raw Envoy's are in the <c>envoy</c> profile (<see cref="Topology.MeshProfiles"/>).
/// </summary>
public sealed record RetryOptions
{
    /// <summary>Retries after the first try (Istio's <c>attempts</c>, Envoy's <c>num_retries</c>): 2 means up to 3 tries. Default 2; 0 disables retries.</summary>
    public int Attempts { get; init; } = RetryConstants.DefaultAttempts;

    /// <summary>
    /// What is retried. Default Istio's <c>connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes</c>
    /// with no status listed: since Istio 1.24 a 503 response is not retried by default (EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY).
    /// </summary>
    public RetryOn RetryOn { get; init; } = RetryConstants.DefaultRetryOn;

    /// <summary>Statuses retried under <see cref="RetryOn.RetriableStatusCodes"/>. Default none.</summary>
    public ImmutableArray<int> RetriableStatusCodes { get; init; } = [];

    /// <summary>Timeout of each try; null means the route timeout bounds each try. Default null.</summary>
    public TimeSpan? PerTryTimeout { get; init; }

    /// <summary>
    /// Base interval of the jittered back-off: retry k waits uniform in [0, min(base · 2^(k−1), <see cref="BackoffMax"/>)),
    /// as Envoy's JitteredExponentialBackOffStrategy runs it (source/common/common/backoff_strategy.cc). Default 25 ms.
    /// </summary>
    public TimeSpan BackoffBase { get; init; } = RetryConstants.DefaultBackoffBase;

    /// <summary>Cap on the back-off interval. Default 250 ms (10 × base, as Envoy's <c>retry_back_off.max_interval</c>).</summary>
    public TimeSpan BackoffMax { get; init; } = RetryConstants.DefaultBackoffMax;

    /// <summary>
    /// Retry budget: concurrent retries allowed = max(<see cref="RetryBudgetOptions.Percent"/> of active and pending
    /// requests, <see cref="RetryBudgetOptions.MinRetryConcurrency"/>). When null, the cluster's <c>maxRetries</c> limit
    /// applies instead. Default null: off unless configured, as Envoy's <c>retry_budget</c> and Istio's (1.27+) <c>retryBudget</c>.
    /// </summary>
    public RetryBudgetOptions? Budget { get; init; }

    /// <summary>
    /// Avoid every host already tried for this request: Envoy's <c>previous_hosts</c> retry host predicate, which
    /// Istio sets with <c>host_selection_retry_max_attempts</c> 5 (a pick of a tried host is redrawn up to
    /// <see cref="RetryConstants.HostSelectionRetryMaxAttempts"/> times). Default true (Istio); raw Envoy has none.
    /// </summary>
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
    /// <summary>Istio's default retry conditions (retriable-status-codes with an empty list since Istio 1.24).</summary>
    public const RetryOn DefaultRetryOn = RetryOn.ConnectFailure | RetryOn.RefusedStream | RetryOn.Unavailable | RetryOn.Cancelled | RetryOn.RetriableStatusCodes;
    /// <summary>Istio's <c>host_selection_retry_max_attempts</c>: a pick of a host already tried is redrawn up to 5 times.</summary>
    public const int HostSelectionRetryMaxAttempts = 5;
    /// <summary>Raw Envoy's <c>num_retries</c> when a route's retry policy does not say: 1.</summary>
    public const int EnvoyDefaultAttempts = 1;
    /// <summary>Envoy: 25 ms.</summary>
    public static readonly TimeSpan DefaultBackoffBase = TimeSpan.FromMilliseconds(25);
    /// <summary>Envoy: 10 × base.</summary>
    public static readonly TimeSpan DefaultBackoffMax = TimeSpan.FromMilliseconds(250);
    /// <summary>Envoy's retry budget, when one is configured: 20 % (<c>budget_percent</c>).</summary>
    public const double DefaultBudgetPercent = 20;
    /// <summary>Envoy's retry budget, when one is configured: 3 (<c>min_retry_concurrency</c>).</summary>
    public const int DefaultMinRetryConcurrency = 3;
}
