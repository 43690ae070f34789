namespace ActorMesh.Tests.DataPlane.App;

/// <summary>
/// Experiments on graceful degradation in a service's script: a call that may fail without failing the
/// request (optional), or whose failure a fallback answers for (a default answer, or the last good one
/// cached). The request is then ok, but its answer carries flag DG all the way to the client, and the
/// report counts it. 100 rps for 2 s, 1 ms hops, no retries to the failing services.
/// </summary>
public class DegradationSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology Shop(Action<ServiceBuilder> frontend, double reviewsErrors = 1.0, double catalogErrors = 0, Func<TopologyBuilder, TopologyBuilder>? more = null)
    {
        var b = MeshTopology.Create("degrade")
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", frontend)
            .Service("reviews", s => s.ServiceTime(Distribution.Constant(1)).Errors(reviewsErrors))
            .Service("catalog", s => s.ServiceTime(Distribution.Constant(1)).Errors(catalogErrors))
            .Latency(Distribution.Constant(1))
            .Policy("reviews", p => p with { Retries = RetryOptions.Disabled })
            .Policy("catalog", p => p with { Retries = RetryOptions.Disabled })
            .Load(l => l with { Rps = 100, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) });
        return (more?.Invoke(b) ?? b).Build();
    }

    private RunReport Run(MeshTopology topology)
    {
        var mesh = StartMesh(topology);
        var report = Await(mesh.ReportAsync(RunLoad(mesh)));
        var reviews = report.Services["reviews"].Upstream;
        Out.WriteLine($"sent {report.Requests.Sent}, ok {report.Requests.Ok} (degraded {report.Outcomes.Degraded}), failed {report.Requests.Failed}; " +
                      $"reviews: calls {reviews[ServiceCounter.Calls]}, skipped {reviews[ServiceCounter.OptionalSkipped]}, fallbacks {reviews[ServiceCounter.FallbacksUsed]}");
        Out.WriteLine("per second ok/degraded/failed: " + string.Join(" ", report.Timeline.Select(t => $"{t.Ok}/{t.Degraded}/{t.Failed}")));
        Assert.True(report.Outcomes.AddsUp);
        return report;
    }

    [Fact]
    public void A_failed_call_fails_the_request_unless_it_is_optional_then_the_request_goes_on_and_is_answered_degraded()
    {
        var strict = Run(Shop(s => s.Call("reviews").Call("catalog")));
        var optional = Run(Shop(s => s.Call("reviews", optional: true).Call("catalog")));

        // Without degradation every request fails with 500 at reviews, and catalog is never called.
        Assert.Equal(200, strict.Requests.Sent);
        Assert.Equal(200, strict.Requests.Failed);
        Assert.Equal(0, strict.Outcomes.Degraded);
        Assert.Equal(0, strict.Services["catalog"][ServiceCounter.Requests]);

        // Optional: every request is ok, every one degraded, and the script went on to catalog.
        Assert.Equal(200, optional.Requests.Ok);
        Assert.Equal(200, optional.Outcomes.Degraded);
        Assert.Equal(200, optional.Services["catalog"][ServiceCounter.Requests]);
        var frontend = optional.Services["frontend"];
        Assert.Equal(200, frontend[ServiceCounter.Ok]);
        Assert.Equal(200, frontend[ServiceCounter.Degraded]);   // counted where frontend answered
        Assert.Equal(0, optional.Services["catalog"][ServiceCounter.Degraded]);
        var reviews = optional.Services["reviews"];
        Assert.Equal(200, reviews[ServiceCounter.Errors]);
        Assert.Equal(200, reviews.Upstream[ServiceCounter.OptionalSkipped]);
        Assert.Equal(0, reviews.Upstream[ServiceCounter.FallbacksUsed]);
        Assert.Equal(200, optional.Mesh[ServiceCounter.OptionalSkipped]);
        Assert.Equal(200, optional.RequestKinds.Values.Single().Degraded);
        Assert.All(optional.Timeline, t => Assert.Equal(t.Ok, t.Degraded));
    }

    [Fact]
    public void An_optional_call_that_succeeds_leaves_the_answer_whole()
    {
        var report = Run(Shop(s => s.Call("reviews", optional: true), reviewsErrors: 0));

        Assert.Equal(200, report.Requests.Ok);
        Assert.Equal(0, report.Outcomes.Degraded);
        Assert.Equal(0, report.Services["frontend"][ServiceCounter.Degraded]);
        Assert.Equal(0, report.Mesh[ServiceCounter.OptionalSkipped]);
    }

    [Fact]
    public void A_default_fallback_answers_in_place_of_every_failed_call()
    {
        var report = Run(Shop(s => s.Call("reviews", fallback: CallFallback.Default).Call("catalog")));

        Assert.Equal(200, report.Requests.Ok);
        Assert.Equal(200, report.Outcomes.Degraded);
        Assert.Equal(200, report.Services["reviews"].Upstream[ServiceCounter.FallbacksUsed]);
        Assert.Equal(0, report.Services["reviews"].Upstream[ServiceCounter.OptionalSkipped]);
        Assert.Equal(200, report.Services["catalog"][ServiceCounter.Requests]);
    }

    /// <summary>reviews works for the first second, then dies; the cache holds its last good answer for 500 ms.</summary>
    private static MeshTopology ReviewsDieAfterOneSecond(bool optional) => Shop(
        s => s.Call("reviews", optional: optional, fallback: CallFallback.Cache(TimeSpan.FromMilliseconds(500))),
        reviewsErrors: 0,
        more: b => b.At(TimeSpan.FromSeconds(1), new SetErrorsEvent("reviews", new ErrorInjection(1.0))));

    [Fact]
    public void A_cache_fallback_answers_with_the_last_good_answer_while_it_is_fresh_then_the_call_fails()
    {
        var report = Run(ReviewsDieAfterOneSecond(optional: false));

        var first = report.Timeline[0];
        Assert.Equal((100, 0, 0), (first.Ok, first.Degraded, first.Failed));
        // From 1 s the cached answer stands in for 500 ms (half a second of requests, give or take the
        // one in flight), then it is stale and the calls fail the requests.
        var fallbacks = report.Services["reviews"].Upstream[ServiceCounter.FallbacksUsed];
        Assert.InRange(fallbacks, 49, 51);
        Assert.Equal(fallbacks, report.Outcomes.Degraded);
        Assert.Equal(100 + fallbacks, report.Requests.Ok);
        Assert.Equal(100 - fallbacks, report.Requests.Failed);
        Assert.Equal(0, report.Mesh[ServiceCounter.OptionalSkipped]);
    }

    [Fact]
    public void A_cache_fallback_on_an_optional_call_answers_while_fresh_and_the_call_is_skipped_after()
    {
        var report = Run(ReviewsDieAfterOneSecond(optional: true));

        var reviews = report.Services["reviews"].Upstream;
        Assert.Equal(200, report.Requests.Ok);
        Assert.InRange(reviews[ServiceCounter.FallbacksUsed], 49, 51);
        Assert.Equal(100, reviews[ServiceCounter.FallbacksUsed] + reviews[ServiceCounter.OptionalSkipped]);
        Assert.Equal(100, report.Outcomes.Degraded);
    }

    [Fact]
    public void Each_call_of_a_parallel_group_degrades_on_its_own_and_a_required_one_still_fails_the_request()
    {
        var group = new[] { new ServiceCall { Service = "reviews", Optional = true }, new ServiceCall { Service = "catalog" } };
        var catalogUp = Run(Shop(s => s.Parallel(group)));
        var catalogDown = Run(Shop(s => s.Parallel(group), catalogErrors: 1.0));

        Assert.Equal(200, catalogUp.Requests.Ok);
        Assert.Equal(200, catalogUp.Outcomes.Degraded);
        Assert.Equal(200, catalogUp.Services["reviews"].Upstream[ServiceCounter.OptionalSkipped]);

        // catalog is not optional: its failure fails the request, though reviews' was skipped.
        Assert.Equal(200, catalogDown.Requests.Failed);
        Assert.Equal(0, catalogDown.Outcomes.Degraded);
        Assert.Equal(200, catalogDown.Services["reviews"].Upstream[ServiceCounter.OptionalSkipped]);
        Assert.Equal(0, catalogDown.Services["frontend"][ServiceCounter.Degraded]);
    }

    [Fact]
    public void A_degraded_answer_stays_degraded_up_the_call_chain_to_the_client()
    {
        // The client calls home, home calls frontend, whose call to reviews is optional.
        var report = Run(Shop(s => s.Call("reviews", optional: true), more: b => b
            .Gateway("web", g => g.Route("/", "home"))
            .Service("home", s => s.Call("frontend"))
            .Load(l => l with { Gateway = "web" })));

        Assert.Equal(200, report.Requests.Ok);
        Assert.Equal(200, report.Outcomes.Degraded);
        Assert.Equal(200, report.Services["home"][ServiceCounter.Degraded]);
        Assert.Equal(200, report.Services["frontend"][ServiceCounter.Degraded]);
    }

    [Fact]
    public void An_aggregation_with_a_degraded_part_is_degraded_though_every_part_answered()
    {
        var report = Run(Shop(s => s.Call("reviews", optional: true), more: b => b
            .Gateway("bff", g => g.Aggregate("/page", r => r.Backend("frontend").Backend("catalog")))
            .Load(l => l with { Gateway = "bff", Requests = [new ActorMesh.Topology.RequestMix("/page")] })));

        Assert.Equal(200, report.Requests.Ok);
        Assert.Equal(200, report.Outcomes.Degraded);
        Assert.Equal(0, report.Gateway.Degraded);   // the gateway's own partial merges: none, every part answered
    }
}
