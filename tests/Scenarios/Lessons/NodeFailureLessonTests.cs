using ActorMesh.Scenarios.Lessons;

namespace ActorMesh.Tests.Scenarios.Lessons;

/// <summary>The node-failure lesson's recovery figures, from per-second timelines (the crash itself is covered by the cluster specs).</summary>
public class NodeFailureLessonTests
{
    private static TimelineSecond Second(int at, long sent, long ok) => new(at, sent, ok, 0, sent - ok, 0, 0);

    [Fact]
    public void Recovery_is_the_time_from_the_crash_to_the_first_second_from_which_every_second_is_back_at_its_level()
    {
        // All ok before the crash at 3.5 s; seconds 3 and 4 lose requests, 5 is back, 6 dips again, 7 on are back.
        TimelineSecond[] timeline = [Second(0, 100, 100), Second(1, 100, 100), Second(2, 100, 100), Second(3, 100, 80),
            Second(4, 100, 90), Second(5, 100, 100), Second(6, 100, 98), Second(7, 100, 100), Second(8, 100, 100)];

        var (before, after, recovery) = NodeFailureLesson.Recovery(timeline, crashAt: 3.5);

        Assert.Equal(1.0, before);
        Assert.Equal(1.0, after);
        Assert.Equal(3.5, recovery); // second 7 starts 3.5 s after the crash
    }

    [Fact]
    public void A_crash_nobody_noticed_recovers_at_once_and_one_never_recovered_from_has_no_recovery()
    {
        TimelineSecond[] unnoticed = [Second(0, 50, 50), Second(1, 50, 50), Second(2, 50, 50), Second(3, 50, 50)];
        Assert.Equal((1.0, 1.0, 0.0), NodeFailureLesson.Recovery(unnoticed, crashAt: 2));

        TimelineSecond[] lasting = [Second(0, 50, 50), Second(1, 50, 50), Second(2, 50, 30), Second(3, 50, 30)];
        var (before, after, recovery) = NodeFailureLesson.Recovery(lasting, crashAt: 2);
        Assert.Equal(1.0, before);
        Assert.Null(after);
        Assert.Null(recovery);
    }
}
