using ActorMesh.Load;

namespace ActorMesh.Tests.DataPlane;

/// <summary>Every request the client sends ends in exactly one outcome, whatever goes wrong.</summary>
public class AccountingSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    [Fact]
    public void Under_errors_overload_timeouts_and_the_client_bound_every_request_is_counted_exactly_once()
    {
        var topology = MeshTopology.Create("faults")
            .Gateway("edge", g => g.Route("/slow", "slow").Route("/", "frontend"))
            // frontend: one worker and a short queue, so bursts overflow it (503, rejected as overloaded).
            .Service("frontend", s => s.Workers(1).Queue(2).ServiceTime(Distribution.Exponential(4)).Errors(0.1).Call("payments"))
            .Service("payments", s => s.Replicas(2).Errors(0.2, 503))
            // slow: answers after 2 s, beyond the route timeout (timed out) and holding the client bound.
            .Service("slow", s => s.Workers(1000).ServiceTime(Distribution.Constant(2000)))
            .Policy("slow", p => p with { Timeout = TimeSpan.FromSeconds(1), Retries = RetryOptions.Disabled })
            .Load(l => l with
            {
                Rps = 400, Arrival = ArrivalProcess.Poisson, MaxOutstanding = 80,
                Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.FromSeconds(0.5), Drain = TimeSpan.FromMilliseconds(500),
                Requests = [new RequestMix("/", 3), new RequestMix("/slow", 1)],
            })
            .Build();
        var mesh = StartMesh(topology);

        var load = RunLoad(mesh);

        var m = load.Measured;
        Assert.Equal(m.Sent, m.Ok + m.Failed + m.TimedOut + m.Rejected + m.InFlight);
        Assert.True(load.Warmup.AddsUp, $"warm-up: sent {load.Warmup.Sent}, ended {load.Warmup.Ended}, in flight {load.Warmup.InFlight}");
        Assert.True(m.Ok > 0 && m.Failed > 0 && m.TimedOut > 0 && m.Rejected > 0 && m.InFlight > 0,
            $"every outcome occurs: ok {m.Ok}, failed {m.Failed}, timedOut {m.TimedOut}, rejected {m.Rejected}, inFlight {m.InFlight}");
        Assert.True(m.RejectedBy[(int)RejectReason.Overloaded] > 0, "the full queue at frontend rejected some");
        Assert.True(m.RejectedBy[(int)RejectReason.ClientBound] > 0, "the client's bound rejected some");
        Assert.Equal(m.Rejected, m.RejectedBy.Sum());
        Assert.Equal(m.Failed, m.FailedBy.Values.Sum());
        Assert.Equal(m.Sent, load.Timeline.Sum(b => b.Sent));
        Assert.Equal(m.Sent, load.Timeline.Sum(b => b.Ok + b.Failed + b.TimedOut + b.Rejected + b.InFlight));
    }
}
