namespace ActorMesh.DataPlane.Resilience.CircuitBreaking;

/// <summary>When an outcome circuit breaker opens.</summary>
public enum BreakOn
{
    /// <summary>After <see cref="CircuitBreakerOptions.ConsecutiveFailures"/> failures in a row (Akka's CircuitBreaker, Linkerd).</summary>
    ConsecutiveFailures,
    /// <summary>When, within the sampling window, throughput ≥ minimum and failure ratio ≥ threshold (Polly v8).</summary>
    FailureRatio,
}

/// <summary>
/// An outcome circuit breaker per destination in each source proxy: it opens on failures (5xx,
/// timeouts, connect failures), rejects at once while open (503, flag CO), and after the break
/// lets probes through half-open: a probe's success closes it, a failure opens it again.
/// Off unless configured (Envoy and Istio have none); defaults follow Polly v8.
/// </summary>
public sealed record CircuitBreakerOptions
{
    /// <summary>How the breaker decides to open. Default <see cref="BreakOn.FailureRatio"/>.</summary>
    public BreakOn Mode { get; init; } = BreakOn.FailureRatio;

    /// <summary>Failures in a row that open the breaker (consecutive mode). Default 7 (Linkerd).</summary>
    public int ConsecutiveFailures { get; init; } = 7;

    /// <summary>Failure ratio (0..1] that opens the breaker (ratio mode). Default 0.1 (Polly).</summary>
    public double FailureRatio { get; init; } = 0.1;

    /// <summary>Outcomes needed in the window before the ratio counts (ratio mode). Default 100 (Polly).</summary>
    public int MinimumThroughput { get; init; } = 100;

    /// <summary>The rolling window the ratio is computed over (ratio mode). Default 30 s (Polly).</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the breaker stays open before probing. Default 5 s (Polly).</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Probe requests let through at once while half-open. Default 1 (Polly).</summary>
    public int HalfOpenProbes { get; init; } = 1;

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Require(ConsecutiveFailures >= 1, "consecutiveFailures", "must be at least 1");
        at.Require(FailureRatio is > 0 and <= 1, "failureRatio", "must be in (0, 1]");
        at.Require(MinimumThroughput >= 1, "minimumThroughput", "must be at least 1");
        at.Require(SamplingDuration >= TimeSpan.FromMilliseconds(10), "samplingDuration", "must be at least 10ms");
        at.Positive("breakDuration", BreakDuration);
        at.Require(HalfOpenProbes >= 1, "halfOpenProbes", "must be at least 1");
    }
}
