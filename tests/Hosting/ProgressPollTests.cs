using ActorMesh.Load;
using Akka.Actor;

namespace ActorMesh.Tests.Hosting;

/// <summary>
/// Live progress is a view: a generator that answers its live stats late (a mailbox deep in a million
/// users' requests) skips that progress tick; it never fails, stalls or ends the run.
/// </summary>
public class ProgressPollTests : Akka.TestKit.Xunit2.TestKit
{
    private static LiveStats Stats(long sent) => new(1, "measure", sent, 0, 0, 100, 0, sent, 0);

    [Fact]
    public async Task A_live_stats_answer_that_comes_late_skips_its_tick_and_the_next_timely_one_is_shown()
    {
        var generator = CreateTestProbe();
        var load = new TaskCompletionSource();
        var shown = new List<long>();
        var poll = ProgressPoll.PollAsync(patience => generator.Ref.Ask<LiveStats>(GetLiveStats.Instance, patience),
            s => { lock (shown) shown.Add(s.Sent); }, TimeSpan.FromSeconds(1), load.Task);

        await generator.ExpectMsgAsync<GetLiveStats>();
        var late = generator.LastSender;
        // The next ask comes only once the first has been given up; it waits an interval (1 s) for its answer.
        await generator.ExpectMsgAsync<GetLiveStats>(TimeSpan.FromSeconds(10));
        late.Tell(Stats(1));
        generator.Reply(Stats(2));
        await AwaitConditionAsync(() => { lock (shown) return Task.FromResult(shown.Contains(2)); }, TimeSpan.FromSeconds(10));

        load.SetResult();
        await poll.WaitAsync(TimeSpan.FromSeconds(10));
        lock (shown) Assert.DoesNotContain(1, shown);
    }

    [Fact]
    public async Task A_generator_that_never_answers_does_not_hold_up_the_end_of_the_load()
    {
        var generator = CreateTestProbe();
        var load = new TaskCompletionSource();
        var shown = 0;
        var poll = ProgressPoll.PollAsync(patience => generator.Ref.Ask<LiveStats>(GetLiveStats.Instance, patience),
            _ => Interlocked.Increment(ref shown), TimeSpan.FromMilliseconds(100), load.Task);
        await generator.ExpectMsgAsync<GetLiveStats>();
        await generator.ExpectMsgAsync<GetLiveStats>(TimeSpan.FromSeconds(10));

        load.SetResult();

        await poll.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, shown);
    }
}
