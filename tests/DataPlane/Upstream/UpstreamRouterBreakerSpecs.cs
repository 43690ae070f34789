using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using Akka.Actor;

namespace ActorMesh.Tests.DataPlane.Upstream;

/// <summary>How a call's attempt ends.</summary>
public enum Ending { Ok, ServerError, ConnectFailure, Reset, Refused, PerTryTimeout, RouteTimeout }

/// <summary>The breaker's state when the call is made.</summary>
public enum BreakerState { Closed, Open, HalfOpen }

/// <summary>
/// Each way an attempt can end, against each state of the outcome circuit breaker (one that opens
/// on the first failure and probes after 5 s), through the router alone, without retries.
/// </summary>
public class UpstreamRouterBreakerSpecs(ITestOutputHelper output) : RouterSpec(output)
{
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    public static TheoryData<Ending, BreakerState> Cases()
    {
        var data = new TheoryData<Ending, BreakerState>();
        foreach (var ending in Enum.GetValues<Ending>())
        foreach (var state in Enum.GetValues<BreakerState>())
            data.Add(ending, state);
        return data;
    }

    private IActorRef EndpointFor(Ending ending) => ending switch
    {
        Ending.Ok => Endpoint().Ref,
        Ending.ConnectFailure => DeadEndpoint(),
        Ending.Reset => Endpoint(Reply.Reset).Ref,
        Ending.Refused => Endpoint(Reply.Refused).Ref,
        Ending.PerTryTimeout or Ending.RouteTimeout => Endpoint(Reply.Silence).Ref,
        _ => Endpoint(Reply.ServerError()).Ref,
    };

    private static RetryOptions NoRetries(Ending ending) => RetryOptions.Disabled with
    {
        PerTryTimeout = ending == Ending.PerTryTimeout ? TimeSpan.FromMilliseconds(50) : null,
    };

    /// <summary>Opens the breaker as a failure would (counted by the breaker, not in telemetry).</summary>
    private void Trip() => Assert.True(Cluster.Breaker!.OnFailure(Clock.Now, isProbe: false));

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_breaker_counts_an_attempts_outcome_when_closed_rejects_the_call_when_open_and_lets_the_probe_decide_when_half_open(Ending ending, BreakerState state)
    {
        var endpoint = EndpointFor(ending);
        Configure(Policy(NoRetries(ending), breaker: OpensOnFirstFailure, timeoutMs: 100), endpoint);
        if (state != BreakerState.Closed) Trip();
        if (state == BreakerState.HalfOpen) Run(BreakDuration.TotalMilliseconds);

        var calledAt = NowMs;
        Call();
        Run(200);

        var outcome = OutcomeOf();
        var counters = Counters;
        var breaker = Cluster.Breaker!;
        if (state == BreakerState.Open)
        {
            Assert.Equal((503, ResponseFlags.CircuitOpen), (outcome.Status, outcome.Flags));
            Assert.Equal(calledAt, outcome.AtMs);
            Assert.Equal((0, 1), (counters[ServiceCounter.Attempts], counters[ServiceCounter.RejectedByCircuit]));
            Assert.Equal(CircuitState.Open, breaker.State);
        }
        else if (ending == Ending.Ok)
        {
            Assert.Equal(200, outcome.Status);
            Assert.Equal(CircuitState.Closed, breaker.State);
            Assert.Equal((0, state == BreakerState.HalfOpen ? 1 : 0), (counters[ServiceCounter.CircuitOpened], counters[ServiceCounter.CircuitClosed]));
        }
        else
        {
            Assert.True(outcome.Status >= 500);
            Assert.Equal(CircuitState.Open, breaker.State);
            Assert.Equal((1, 0), (counters[ServiceCounter.CircuitOpened], counters[ServiceCounter.CircuitClosed]));
        }
        if (state != BreakerState.Open) Assert.Equal((1, 0), (counters[ServiceCounter.Attempts], counters[ServiceCounter.RejectedByCircuit]));
        AssertNothingHeld();
    }

    [Fact]
    public void While_the_probe_is_in_flight_every_other_call_is_rejected()
    {
        var endpoint = Endpoint(Reply.Ok(afterMs: 20));
        Configure(Policy(breaker: OpensOnFirstFailure), endpoint.Ref);
        Trip();
        Run(BreakDuration.TotalMilliseconds);

        Call(1);
        Call(2);
        Run(50);

        Assert.Equal(200, OutcomeOf(1).Status);
        Assert.Equal(ResponseFlags.CircuitOpen, OutcomeOf(2).Flags);
        Assert.Single(endpoint.Received);
        Assert.Equal(CircuitState.Closed, Cluster.Breaker!.State);
    }

    [Fact]
    public void A_cancelled_probe_lets_the_next_call_probe()
    {
        var endpoint = Endpoint(script: Reply.Silence);
        Configure(Policy(breaker: OpensOnFirstFailure), endpoint.Ref);
        Trip();
        Run(BreakDuration.TotalMilliseconds);
        var probe = Call(1);
        Run(5);

        Assert.True(Router.Cancel(probe));
        Call(2);
        Run(10);

        Assert.Equal(200, OutcomeOf(2).Status);
        Assert.DoesNotContain(Outcomes, o => o.CallerId == 1);
        Assert.Equal(1, Counters[ServiceCounter.Cancelled]);
        Assert.Equal(CircuitState.Closed, Cluster.Breaker!.State);
        AssertNothingHeld();
    }

    [Fact]
    public void A_retry_after_the_failure_that_opened_the_breaker_is_rejected_by_it()
    {
        Configure(Policy(Retrying(RetryOn.FiveXx), breaker: OpensOnFirstFailure), Endpoint(Reply.ServerError()).Ref, Endpoint().Ref);

        Call();
        Run(20);

        Assert.Equal((503, ResponseFlags.CircuitOpen), (OutcomeOf().Status, OutcomeOf().Flags));
        Assert.Equal((1, 1, 1, 1), (Counters[ServiceCounter.Attempts], Counters[ServiceCounter.Retries], Counters[ServiceCounter.CircuitOpened], Counters[ServiceCounter.RejectedByCircuit]));
        AssertNothingHeld();
    }

    [Fact]
    public void A_probe_with_no_host_to_go_to_opens_the_breaker_again_without_counting_an_opening()
    {
        Configure(Policy(breaker: OpensOnFirstFailure));
        Trip();
        Run(BreakDuration.TotalMilliseconds);

        Call();

        Assert.Equal((503, ResponseFlags.NoHealthyUpstream), (OutcomeOf().Status, OutcomeOf().Flags));
        Assert.Equal(CircuitState.Open, Cluster.Breaker!.State);
        Assert.Equal((0, 1), (Counters[ServiceCounter.CircuitOpened], Counters[ServiceCounter.NoHealthyUpstream]));
        AssertNothingHeld();
    }
}
