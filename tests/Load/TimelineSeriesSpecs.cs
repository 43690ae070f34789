using System.Globalization;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;

namespace ActorMesh.Tests.Load;

/// <summary>
/// The report's per-second series, in virtual time: each second's outcomes add up to the window's,
/// each has the latency of its own ok requests, and the mesh's retries and circuit changes land in the
/// second they happened.
/// </summary>
public class TimelineSeriesSpecs
{
    /// <summary>
    /// edge → api → pay, 100 rps for 6 s after 1 s of warm-up. At 3.5 s (measured second 2) pay starts failing
    /// every request with 500: the api's sidecar retries 5xx once, and its breaker for pay opens after 5 failures in a row
    /// and stays open past the end.
    /// </summary>
    internal static MeshTopology FailingAtSecondTwo() => MeshTopology.Create("series")
        .Seed(11)
        .Gateway("edge", g => g.Route("/", "api"))
        .Service("api", s => s.Call("pay"))
        .Service("pay", s => s.ServiceTime(Distribution.Constant(2)))
        .Policy("pay", p => p with
        {
            Retries = p.Retries with { Attempts = 1, RetryOn = RetryOn.FiveXx },
            CircuitBreaker = new CircuitBreakerOptions { Mode = BreakOn.ConsecutiveFailures, ConsecutiveFailures = 5, BreakDuration = TimeSpan.FromMinutes(1) },
        })
        .At(TimeSpan.FromSeconds(3.5), new SetErrorsEvent("pay", new ErrorInjection(1, 500)))
        .Load(l => l with { Rps = 100, Warmup = TimeSpan.FromSeconds(1), Duration = TimeSpan.FromSeconds(6), Clock = ClockMode.Virtual })
        .Build();

    [Fact]
    public async Task Each_seconds_outcomes_add_up_to_the_windows_totals()
    {
        var report = await MeshRunner.RunAsync(FailingAtSecondTwo());

        Assert.Equal(6, report.Timeline.Count);
        Assert.Equal(report.Requests.Sent, report.Timeline.Sum(s => s.Sent));
        Assert.Equal(report.Requests.Ok, report.Timeline.Sum(s => s.Ok));
        Assert.Equal(report.Requests.Failed, report.Timeline.Sum(s => s.Failed));
        Assert.Equal(report.Requests.TimedOut, report.Timeline.Sum(s => s.TimedOut));
        Assert.Equal(report.Requests.Rejected, report.Timeline.Sum(s => s.Rejected));
        Assert.All(report.Timeline, s => Assert.Equal(s.Sent, s.Ok + s.Failed + s.TimedOut + s.Rejected + s.InFlight));
    }

    [Fact]
    public async Task Each_second_has_the_latency_of_its_own_ok_requests()
    {
        var report = await MeshRunner.RunAsync(FailingAtSecondTwo());

        // Before the fault every request is ok, with a p50 near the window's.
        for (var i = 0; i < 2; i++)
        {
            var s = report.Timeline[i];
            Assert.NotNull(s.P50Ms);
            Assert.InRange(s.P50Ms!.Value, report.LatencyMs.P50 * 0.9, report.LatencyMs.P50 * 1.1);
            Assert.True(s.P99Ms >= s.P50Ms);
        }
        // Once pay fails everything, no request is ok and a second has no latency to show.
        Assert.All(report.Timeline.Skip(3), s => Assert.Equal(0, s.Ok));
        Assert.All(report.Timeline.Skip(3), s => Assert.Null(s.P50Ms));
        Assert.All(report.Timeline.Skip(3), s => Assert.Null(s.P99Ms));
    }

    [Fact]
    public async Task A_circuit_opening_and_the_retries_show_in_the_second_they_happened()
    {
        var report = await MeshRunner.RunAsync(FailingAtSecondTwo());

        Assert.Equal(1, report.Mesh[ServiceCounter.CircuitOpened]);
        Assert.Equal([0L, 0, 1, 0, 0, 0], report.Timeline.Select(s => s.CircuitOpened ?? -1));
        Assert.All(report.Timeline, s => Assert.Equal(0, s.CircuitClosed));
        // No retry before the fault; the retries of the failures before the breaker opened are in second 2.
        Assert.Equal([0L, 0], report.Timeline.Take(2).Select(s => s.Retries ?? -1));
        Assert.True(report.Timeline[2].Retries > 0);
        // Nothing failed during the warm-up: every retry of the run is in the window.
        Assert.Equal(report.Mesh[ServiceCounter.Retries], report.Timeline.Sum(s => s.Retries ?? 0));
    }
}

/// <summary>The timeline as CSV: the JSON's rows, one a second, whatever the culture.</summary>
public class TimelineCsvTests
{
    [Fact]
    public void The_csv_has_a_header_and_one_row_per_second_in_the_invariant_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        // A culture that writes 1,5 (the machine runs in invariant-globalization mode: no named cultures).
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        CultureInfo.CurrentCulture = comma;
        try
        {
            var csv = TimelineCsv.Write([
                new TimelineSecond(0, 10, 9, 1, 0, 0, 0, 0, 1.5, 12.25, 2, 0, 0),
                new TimelineSecond(1, 10, 0, 10, 0, 0, 0, 0, null, null, null, null, null),
            ]);

            Assert.Equal(
                "second,sent,ok,failed,timedOut,rejected,inFlight,degraded,p50Ms,p99Ms,retries,circuitOpened,circuitClosed\n" +
                "0,10,9,1,0,0,0,0,1.5,12.25,2,0,0\n" +
                "1,10,0,10,0,0,0,0,,,,,\n", csv);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
