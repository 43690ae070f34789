namespace ActorMesh.Tests.Hosting;

/// <summary>
/// Flags and files agree: a timeline event that falls after a load shortened by <c>--duration</c> or
/// <c>--warmup</c> is skipped and listed as skipped, not refused; one after the file's own load is
/// still a problem of the file.
/// </summary>
public class SkippedEventsTests
{
    private static MeshTopology WithTimeline(TimeSpan duration, params TimeSpan[] at)
    {
        var builder = MeshTopology.Create("timed")
            .Gateway("edge", g => g.Route("/", "api"))
            .Service("api", s => s.Replicas(2))
            .Load(l => l with { Rps = 50, Warmup = TimeSpan.FromSeconds(1), Duration = duration });
        foreach (var t in at) builder.At(t, new SetErrorsEvent("api", new ErrorInjection(0.5, 503)));
        return builder.Build();
    }

    [Fact]
    public void A_shorter_duration_skips_the_events_after_the_new_end_and_keeps_the_rest()
    {
        var file = WithTimeline(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(8));
        var options = new RunOptions { Duration = TimeSpan.FromSeconds(2) };

        var skipped = options.SkippedEvents(file);
        var effective = options.Apply(file);

        Assert.Equal([TimeSpan.FromSeconds(8)], skipped.Select(e => e.At));
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], effective.Timeline.Select(e => e.At));
        Assert.Empty(TopologyValidator.Validate(effective));
    }

    [Fact]
    public void An_event_after_the_files_own_load_is_still_a_problem_of_the_file()
    {
        var valid = WithTimeline(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));
        var file = valid with { Load = valid.Load with { Duration = TimeSpan.FromSeconds(2) } };
        var options = new RunOptions { Duration = TimeSpan.FromSeconds(1) };

        Assert.Empty(options.SkippedEvents(file));
        Assert.Contains(TopologyValidator.Validate(options.Apply(file)), p => p.Path == "timeline[0].at");
    }

    [Fact]
    public async Task The_report_lists_a_skipped_event_with_its_outcome()
    {
        var file = WithTimeline(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6));

        var report = await MeshRunner.RunAsync(file, new RunOptions { Duration = TimeSpan.FromSeconds(1), Clock = ClockMode.Virtual });

        Assert.Equal(2, report.Events.Count);
        Assert.Equal("applied", report.Events[0].Outcome);
        Assert.Equal(6, report.Events[1].AtSeconds);
        Assert.Equal(MeshRunner.SkippedOutcome, report.Events[1].Outcome);
        Assert.Equal("skipped: after the load ended", report.Events[1].Outcome);
        Assert.True(report.Outcomes.AddsUp);
    }
}
