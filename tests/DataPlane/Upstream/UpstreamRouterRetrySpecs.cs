using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using Akka.Actor;

namespace ActorMesh.Tests.DataPlane.Upstream;

/// <summary>How an attempt fails.</summary>
public enum Fault { ServerError, ConnectFailure, Reset, Refused, PerTryTimeout }

/// <summary>What the retry policy makes of it.</summary>
public enum RetryCase { Retried, NotRetriable, AttemptsExhausted, Overflow }

/// <summary>
/// Each way an attempt can fail, against each retry decision, through the router alone: host 0 fails
/// the first attempt, and a retry goes to host 1 (round robin, avoiding the host just tried).
/// </summary>
public class UpstreamRouterRetrySpecs(ITestOutputHelper output) : RouterSpec(output)
{
    private const double PerTryMs = 50;

    public static TheoryData<Fault, RetryCase> Cases()
    {
        var data = new TheoryData<Fault, RetryCase>();
        foreach (var fault in Enum.GetValues<Fault>())
        foreach (var retry in Enum.GetValues<RetryCase>())
            data.Add(fault, retry);
        return data;
    }

    /// <summary>The status and flags a failed attempt ends with.</summary>
    private static (int Status, ResponseFlags Flags) Failure(Fault fault) => fault switch
    {
        Fault.ConnectFailure => (503, ResponseFlags.UpstreamConnectionFailure),
        Fault.Reset => (503, ResponseFlags.UpstreamReset),
        Fault.Refused => (503, ResponseFlags.Overloaded),
        Fault.PerTryTimeout => (504, ResponseFlags.UpstreamRequestTimeout),
        _ => (503, ResponseFlags.None),
    };

    /// <summary>The retry condition that covers the fault, as Envoy names it.</summary>
    private static RetryOn CoveredBy(Fault fault) => fault switch
    {
        Fault.ConnectFailure => RetryOn.ConnectFailure,
        Fault.Reset or Fault.PerTryTimeout => RetryOn.Reset,
        // An app's full queue answers a 503 response: gateway-error covers it, refused-stream does not.
        Fault.Refused => RetryOn.GatewayError,
        _ => RetryOn.FiveXx,
    };

    private IActorRef Failing(Fault fault) => fault switch
    {
        Fault.ConnectFailure => DeadEndpoint(),
        Fault.Reset => Endpoint(Reply.Reset).Ref,
        Fault.Refused => Endpoint(Reply.Refused).Ref,
        Fault.PerTryTimeout => Endpoint(Reply.Silence).Ref,
        _ => Endpoint(Reply.ServerError()).Ref,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_failed_attempt_is_retried_or_ends_the_call_as_the_retry_decision_says(Fault fault, RetryCase retry)
    {
        var on = retry == RetryCase.NotRetriable ? RetryOn.Retriable4xx : CoveredBy(fault);
        var options = Retrying(on, attempts: retry == RetryCase.AttemptsExhausted ? 1 : 2, perTryMs: PerTryMs);
        var limits = new ConnectionLimits { MaxRetries = retry == RetryCase.Overflow ? 0 : 3 };
        var second = retry == RetryCase.Retried ? Endpoint().Ref : Failing(fault);
        Configure(Policy(options, limits), Failing(fault), second);

        Call();
        Run(500);

        var outcome = OutcomeOf();
        var counters = Counters;
        var (status, flags) = Failure(fault);
        switch (retry)
        {
            case RetryCase.Retried:
                Assert.Equal((200, ResponseFlags.None, 100), (outcome.Status, outcome.Flags, outcome.Bytes));
                Assert.Equal((2, 1, 0, 0), (counters[ServiceCounter.Attempts], counters[ServiceCounter.Retries], counters[ServiceCounter.RetriesExhausted], counters[ServiceCounter.RetriesOverflowed]));
                break;
            case RetryCase.NotRetriable:
                Assert.Equal((status, flags, 0), (outcome.Status, outcome.Flags, outcome.Bytes));
                Assert.Equal((1, 0, 0, 0), (counters[ServiceCounter.Attempts], counters[ServiceCounter.Retries], counters[ServiceCounter.RetriesExhausted], counters[ServiceCounter.RetriesOverflowed]));
                break;
            case RetryCase.AttemptsExhausted:
                Assert.Equal((status, flags | ResponseFlags.UpstreamRetryLimitExceeded), (outcome.Status, outcome.Flags));
                Assert.Equal((2, 1, 1, 0), (counters[ServiceCounter.Attempts], counters[ServiceCounter.Retries], counters[ServiceCounter.RetriesExhausted], counters[ServiceCounter.RetriesOverflowed]));
                break;
            case RetryCase.Overflow:
                // Envoy's router flags a retry that max_retries refused UO.
                Assert.Equal((status, flags | ResponseFlags.UpstreamOverflow), (outcome.Status, outcome.Flags));
                Assert.Equal((1, 0, 0, 1), (counters[ServiceCounter.Attempts], counters[ServiceCounter.Retries], counters[ServiceCounter.RetriesExhausted], counters[ServiceCounter.RetriesOverflowed]));
                break;
        }
        var failedAttempts = retry switch { RetryCase.Retried or RetryCase.NotRetriable or RetryCase.Overflow => 1, _ => 2 };
        Assert.Equal(fault == Fault.ConnectFailure ? failedAttempts : 0, counters[ServiceCounter.ConnectFailures]);
        Assert.Equal(fault == Fault.PerTryTimeout ? failedAttempts : 0, counters[ServiceCounter.PerTryTimeouts]);
        Assert.Equal(0, counters[ServiceCounter.Timeouts]);
        Assert.Equal(1, counters[ServiceCounter.Calls]);
        AssertNothingHeld();
    }

    [Fact]
    public void Each_attempt_has_an_id_of_its_own_and_carries_its_number()
    {
        var first = Endpoint(Reply.ServerError());
        var second = Endpoint();
        Configure(Policy(Retrying(RetryOn.FiveXx)), first.Ref, second.Ref);

        Call();
        Run(20);

        var a = Assert.Single(first.Received);
        var b = Assert.Single(second.Received);
        Assert.Equal((1, 2), (a.Attempt, b.Attempt));
        Assert.NotEqual(a.CorrelationId, b.CorrelationId);
        Assert.Equal(200, OutcomeOf().Status);
    }

    [Fact]
    public void A_late_answer_to_an_attempt_that_timed_out_is_counted_late_and_does_not_end_the_call_again()
    {
        // Host 0 answers after 300 ms, past its 200 ms per-try timeout; the retry on host 1 answers after 50 ms.
        Configure(Policy(Retrying(RetryOn.Reset, perTryMs: 200)), Endpoint(Reply.Ok(afterMs: 300)).Ref, Endpoint(Reply.Ok(afterMs: 50)).Ref);

        Call();
        Run(260);
        var outcome = OutcomeOf();
        Assert.Equal(200, outcome.Status);
        Assert.InRange(outcome.AtMs, 200 + Hop + 50, 200 + Hop + 50 + 0.01);
        Assert.Equal((1, 0), (Counters[ServiceCounter.PerTryTimeouts], LateResponses));

        Run(100);

        Assert.Single(Outcomes);
        Assert.Equal(1, LateResponses);
        AssertNothingHeld();
    }

    [Fact]
    public void A_retry_waits_out_its_back_off_before_it_is_sent()
    {
        var second = Endpoint();
        Configure(Policy(Retrying(RetryOn.FiveXx, backoffMs: 25)), Endpoint(Reply.ServerError()).Ref, second.Ref);

        Call();
        Run(1 + Hop);
        Assert.Equal(1, Counters[ServiceCounter.Retries]);
        Assert.Empty(second.Received);
        Run(30);

        Assert.Single(second.Received);
        Assert.Equal(200, OutcomeOf().Status);
        Assert.Equal(1, Counters[ServiceCounter.Retries]);
        AssertNothingHeld();
    }

    [Fact]
    public void The_route_timeout_ends_a_call_waiting_out_a_back_off_and_frees_its_retry_token()
    {
        // Host 0 fails at 95.5 ms, 4.5 ms before the route timeout; the back-off is drawn from [0, 1 s).
        var second = Endpoint();
        Configure(Policy(Retrying(RetryOn.FiveXx, backoffMs: 1000), timeoutMs: 100), Endpoint(Reply.ServerError(afterMs: 95)).Ref, second.Ref);

        Call();
        Run(97);
        Assert.Equal((1, 1), (Counters[ServiceCounter.Retries], Cluster.Pool.ActiveRetries));
        Run(10);

        Assert.Equal((504, ResponseFlags.UpstreamRequestTimeout), (OutcomeOf().Status, OutcomeOf().Flags));
        Assert.Equal(1, Counters[ServiceCounter.Timeouts]);
        Run(10_000);
        Assert.Empty(second.Received);
        AssertNothingHeld();
    }

    [Fact]
    public void A_409_is_retried_under_retriable_4xx()
    {
        Configure(Policy(Retrying(RetryOn.Retriable4xx)), Endpoint(new Reply(409)).Ref, Endpoint().Ref);

        Call();
        Run(20);

        Assert.Equal(200, OutcomeOf().Status);
        Assert.Equal((2, 1), (Counters[ServiceCounter.Attempts], Counters[ServiceCounter.Retries]));
        AssertNothingHeld();
    }

    [Fact]
    public void A_listed_4xx_is_retried_under_retriable_status_codes()
    {
        var options = Retrying(RetryOn.RetriableStatusCodes) with { RetriableStatusCodes = [429] };
        Configure(Policy(options), Endpoint(new Reply(429)).Ref, Endpoint().Ref);

        Call();
        Run(20);

        Assert.Equal(200, OutcomeOf().Status);
        Assert.Equal(1, Counters[ServiceCounter.Retries]);
    }

    [Fact]
    public void A_4xx_no_condition_covers_is_no_failure_and_is_not_retried()
    {
        Configure(Policy(Retrying(RetryOn.Retriable4xx | RetryOn.FiveXx)), Endpoint(new Reply(404)).Ref, Endpoint().Ref);

        Call();
        Run(20);

        Assert.Equal(404, OutcomeOf().Status);
        Assert.Equal((1, 0), (Counters[ServiceCounter.Attempts], Counters[ServiceCounter.Retries]));
    }

    [Fact]
    public void An_apps_full_queue_503_is_a_response_not_a_refused_stream()
    {
        Configure(Policy(Retrying(RetryOn.RefusedStream | RetryOn.ConnectFailure)), Endpoint(Reply.Refused).Ref, Endpoint().Ref);

        Call();
        Run(20);

        Assert.Equal((503, ResponseFlags.Overloaded), (OutcomeOf().Status, OutcomeOf().Flags));
        Assert.Equal(0, Counters[ServiceCounter.Retries]);
    }
}
