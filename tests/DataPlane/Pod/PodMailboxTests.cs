using ActorMesh.DataPlane.Pod;
using Akka.Actor;
using Akka.Dispatch.MessageQueues;

namespace ActorMesh.Tests.DataPlane.Pod;

/// <summary>The compact mailbox of a large mesh's pods: a FIFO that grows from 4 slots and loses nothing.</summary>
public class PodMailboxTests : Akka.TestKit.Xunit2.TestKit
{
    private static Envelope Numbered(int i) => new(i, ActorRefs.NoSender);

    [Fact]
    public void The_ring_keeps_the_order_of_messages_while_it_grows_and_wraps()
    {
        var queue = new RingMessageQueue();
        var next = 0;
        // Interleave: the head moves before the ring grows, so growth copies a wrapped ring.
        for (var i = 0; i < 3; i++) queue.Enqueue(ActorRefs.Nobody, Numbered(i));
        Assert.True(queue.TryDequeue(out var first));
        Assert.Equal(next++, first.Message);
        for (var i = 3; i < 100; i++) queue.Enqueue(ActorRefs.Nobody, Numbered(i));

        Assert.Equal(99, queue.Count);
        while (queue.TryDequeue(out var e)) Assert.Equal(next++, e.Message);
        Assert.Equal(100, next);
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void Messages_left_in_a_ring_go_to_dead_letters_on_clean_up()
    {
        var queue = new RingMessageQueue();
        var dead = new RingMessageQueue();
        for (var i = 0; i < 6; i++) queue.Enqueue(ActorRefs.Nobody, Numbered(i));

        queue.CleanUp(ActorRefs.Nobody, dead);

        Assert.Equal(0, queue.Count);
        Assert.Equal(6, dead.Count);
    }

    [Fact]
    public void An_actor_with_the_pod_mailbox_gets_every_message_in_order()
    {
        PodMailbox.Declare(Sys);
        PodMailbox.Declare(Sys); // declaring twice changes nothing
        var echo = Sys.ActorOf(Props.Create(() => new Echo(TestActor)).WithMailbox(PodMailbox.Path));

        for (var i = 0; i < 50; i++) echo.Tell(i);

        for (var i = 0; i < 50; i++) ExpectMsg(i);
    }

    private sealed class Echo(IActorRef to) : UntypedActor
    {
        protected override void OnReceive(object message) => to.Tell(message);
    }
}
