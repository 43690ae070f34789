using ActorMesh.Time;

namespace ActorMesh.Tests.Time;

public class ClockTimersTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly VirtualClock _clock = new();

    /// <summary>What the owner receives next, through its timers: the message when current, null when stale.</summary>
    private object? Receive(ClockTimers timers, Akka.TestKit.TestProbe owner)
    {
        var message = owner.ReceiveOne(TimeSpan.FromSeconds(1));
        Assert.True(timers.TryTake(message, out var due), "a timer fired");
        return due;
    }

    [Fact]
    public void A_timer_delivers_its_message_after_its_delay_once()
    {
        var owner = CreateTestProbe();
        var timers = new ClockTimers(_clock, owner);

        timers.StartSingleTimer("tick", "tick!", TimeSpan.FromMilliseconds(100));
        _clock.Advance(TimeSpan.FromMilliseconds(99));
        owner.ExpectNoMsg(TimeSpan.Zero);
        Assert.True(timers.IsTimerActive("tick"));
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("tick!", Receive(timers, owner));
        Assert.False(timers.IsTimerActive("tick"));
    }

    [Fact]
    public void Starting_a_timer_under_a_running_key_replaces_it()
    {
        var owner = CreateTestProbe();
        var timers = new ClockTimers(_clock, owner);

        timers.StartSingleTimer("tick", "first", TimeSpan.FromMilliseconds(10));
        timers.StartSingleTimer("tick", "second", TimeSpan.FromMilliseconds(20));
        _clock.Advance(TimeSpan.FromMilliseconds(20));

        Assert.Null(Receive(timers, owner));
        Assert.Equal("second", Receive(timers, owner));
    }

    [Fact]
    public void A_cancelled_timer_never_delivers()
    {
        var owner = CreateTestProbe();
        var timers = new ClockTimers(_clock, owner);

        timers.StartSingleTimer("tick", "tick!", TimeSpan.FromMilliseconds(10));
        timers.Cancel("tick");
        _clock.Advance(TimeSpan.FromMilliseconds(10));

        Assert.False(timers.IsTimerActive("tick"));
        Assert.Null(Receive(timers, owner));
    }

    [Fact]
    public void A_restarted_owner_ignores_its_predecessors_timers_and_other_messages_pass()
    {
        var owner = CreateTestProbe();
        var before = new ClockTimers(_clock, owner);
        var after = new ClockTimers(_clock, owner);

        before.StartSingleTimer("tick", "old", TimeSpan.FromMilliseconds(10));
        after.StartSingleTimer("tick", "new", TimeSpan.FromMilliseconds(10));
        _clock.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Null(Receive(after, owner));
        Assert.Equal("new", Receive(after, owner));
        Assert.False(after.TryTake("not a timer", out _));
    }
}
