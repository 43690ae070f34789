using Akka.Actor;
using ActorMesh.Time;
using Akka.Configuration;

namespace ActorMesh.Tests.Time;

/// <summary>
/// The virtual-time dispatcher's message count (the report's <c>emulator.meshMessages</c>): exactly the
/// messages sent to the actors that run on it, none of Akka's own, none of another system's.
/// </summary>
public sealed class VirtualTimeDispatcherTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("counting", ConfigurationFactory.ParseString("akka.loglevel = OFF\nakka.stdout-loglevel = OFF")
        .WithFallback(VirtualTimeDispatcher.Config));

    private VirtualTimeDispatcher Dispatcher => VirtualTimeDispatcher.Of(_system);

    public void Dispose() => Stop(_system);

    /// <summary>Terminates <paramref name="system"/>, running its actors as they stop.</summary>
    private static void Stop(ActorSystem system) => new VirtualTimeDriver(new VirtualClock(VirtualTimeDispatcher.Of(system))).Shutdown(system.Terminate());

    /// <summary>Answers each number n above 0 with n - 1, to whoever sent it; 0 completes <paramref name="zero"/>.</summary>
    private sealed class Countdown(TaskCompletionSource? zero = null) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is not int n) return;
            if (n > 0) Sender.Tell(n - 1);
            else zero?.TrySetResult();
        }
    }

    /// <summary>Runs <paramref name="system"/>'s actors until <paramref name="task"/> completes and they are idle again.</summary>
    private static void RunUntil(ActorSystem system, Task task)
    {
        var dispatcher = VirtualTimeDispatcher.Of(system);
        new VirtualTimeDriver(new VirtualClock(dispatcher)).Await(task);
        dispatcher.RunUntilIdle();
    }

    [Fact]
    public void Akka_own_actors_starting_the_system_are_not_counted()
    {
        // The event stream's unsubscriber registers its subscribers from Akka's threads while the system starts.
        Dispatcher.RunUntilIdle();
        Assert.Equal(0, Dispatcher.Messages);
    }

    [Fact]
    public async Task The_count_is_exactly_the_messages_sent_to_the_actors_on_the_dispatcher()
    {
        var first = new TaskCompletionSource();
        var second = new TaskCompletionSource();
        var a = _system.ActorOf(Props.Create(() => new Countdown(first)), "a");
        var b = _system.ActorOf(Props.Create(() => new Countdown(null)), "b");

        // 10 to a, 9 back to b, 8 to a ... 0 to a: 11 messages in all.
        a.Tell(10, b);
        RunUntil(_system, first.Task);
        Assert.Equal(11, Dispatcher.Messages);
        // And one more, sent from another thread.
        var c = _system.ActorOf(Props.Create(() => new Countdown(second)), "c");
        await Task.Run(() => c.Tell(0, ActorRefs.NoSender));
        RunUntil(_system, second.Task);
        Assert.Equal(12, Dispatcher.Messages);
    }

    [Fact]
    public void Another_systems_messages_are_not_counted()
    {
        var other = ActorSystem.Create("other", ConfigurationFactory.ParseString("akka.loglevel = OFF").WithFallback(VirtualTimeDispatcher.Config));
        try
        {
            var thereDone = new TaskCompletionSource();
            var hereDone = new TaskCompletionSource();
            var there = other.ActorOf(Props.Create(() => new Countdown(thereDone)));
            var here = _system.ActorOf(Props.Create(() => new Countdown(hereDone)));

            // 101 messages there (100 down to 0, to itself), 1 here.
            there.Tell(100, there);
            here.Tell(0, ActorRefs.NoSender);
            RunUntil(other, thereDone.Task);
            RunUntil(_system, hereDone.Task);

            Assert.Equal(101, VirtualTimeDispatcher.Of(other).Messages);
            Assert.Equal(1, Dispatcher.Messages);
        }
        finally
        {
            Stop(other);
        }
    }
}
