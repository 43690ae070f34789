using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Upstream;

namespace ActorMesh.Tests.DataPlane.Upstream;

public class AttemptOutcomeTests
{
    private static AttemptOutcome Answer(int status, ResponseFlags flags = ResponseFlags.None) =>
        AttemptOutcome.Of(new MeshResponse(1, status, flags, ResponseBytes: 100, Visited: 0b101));

    [Fact]
    public void An_answer_is_a_response_a_reset_or_a_refused_connection_by_its_flags()
    {
        Assert.Equal(AttemptEnd.Response, Answer(200).Kind);
        Assert.Equal(AttemptEnd.Response, Answer(503).Kind);
        // An app's full queue answers a 503 response: not an HTTP/2 REFUSED_STREAM reset.
        Assert.Equal(AttemptEnd.Response, Answer(503, ResponseFlags.Overloaded).Kind);
        Assert.Equal(AttemptEnd.Reset, Answer(503, ResponseFlags.UpstreamReset).Kind);
        // A sidecar with no config yet has no listener: the connection to it fails.
        Assert.Equal(AttemptEnd.ConnectFailure, Answer(503, ResponseFlags.UpstreamConnectionFailure).Kind);
    }

    [Fact]
    public void An_answer_keeps_its_status_flags_bytes_and_visited_services()
    {
        var o = Answer(201, ResponseFlags.Committed);

        Assert.Equal(201, o.Status);
        Assert.Equal(ResponseFlags.Committed, o.Flags);
        Assert.Equal(100, o.Bytes);
        Assert.Equal(0b101UL, o.Visited);
    }

    [Fact]
    public void Ends_without_an_answer_carry_the_status_and_flag_Envoy_writes()
    {
        Assert.Equal((503, ResponseFlags.UpstreamConnectionFailure), StatusOf(AttemptEnd.ConnectFailure));
        Assert.Equal((504, ResponseFlags.UpstreamRequestTimeout), StatusOf(AttemptEnd.PerTryTimeout));
        Assert.Equal((504, ResponseFlags.UpstreamRequestTimeout), StatusOf(AttemptEnd.RouteTimeout));
        Assert.Equal((503, ResponseFlags.UpstreamOverflow), StatusOf(AttemptEnd.Overflow));
        Assert.Equal((503, ResponseFlags.CircuitOpen), StatusOf(AttemptEnd.CircuitOpen));
        Assert.Equal((503, ResponseFlags.NoHealthyUpstream), StatusOf(AttemptEnd.NoHealthyUpstream));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttemptOutcome.Of(AttemptEnd.Response));

        static (int, ResponseFlags) StatusOf(AttemptEnd kind) => (AttemptOutcome.Of(kind).Status, AttemptOutcome.Of(kind).Flags);
    }

    [Fact]
    public void Any_5xx_is_a_failure_and_only_a_response_below_500_succeeds()
    {
        Assert.False(Answer(404).Failed);
        Assert.True(Answer(404).Succeeded);
        Assert.True(Answer(500).Failed);
        Assert.False(Answer(500).Succeeded);
        Assert.True(AttemptOutcome.Of(AttemptEnd.PerTryTimeout).Failed);
        Assert.False(AttemptOutcome.Of(AttemptEnd.PerTryTimeout).Succeeded);
    }

    [Fact]
    public void The_retry_policy_is_asked_about_failed_attempts_but_not_about_route_timeouts_or_the_owners_decisions()
    {
        Assert.False(Answer(200).MayRetry);
        // Any answer but a 2xx: retriable-4xx retries a 409, retriable-status-codes any status listed.
        Assert.True(Answer(409).MayRetry);
        Assert.True(Answer(429).MayRetry);
        Assert.True(Answer(503).MayRetry);
        Assert.True(Answer(503, ResponseFlags.Overloaded).MayRetry);
        Assert.True(Answer(503, ResponseFlags.UpstreamReset).MayRetry);
        Assert.True(AttemptOutcome.Of(AttemptEnd.ConnectFailure).MayRetry);
        Assert.True(AttemptOutcome.Of(AttemptEnd.PerTryTimeout).MayRetry);
        Assert.False(AttemptOutcome.Of(AttemptEnd.RouteTimeout).MayRetry);
        Assert.False(AttemptOutcome.Of(AttemptEnd.Cancelled).MayRetry);
        Assert.False(AttemptOutcome.Aborted(503, ResponseFlags.UpstreamReset).MayRetry);
    }

    [Fact]
    public void Each_failure_is_named_as_the_retry_policy_knows_it()
    {
        Assert.Equal(AttemptFailure.Response, Answer(503).RetryAs);
        Assert.Equal(AttemptFailure.Response, Answer(503, ResponseFlags.Overloaded).RetryAs);
        Assert.Equal(AttemptFailure.RateLimited, Answer(429, ResponseFlags.RateLimited).RetryAs);
        Assert.Equal(AttemptFailure.ConnectFailure, Answer(503, ResponseFlags.UpstreamConnectionFailure).RetryAs);
        Assert.Equal(AttemptFailure.Reset, Answer(503, ResponseFlags.UpstreamReset).RetryAs);
        Assert.Equal(AttemptFailure.ConnectFailure, AttemptOutcome.Of(AttemptEnd.ConnectFailure).RetryAs);
        Assert.Equal(AttemptFailure.PerTryTimeout, AttemptOutcome.Of(AttemptEnd.PerTryTimeout).RetryAs);
    }

    [Fact]
    public void Only_the_owners_decisions_say_nothing_about_the_host()
    {
        Assert.True(Answer(200).JudgesHost);
        Assert.True(AttemptOutcome.Of(AttemptEnd.RouteTimeout).JudgesHost);
        Assert.False(AttemptOutcome.Of(AttemptEnd.Cancelled).JudgesHost);
        Assert.False(AttemptOutcome.Aborted(503, ResponseFlags.UpstreamReset).JudgesHost);
    }

    [Fact]
    public void Each_end_without_an_answer_is_counted_once_under_its_own_counter()
    {
        var t = new ServiceTelemetry();

        foreach (var kind in new[] { AttemptEnd.ConnectFailure, AttemptEnd.PerTryTimeout, AttemptEnd.RouteTimeout, AttemptEnd.Overflow,
                     AttemptEnd.CircuitOpen, AttemptEnd.NoHealthyUpstream, AttemptEnd.Cancelled })
            AttemptOutcome.Of(kind).CountIn(t);
        Answer(503).CountIn(t);
        AttemptOutcome.Aborted(503, ResponseFlags.UpstreamReset).CountIn(t);

        Assert.Equal((1, 1, 1, 1), (t[ServiceCounter.ConnectFailures], t[ServiceCounter.PerTryTimeouts], t[ServiceCounter.Timeouts], t[ServiceCounter.Overflows]));
        Assert.Equal((1, 1, 1), (t[ServiceCounter.RejectedByCircuit], t[ServiceCounter.NoHealthyUpstream], t[ServiceCounter.Cancelled]));
    }
}
