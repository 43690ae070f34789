using ActorMesh.DataPlane;
using ActorMesh.DataPlane.App;

namespace ActorMesh.Tests.DataPlane.App;

/// <summary>What a failed call means for its request, decided without actors: the verdicts, the cache's freshness and the counters.</summary>
public class CallFallbacksTests
{
    private static readonly long Second = TimeSpan.TicksPerSecond;
    private static readonly ServiceCall Required = new() { Service = "reviews" };
    private static readonly ServiceCall Optional = new() { Service = "reviews", Optional = true };
    private static readonly ServiceCall Default = new() { Service = "reviews", Fallback = CallFallback.Default };
    private static readonly ServiceCall Cached = new() { Service = "ads", Fallback = CallFallback.Cache(TimeSpan.FromSeconds(10)) };
    private static readonly ServiceCall CachedOrSkipped = new() { Service = "ads", Optional = true, Fallback = CallFallback.Cache(TimeSpan.FromSeconds(10)) };

    private readonly MeshTelemetry _telemetry = new();
    private readonly ServiceIndex _services = new(["frontend", "reviews", "ads"]);

    private CallFallbacks Of(params ServiceCall[] calls) => new(new ServiceSpec
    {
        Name = "frontend",
        Script = [.. calls.Select(c => (ScriptStep)new CallStep(c))],
    }, _services, _telemetry);

    [Fact]
    public void A_required_call_fails_an_optional_one_is_skipped_and_a_default_fallback_always_answers()
    {
        var fallbacks = Of(Required, Optional, Default);

        Assert.Equal(CallVerdict.Fails, fallbacks.Failed(Required, 0));
        Assert.Equal(CallVerdict.Skipped, fallbacks.Failed(Optional, 0));
        Assert.Equal(CallVerdict.FellBack, fallbacks.Failed(Default, 0));
        var reviews = _telemetry.For(_services.Of("reviews"));
        Assert.Equal((1, 1), (reviews[ServiceCounter.OptionalSkipped], reviews[ServiceCounter.FallbacksUsed]));
    }

    [Fact]
    public void A_cache_fallback_answers_only_once_a_good_answer_came_and_until_it_is_older_than_the_ttl()
    {
        var fallbacks = Of(Cached, CachedOrSkipped);

        Assert.Equal(CallVerdict.Fails, fallbacks.Failed(Cached, 5 * Second));        // nothing cached yet
        Assert.Equal(CallVerdict.Skipped, fallbacks.Failed(CachedOrSkipped, 5 * Second));
        fallbacks.Answered(Cached, 10 * Second);
        Assert.Equal(CallVerdict.FellBack, fallbacks.Failed(Cached, 20 * Second));    // exactly the ttl old
        Assert.Equal(CallVerdict.Fails, fallbacks.Failed(Cached, 20 * Second + 1));
        // Each call keeps its own last good answer.
        Assert.Equal(CallVerdict.Skipped, fallbacks.Failed(CachedOrSkipped, 11 * Second));
    }

    [Fact]
    public void Taking_an_answer_says_whether_the_request_goes_on_and_whether_it_is_degraded()
    {
        var fallbacks = Of(Required, Optional);
        var degraded = false;

        Assert.True(fallbacks.Take(Required, StatusCodes.Ok, ResponseFlags.None, 0, ref degraded));
        Assert.False(degraded);
        Assert.True(fallbacks.Take(Required, StatusCodes.Ok, ResponseFlags.Degraded, 0, ref degraded));   // degraded downstream
        Assert.True(degraded);

        degraded = false;
        Assert.True(fallbacks.Take(Optional, StatusCodes.ServiceUnavailable, ResponseFlags.CircuitOpen, 0, ref degraded));
        Assert.True(degraded);
        degraded = false;
        Assert.False(fallbacks.Take(Required, StatusCodes.ServiceUnavailable, ResponseFlags.CircuitOpen, 0, ref degraded));
        Assert.False(degraded);
    }
}
