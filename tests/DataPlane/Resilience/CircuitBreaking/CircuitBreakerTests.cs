using ActorMesh.DataPlane.Resilience.CircuitBreaking;

namespace ActorMesh.Tests.DataPlane.Resilience.CircuitBreaking;

public class CircuitBreakerTests
{
    private static readonly long Ms = TimeSpan.TicksPerMillisecond;
    private static readonly long Second = TimeSpan.TicksPerSecond;

    private static CircuitBreaker Consecutive(int failures = 3, int breakSeconds = 5, int probes = 1) => new(new CircuitBreakerOptions
    {
        Mode = BreakOn.ConsecutiveFailures,
        ConsecutiveFailures = failures,
        BreakDuration = TimeSpan.FromSeconds(breakSeconds),
        HalfOpenProbes = probes,
    });

    private static CircuitBreaker Ratio(double ratio = 0.5, int minimumThroughput = 10, int samplingSeconds = 10) => new(new CircuitBreakerOptions
    {
        Mode = BreakOn.FailureRatio,
        FailureRatio = ratio,
        MinimumThroughput = minimumThroughput,
        SamplingDuration = TimeSpan.FromSeconds(samplingSeconds),
        BreakDuration = TimeSpan.FromSeconds(5),
    });

    /// <summary>Sends one request at <paramref name="now"/> and reports its outcome; returns whether it was let through.</summary>
    private static bool Send(CircuitBreaker breaker, long now, bool fails)
    {
        if (!breaker.TryAcquire(now, out var isProbe)) return false;
        if (fails) breaker.OnFailure(now, isProbe);
        else breaker.OnSuccess(now, isProbe);
        return true;
    }

    private static void SendMany(CircuitBreaker breaker, long now, int count, bool fails)
    {
        for (var i = 0; i < count; i++) Assert.True(Send(breaker, now, fails));
    }

    // ---- defaults --------------------------------------------------------------------------

    [Fact]
    public void Defaults_follow_Polly_v8_with_Linkerd_consecutive_failures()
    {
        var o = new CircuitBreakerOptions();

        Assert.Equal(BreakOn.FailureRatio, o.Mode);
        Assert.Equal(0.1, o.FailureRatio);
        Assert.Equal(100, o.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(30), o.SamplingDuration);
        Assert.Equal(TimeSpan.FromSeconds(5), o.BreakDuration);
        Assert.Equal(1, o.HalfOpenProbes);
        Assert.Equal(7, o.ConsecutiveFailures);
    }

    [Fact]
    public void Validate_reports_every_problem_with_its_field_path()
    {
        var at = new ValidationContext();
        new CircuitBreakerOptions
        {
            ConsecutiveFailures = 0,
            FailureRatio = 0,
            MinimumThroughput = 0,
            SamplingDuration = TimeSpan.FromMilliseconds(5),
            BreakDuration = TimeSpan.Zero,
            HalfOpenProbes = 0,
        }.Validate(at.At("circuitBreaker"));

        Assert.Equal(
            ["circuitBreaker.consecutiveFailures", "circuitBreaker.failureRatio", "circuitBreaker.minimumThroughput",
             "circuitBreaker.samplingDuration", "circuitBreaker.breakDuration", "circuitBreaker.halfOpenProbes"],
            at.Errors.Select(e => e.Path));
    }

    // ---- consecutive failures --------------------------------------------------------------

    [Fact]
    public void A_new_breaker_is_closed_and_lets_requests_through_without_probing()
    {
        var breaker = Consecutive();

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire(0, out var isProbe));
        Assert.False(isProbe);
        Assert.Equal(0, breaker.TimesOpened);
    }

    [Fact]
    public void Breaker_opens_after_consecutive_failures_and_probes_after_the_break()
    {
        var breaker = Consecutive(failures: 3, breakSeconds: 5);

        Assert.False(breaker.OnFailure(0, false));
        Assert.False(breaker.OnFailure(0, false));
        Assert.True(breaker.OnFailure(1 * Second, false), "the third failure in a row opens it");
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(1, breaker.TimesOpened);

        Assert.False(breaker.TryAcquire(1 * Second, out _));
        Assert.False(breaker.TryAcquire(6 * Second - 1, out _), "still open one tick before the break is over");

        Assert.True(breaker.TryAcquire(6 * Second, out var isProbe));
        Assert.True(isProbe);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
    }

    [Fact]
    public void A_success_resets_the_consecutive_count()
    {
        var breaker = Consecutive(failures: 3);

        SendMany(breaker, 0, 2, fails: true);
        Send(breaker, 0, fails: false);
        SendMany(breaker, 0, 2, fails: true);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Send(breaker, 0, fails: true);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Open_breaker_rejects_every_request_until_the_break_is_over()
    {
        var breaker = Consecutive(failures: 1, breakSeconds: 5);
        Send(breaker, 0, fails: true);

        for (var t = 0L; t < 5 * Second; t += 100 * Ms) Assert.False(breaker.TryAcquire(t, out _));
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Outcomes_of_requests_sent_before_it_opened_do_not_change_an_open_breaker()
    {
        var breaker = Consecutive(failures: 1);
        Send(breaker, 0, fails: true);

        Assert.False(breaker.OnFailure(Ms, isProbe: false));
        Assert.False(breaker.OnSuccess(Ms, isProbe: false));
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(1, breaker.TimesOpened);
    }

    // ---- half-open -------------------------------------------------------------------------

    [Fact]
    public void Half_open_lets_exactly_one_probe_through_by_default()
    {
        var breaker = Consecutive(failures: 1, breakSeconds: 5);
        Send(breaker, 0, fails: true);

        Assert.True(breaker.TryAcquire(5 * Second, out var first));
        Assert.True(first);
        Assert.False(breaker.TryAcquire(5 * Second, out _));
        Assert.False(breaker.TryAcquire(60 * Second, out _), "waits for the probe however long it takes");
    }

    [Fact]
    public void Half_open_lets_only_HalfOpenProbes_probes_through_at_once()
    {
        var breaker = Consecutive(failures: 1, breakSeconds: 5, probes: 3);
        Send(breaker, 0, fails: true);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(breaker.TryAcquire(5 * Second, out var isProbe));
            Assert.True(isProbe);
        }
        Assert.False(breaker.TryAcquire(5 * Second, out _));
    }

    [Fact]
    public void A_probe_its_caller_cancelled_frees_the_slot_for_another_probe_without_changing_the_state()
    {
        var breaker = Consecutive(failures: 1);
        Send(breaker, 0, fails: true);
        Assert.True(breaker.TryAcquire(5 * Second, out var isProbe));
        Assert.True(isProbe);
        Assert.False(breaker.TryAcquire(5 * Second, out _)); // the one probe slot is taken

        breaker.Release(isProbe);

        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.TryAcquire(5 * Second + Ms, out var again));
        Assert.True(again);
    }

    [Fact]
    public void Probe_success_closes_the_breaker()
    {
        var breaker = Consecutive(failures: 2, breakSeconds: 5);
        SendMany(breaker, 0, 2, fails: true);
        Assert.True(breaker.TryAcquire(5 * Second, out var isProbe));

        Assert.True(breaker.OnSuccess(5 * Second, isProbe), "the probe's success closes it");
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire(5 * Second, out var next));
        Assert.False(next);
    }

    [Fact]
    public void A_closed_breaker_counts_failures_afresh_after_a_probe_closed_it()
    {
        var breaker = Consecutive(failures: 2, breakSeconds: 5);
        SendMany(breaker, 0, 2, fails: true);
        Send(breaker, 5 * Second, fails: false);

        Send(breaker, 5 * Second, fails: true);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Send(breaker, 5 * Second, fails: true);
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(2, breaker.TimesOpened);
    }

    [Fact]
    public void Probe_failure_opens_the_breaker_again_for_another_break()
    {
        var breaker = Consecutive(failures: 1, breakSeconds: 5);
        Send(breaker, 0, fails: true);
        Assert.True(breaker.TryAcquire(7 * Second, out var isProbe));

        Assert.True(breaker.OnFailure(8 * Second, isProbe), "the probe's failure opens it");
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(2, breaker.TimesOpened);
        Assert.False(breaker.TryAcquire(13 * Second - 1, out _), "the new break counts from the probe's failure");
        Assert.True(breaker.TryAcquire(13 * Second, out var again));
        Assert.True(again);
    }

    [Fact]
    public void TimesOpened_counts_every_opening()
    {
        var breaker = Consecutive(failures: 1, breakSeconds: 1);
        var now = 0L;
        Send(breaker, now, fails: true);
        for (var i = 0; i < 4; i++)
        {
            now += Second;
            Assert.True(Send(breaker, now, fails: true), "a probe after each break");
        }

        Assert.Equal(5, breaker.TimesOpened);
        now += Second;
        Assert.True(Send(breaker, now, fails: false));
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(5, breaker.TimesOpened);
    }

    // ---- failure ratio ---------------------------------------------------------------------

    [Fact]
    public void Ratio_breaker_does_not_open_before_the_minimum_throughput()
    {
        var breaker = Ratio(ratio: 0.5, minimumThroughput: 10);

        for (var i = 0; i < 9; i++) Assert.False(breaker.OnFailure(i * Ms, false));
        Assert.Equal(CircuitState.Closed, breaker.State);

        Assert.True(breaker.OnFailure(9 * Ms, false), "the tenth outcome reaches the minimum throughput");
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Ratio_breaker_opens_when_the_failure_ratio_reaches_the_threshold()
    {
        var breaker = Ratio(ratio: 0.5, minimumThroughput: 10);

        SendMany(breaker, 0, 6, fails: false);
        SendMany(breaker, 100 * Ms, 5, fails: true);
        Assert.Equal(CircuitState.Closed, breaker.State); // 5 of 11

        Send(breaker, 200 * Ms, fails: true);             // 6 of 12 = 0.5
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(1, breaker.TimesOpened);
    }

    [Fact]
    public void Ratio_breaker_stays_closed_below_the_threshold_however_many_failures()
    {
        var breaker = Ratio(ratio: 0.5, minimumThroughput: 10);

        for (var i = 0; i < 1000; i++)
        {
            Send(breaker, i * Ms, fails: false);
            Send(breaker, i * Ms, fails: false);
            Send(breaker, i * Ms, fails: true);
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void Ratio_breaker_forgets_outcomes_that_fell_out_of_the_sampling_window()
    {
        var breaker = Ratio(ratio: 0.5, minimumThroughput: 10, samplingSeconds: 10);

        SendMany(breaker, 0, 9, fails: true);
        // Ten seconds later the first nine failures are out of the window: one more is not enough.
        SendMany(breaker, 10 * Second + 500 * Ms, 9, fails: true);
        Assert.Equal(CircuitState.Closed, breaker.State);

        Send(breaker, 10 * Second + 600 * Ms, fails: true);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Ratio_breaker_counts_outcomes_across_buckets_still_in_the_window()
    {
        var breaker = Ratio(ratio: 0.5, minimumThroughput: 10, samplingSeconds: 10);

        for (var s = 0; s < 9; s++) Send(breaker, s * Second, fails: true);
        Assert.Equal(CircuitState.Closed, breaker.State);

        Send(breaker, 9 * Second + 900 * Ms, fails: true);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Old_successes_falling_out_of_the_window_raise_the_ratio()
    {
        var breaker = Ratio(ratio: 0.5, minimumThroughput: 10, samplingSeconds: 10);

        SendMany(breaker, 0, 100, fails: false);
        SendMany(breaker, 5 * Second, 20, fails: true);
        Assert.Equal(CircuitState.Closed, breaker.State); // 20 of 120

        Send(breaker, 11 * Second, fails: true);          // the successes are gone: 21 of 21
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Ratio_breaker_starts_from_an_empty_window_after_a_probe_closed_it()
    {
        var breaker = Ratio(ratio: 0.5, minimumThroughput: 10, samplingSeconds: 10);
        SendMany(breaker, 0, 10, fails: true);
        Assert.Equal(CircuitState.Open, breaker.State);

        Assert.True(Send(breaker, 5 * Second, fails: false));
        Assert.Equal(CircuitState.Closed, breaker.State);

        SendMany(breaker, 5 * Second, 9, fails: true);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Send(breaker, 5 * Second, fails: true);
        Assert.Equal(CircuitState.Open, breaker.State);
    }
}
