using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.Pooling;

namespace ActorMesh.Tests.DataPlane.Upstream;

/// <summary>The router alone, on the virtual clock: answers, limits, timeouts, cancellation, shutdown, outlier detection and ids.</summary>
public class UpstreamRouterSpecs(ITestOutputHelper output) : RouterSpec(output)
{
    private static readonly ConnectionLimits OneAtATime = new() { MaxConnections = 1, MaxPendingRequests = 1 };

    // ---- answers ------------------------------------------------------------------------------

    [Fact]
    public void An_answer_reaches_the_owner_once_with_its_bytes_after_the_hop_and_the_endpoints_time()
    {
        Configure(Policy(), Endpoint(Reply.Ok(afterMs: 3)).Ref);

        Call();
        Run(10);

        var outcome = OutcomeOf();
        Assert.Equal((200, ResponseFlags.None, 100), (outcome.Status, outcome.Flags, outcome.Bytes));
        Assert.Equal(Hop + 3, outcome.AtMs, precision: 3);
        Assert.Equal((1, 1), (Counters[ServiceCounter.Calls], Counters[ServiceCounter.Attempts]));
        AssertNothingHeld();
    }

    [Fact]
    public void A_call_to_a_service_the_config_does_not_know_ends_at_once_with_no_healthy_upstream()
    {
        Configure(Policy(), Endpoint().Ref);

        var token = Router.Send(Akka.Actor.ActorRefs.Nobody, 1, "nowhere", "/", 100, TraceContext.None, Clock.Now);

        Assert.True(token.IsNone);
        Assert.Equal((503, ResponseFlags.NoHealthyUpstream), (OutcomeOf().Status, OutcomeOf().Flags));
    }

    [Fact]
    public void A_destination_without_endpoints_ends_the_call_with_no_healthy_upstream()
    {
        Configure(Policy());

        Call();

        Assert.Equal((503, ResponseFlags.NoHealthyUpstream), (OutcomeOf().Status, OutcomeOf().Flags));
        Assert.Equal((1, 0, 1), (Counters[ServiceCounter.Calls], Counters[ServiceCounter.Attempts], Counters[ServiceCounter.NoHealthyUpstream]));
        AssertNothingHeld();
    }

    // ---- connection-pool limits ----------------------------------------------------------------

    [Fact]
    public void Past_max_connections_a_call_waits_and_past_max_pending_it_overflows()
    {
        var endpoint = Endpoint(Reply.Ok(afterMs: 10));
        Configure(Policy(limits: OneAtATime), endpoint.Ref);

        Call(1);
        Call(2);
        Call(3);

        Assert.Equal((503, ResponseFlags.UpstreamOverflow), (OutcomeOf(3).Status, OutcomeOf(3).Flags));
        Assert.Equal((1, 1), (Cluster.Pool.ActiveRequests, Cluster.Pool.PendingRequests));
        Run(5);
        Assert.Single(endpoint.Received);

        Run(30);

        Assert.Equal(2, endpoint.Received.Count);
        Assert.Equal(Hop + 10, OutcomeOf(1).AtMs, precision: 3);
        Assert.Equal(2 * (Hop + 10), OutcomeOf(2).AtMs, precision: 3);
        Assert.Equal((3, 2, 1), (Counters[ServiceCounter.Calls], Counters[ServiceCounter.Attempts], Counters[ServiceCounter.Overflows]));
        AssertNothingHeld();
    }

    [Fact]
    public void Past_max_requests_a_call_overflows_at_once_and_never_waits()
    {
        // Envoy's conn_pool_base.cc (attachStreamToClient): max_requests is checked as a request gets its connection.
        var endpoint = Endpoint(Reply.Ok(afterMs: 10));
        Configure(Policy(limits: new ConnectionLimits { MaxRequests = 1 }), endpoint.Ref);

        Call(1);
        Call(2);

        Assert.Equal((503, ResponseFlags.UpstreamOverflow), (OutcomeOf(2).Status, OutcomeOf(2).Flags));
        Assert.Equal((1, 0), (Cluster.Pool.ActiveRequests, Cluster.Pool.PendingRequests));
        Run(30);
        Assert.Equal(200, OutcomeOf(1).Status);
        Assert.Single(endpoint.Received);
        Assert.Equal((2, 1, 1), (Counters[ServiceCounter.Calls], Counters[ServiceCounter.Attempts], Counters[ServiceCounter.Overflows]));
        AssertNothingHeld();
    }

    [Fact]
    public void A_waiting_call_times_out_in_the_queue_and_is_never_sent()
    {
        var endpoint = Endpoint(Reply.Ok(afterMs: 150));
        Configure(Policy(limits: OneAtATime, timeoutMs: 1000), endpoint.Ref);
        Call(1);
        Configure(Policy(limits: OneAtATime, timeoutMs: 100), endpoint.Ref);
        Call(2);

        Run(120);
        Assert.Equal((504, ResponseFlags.UpstreamRequestTimeout), (OutcomeOf(2).Status, OutcomeOf(2).Flags));
        Assert.Equal(0, Cluster.Pool.PendingRequests);
        Run(100);

        Assert.Equal(200, OutcomeOf(1).Status);
        Assert.Single(endpoint.Received);
        Assert.Equal(1, Counters[ServiceCounter.Timeouts]);
        AssertNothingHeld();
    }

    [Fact]
    public void A_config_that_raises_max_connections_lets_waiting_calls_go()
    {
        var endpoint = Endpoint(Reply.Ok(afterMs: 100));
        Configure(Policy(limits: OneAtATime), endpoint.Ref);
        Call(1);
        Call(2);

        Configure(Policy(limits: OneAtATime with { MaxConnections = 2 }), endpoint.Ref);
        Run(5);

        Assert.Equal(2, endpoint.Received.Count);
    }

    // ---- timeouts -------------------------------------------------------------------------------

    [Fact]
    public void The_route_timeout_ends_an_attempt_in_flight_as_a_failure_of_its_host()
    {
        var outliers = new OutlierDetectionOptions { Consecutive5xx = 1, MaxEjectionPercent = 100 };
        Configure(Policy(timeoutMs: 50, outliers: outliers, breaker: OpensOnFirstFailure), Endpoint(Reply.Silence).Ref);

        Call();
        Run(60);

        var outcome = OutcomeOf();
        Assert.Equal((504, ResponseFlags.UpstreamRequestTimeout), (outcome.Status, outcome.Flags));
        Assert.InRange(outcome.AtMs, 50, 51);
        Assert.Equal((1, 0, 1, 1), (Counters[ServiceCounter.Timeouts], Counters[ServiceCounter.PerTryTimeouts], Counters[ServiceCounter.Ejections], Counters[ServiceCounter.CircuitOpened]));
        AssertNothingHeld();
    }

    [Fact]
    public void A_per_try_timeout_ends_only_the_attempt_and_the_route_timeout_bounds_the_retries()
    {
        Configure(Policy(Retrying(RetryOn.Reset, attempts: 5, perTryMs: 40), timeoutMs: 100), Endpoint(Reply.Silence).Ref, Endpoint(Reply.Silence).Ref);

        Call();
        Run(150);

        var outcome = OutcomeOf();
        Assert.Equal((504, ResponseFlags.UpstreamRequestTimeout), (outcome.Status, outcome.Flags));
        Assert.InRange(outcome.AtMs, 100, 101);
        Assert.Equal((3, 2, 2, 1), (Counters[ServiceCounter.Attempts], Counters[ServiceCounter.Retries], Counters[ServiceCounter.PerTryTimeouts], Counters[ServiceCounter.Timeouts]));
        AssertNothingHeld();
    }

    // ---- cancellation and shutdown --------------------------------------------------------------

    [Fact]
    public void A_cancelled_call_frees_its_attempt_reports_nothing_and_its_late_answer_is_counted_late()
    {
        var endpoint = Endpoint(Reply.Ok(afterMs: 20));
        Configure(Policy(), endpoint.Ref);
        var token = Call();
        Run(5);

        Assert.True(Router.Cancel(token));
        AssertNothingHeld();
        Assert.False(Router.Cancel(token));
        Run(50);

        Assert.Empty(Outcomes);
        Assert.Equal((1, 1), (Counters[ServiceCounter.Cancelled], LateResponses));
    }

    [Fact]
    public void Cancelling_a_waiting_call_gives_back_its_place_in_the_queue()
    {
        var endpoint = Endpoint(Reply.Ok(afterMs: 10));
        Configure(Policy(limits: OneAtATime), endpoint.Ref);
        Call(1);
        var waiting = Call(2);

        Assert.True(Router.Cancel(waiting));
        Assert.Equal(0, Cluster.Pool.PendingRequests);
        Run(50);

        Assert.Single(Outcomes);
        Assert.Single(endpoint.Received);
        AssertNothingHeld();
    }

    [Fact]
    public void A_token_outlives_its_calls_retries_but_not_the_call()
    {
        Configure(Policy(Retrying(RetryOn.FiveXx)), Endpoint(Reply.ServerError()).Ref, Endpoint(Reply.Silence).Ref);
        var token = Call(1);
        Run(5);
        Assert.Equal(1, Counters[ServiceCounter.Retries]);

        Assert.True(Router.Cancel(token));
        Call(2);

        Assert.False(Router.Cancel(token));
        Assert.False(Router.Cancel(SlotHandle.None));
        Assert.Equal(1, Router.InFlight);
    }

    [Fact]
    public void Failing_all_ends_every_call_with_the_status_given_and_sends_nothing_more()
    {
        var endpoint = Endpoint(Reply.Silence);
        Configure(Policy(limits: OneAtATime), endpoint.Ref);
        Call(1);
        Call(2);
        Run(5);

        Router.FailAll(503, ResponseFlags.UpstreamReset);
        Run(50);

        Assert.All(Outcomes, o => Assert.Equal((503, ResponseFlags.UpstreamReset), (o.Status, o.Flags)));
        Assert.Equal(2, Outcomes.Count);
        Assert.Single(endpoint.Received);
        Assert.Equal((0, 0), (Counters[ServiceCounter.Timeouts], Counters[ServiceCounter.Cancelled]));
        AssertNothingHeld();
    }

    [Fact]
    public void An_owner_may_start_its_next_call_from_the_outcome_of_the_last_even_in_the_middle_of_a_sweep()
    {
        Configure(Policy(timeoutMs: 50), Endpoint(script: Reply.Silence).Ref);
        WhenCompleted = done =>
        {
            if (done.CallerId == 1) Call(2);
        };

        Call(1);
        Run(60);

        Assert.Equal(504, OutcomeOf(1).Status);
        Assert.Equal(200, OutcomeOf(2).Status);
        Assert.InRange(OutcomeOf(2).AtMs, 50 + Hop + 1, 51 + Hop + 1);
        AssertNothingHeld();
    }

    // ---- outlier detection ----------------------------------------------------------------------

    [Fact]
    public void A_host_that_fails_is_ejected_and_later_calls_go_to_the_others()
    {
        var failing = Endpoint(Reply.ServerError());
        var healthy = Endpoint();
        Configure(Policy(outliers: new OutlierDetectionOptions { Consecutive5xx = 1, MaxEjectionPercent = 100 }), failing.Ref, healthy.Ref);

        for (var i = 1; i <= 5; i++)
        {
            Call(i);
            Run(5);
        }

        Assert.Single(failing.Received);
        Assert.Equal(4, healthy.Received.Count);
        Assert.Equal(1, Counters[ServiceCounter.Ejections]);
    }

    // ---- ids ------------------------------------------------------------------------------------

    [Fact]
    public void An_answer_with_an_id_of_another_incarnation_of_the_owner_does_not_resolve()
    {
        var endpoint = Endpoint(Reply.Silence);
        Configure(Policy(), endpoint.Ref);
        Call();
        Run(5);
        var sent = new SlotHandle(Assert.Single(endpoint.Received).CorrelationId);
        Assert.Equal(SlotKind.Call, sent.Kind);

        var previousIncarnation = SlotHandle.Of(sent.Slot, sent.Generation, SlotHandle.TagOf(SlotKind.Call, incarnation: 0));
        Router.Handle(new MeshResponse(previousIncarnation.Id, 200, ResponseFlags.None, 0));

        Assert.Empty(Outcomes);
        Assert.Equal(1, LateResponses);
        Assert.Equal(1, Router.InFlight);
    }
}
