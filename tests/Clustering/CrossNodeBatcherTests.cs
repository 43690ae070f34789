using ActorMesh.Clustering;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Network;
using ActorMesh.Time;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;

namespace ActorMesh.Tests.Clustering;

/// <summary>
/// The batches between nodes: senders write into their node pair's outbox, which flushes by count, when its
/// batcher runs, and by time (on the mesh clock, here virtual), keeps each sender's order, loses nothing when
/// its batcher stops, and whose envelope survives the serializer. The batcher and the inbound are test actor
/// refs (on the calling thread), so each step is done when the call returns.
/// </summary>
public class CrossNodeBatcherTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly VirtualClock _clock = new();

    public CrossNodeBatcherTests() : base(MeshClusterConfig.Serialization.WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING"))) { }

    private Address Local => ((ExtendedActorSystem)Sys).Provider.DefaultAddress;

    // The batcher is a test actor ref: started before ActorOf returns, and each tick is handled on the calling thread.
    private CrossNodeOutbox Outbox(IActorRef inbound, int maxMessages = 100, double flushMs = 1, int maxActorIds = 1000, bool whenIdle = false, bool onDispatcher = false)
    {
        var outbox = new CrossNodeOutbox(inbound, Local, _clock, new CrossNodeBatchingOptions
        {
            MaxMessages = maxMessages, FlushInterval = TimeSpan.FromMilliseconds(flushMs), MaxActorIds = maxActorIds, FlushWhenIdle = whenIdle,
        });
        outbox.Batcher = onDispatcher ? Sys.ActorOf(CrossNodeBatcher.Props(outbox)) : ActorOfAsTestActorRef<CrossNodeBatcher>(CrossNodeBatcher.Props(outbox));
        return outbox;
    }

    private IActorRef Inbound() => ActorOfAsTestActorRef<CrossNodeInbound>(CrossNodeInbound.Props(CrossNodeInboundExtension.Get(Sys).Delivery));

    private static MeshRequest Request(long id) =>
        new(id, "payments", "/checkout", "orders", 1, 256, new TraceContext(id, 1, false), "spiffe://cluster.local/ns/default/sa/orders", id * 10);

    [Fact]
    public void A_batch_is_flushed_as_soon_as_it_holds_max_messages()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var outbox = Outbox(wire, maxMessages: 3, flushMs: 1000);

        for (var i = 1; i <= 7; i++) outbox.Send(target, Request(i), TestActor);

        Assert.Equal(3, wire.ExpectMsg<CrossNodeBatch>().Count);
        Assert.Equal(3, wire.ExpectMsg<CrossNodeBatch>().Count);
        Assert.False(wire.HasMessages); // the 7th waits for its batch to fill or its time to be up
    }

    [Fact]
    public void A_batch_that_does_not_fill_is_flushed_when_its_time_is_up_on_the_mesh_clock()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var outbox = Outbox(wire, maxMessages: 100, flushMs: 1);

        outbox.Send(target, Request(1), TestActor);
        _clock.Advance(TimeSpan.FromMilliseconds(0.5));
        outbox.Send(target, Request(2), TestActor);
        _clock.Advance(TimeSpan.FromMilliseconds(0.4));
        Assert.False(wire.HasMessages);

        _clock.Advance(TimeSpan.FromMilliseconds(0.1)); // 1 ms after the batch's first message

        Assert.Equal(2, wire.ExpectMsg<CrossNodeBatch>().Count);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.False(wire.HasMessages); // nothing open, nothing sent
    }

    [Fact]
    public void With_flush_when_idle_a_batch_goes_once_the_batcher_runs_without_waiting_for_the_timer()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        // A batcher on the default dispatcher: the messages sent before it runs go in the batch it was told of.
        var outbox = Outbox(wire, flushMs: 10_000, whenIdle: true, onDispatcher: true);

        for (var i = 1; i <= 5; i++) outbox.Send(target, Request(i), TestActor);

        var sent = 0;
        while (sent < 5) sent += wire.ExpectMsg<CrossNodeBatch>().Count; // no virtual time passes
        Assert.Equal(5, sent);
        Assert.Equal(0, _clock.Pending); // and no timer was set: the tick always runs first
    }

    [Fact]
    public void Every_message_arrives_once_in_order_per_sender_and_receiver_with_its_sender()
    {
        var inbound = Inbound();
        var outbox = Outbox(inbound, maxMessages: 4, flushMs: 1);
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        var (x, y) = (CreateTestProbe(), CreateTestProbe());

        for (var i = 1; i <= 10; i++)
        {
            outbox.Send(x, Request(i), a);
            outbox.Send(y, new MeshResponse(i, 200, ResponseFlags.None, 64, 3, i), b);
        }
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(Request(i), x.ExpectMsg<MeshRequest>());
            Assert.Equal(a.Ref, x.LastSender);
            Assert.Equal(new MeshResponse(i, 200, ResponseFlags.None, 64, 3, i), y.ExpectMsg<MeshResponse>());
            Assert.Equal(b.Ref, y.LastSender);
        }
        Assert.False(x.HasMessages || y.HasMessages);
    }

    [Fact]
    public void A_batcher_that_stops_flushes_what_its_outbox_holds_and_later_messages_cross_alone()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var outbox = Outbox(wire, maxMessages: 100, flushMs: 1000);
        outbox.Send(target, Request(1), TestActor);
        outbox.Send(target, Request(2), TestActor);
        Watch(outbox.Batcher);

        Sys.Stop(outbox.Batcher);

        ExpectTerminated(outbox.Batcher);
        Assert.Equal(2, wire.ExpectMsg<CrossNodeBatch>().Count);
        outbox.Send(target, Request(3), TestActor); // the link is closed: the message crosses alone, at once
        Assert.Equal(Request(3), target.ExpectMsg<MeshRequest>());
        Assert.False(wire.HasMessages);
    }

    [Fact]
    public void A_flush_timer_in_flight_serves_the_next_batch_too_so_no_batch_waits_longer_than_the_interval()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var outbox = Outbox(wire, maxMessages: 2, flushMs: 1);
        outbox.Send(target, Request(1), TestActor);
        outbox.Send(target, Request(2), TestActor); // full: flushed by count, its timer still in flight
        Assert.Equal(2, wire.ExpectMsg<CrossNodeBatch>().Count);
        _clock.Advance(TimeSpan.FromMilliseconds(0.5));
        outbox.Send(target, Request(3), TestActor); // opens a batch; the earlier timer is the one that fires

        _clock.Advance(TimeSpan.FromMilliseconds(0.5));

        Assert.Equal(1, wire.ExpectMsg<CrossNodeBatch>().Count); // early, never late
        outbox.Send(target, Request(4), TestActor); // a new timer for the next batch
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, wire.ExpectMsg<CrossNodeBatch>().Count);
    }

    [Fact]
    public void Senders_on_many_threads_share_one_outbox_and_every_message_arrives_once_in_each_senders_order()
    {
        const int threads = 4, perThread = 500;
        var inbound = Sys.ActorOf(CrossNodeInbound.Props(CrossNodeInboundExtension.Get(Sys).Delivery));
        var outbox = Outbox(inbound, maxMessages: 7, flushMs: 1, whenIdle: true, onDispatcher: true);
        var targets = Enumerable.Range(0, threads).Select(_ => CreateTestProbe()).ToArray();
        var senders = Enumerable.Range(0, threads).Select(_ => CreateTestProbe()).ToArray();

        Parallel.For(0, threads, t =>
        {
            for (var i = 0; i < perThread; i++) outbox.Send(targets[t], Request(t * 100_000 + i), senders[t]);
        });
        _clock.Advance(TimeSpan.FromMilliseconds(1)); // the last batch, if no batcher run took it yet

        for (var t = 0; t < threads; t++)
            for (var i = 0; i < perThread; i++)
            {
                Assert.Equal(t * 100_000 + i, targets[t].ExpectMsg<MeshRequest>().CorrelationId);
                Assert.Equal(senders[t].Ref, targets[t].LastSender);
            }
        Assert.All(targets, p => Assert.False(p.HasMessages));
    }

    [Fact]
    public void The_actor_table_starts_again_in_a_new_epoch_when_full_and_delivery_still_finds_every_actor()
    {
        var inbound = Inbound();
        var outbox = Outbox(inbound, maxMessages: 2, flushMs: 1, maxActorIds: 2);
        var targets = Enumerable.Range(0, 5).Select(_ => CreateTestProbe()).ToArray();

        for (var round = 0; round < 2; round++)
            for (var i = 0; i < targets.Length; i++) outbox.Send(targets[i], Request(round * 10 + i), TestActor);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        for (var round = 0; round < 2; round++)
            for (var i = 0; i < targets.Length; i++) Assert.Equal(round * 10 + i, targets[i].ExpectMsg<MeshRequest>().CorrelationId);
    }

    [Fact]
    public void Actor_paths_and_strings_cross_once_per_link_then_as_ids()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var outbox = Outbox(wire, maxMessages: 1);

        outbox.Send(target, Request(1), TestActor);
        outbox.Send(target, Request(2), TestActor);

        // Each envelope starts with its count, epoch and the sending outbox's name; the rest is the message.
        var header = 12 + System.Text.Encoding.UTF8.GetByteCount(outbox.Batcher.Path.ToSerializationFormatWithAddress(Local));
        var first = wire.ExpectMsg<CrossNodeBatch>().Payload.Length - header;
        var second = wire.ExpectMsg<CrossNodeBatch>().Payload.Length - header;
        Assert.True(second < 100 && first > 2 * second, $"first {first} bytes, then {second}");
    }

    [Fact]
    public void A_message_the_batch_format_does_not_carry_goes_alone_at_once()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var outbox = Outbox(wire);

        outbox.Send(target, "not a mesh message", TestActor);

        Assert.Equal("not a mesh message", target.ExpectMsg<string>());
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.False(wire.HasMessages);
    }

    [Fact]
    public void The_batch_envelope_crosses_the_compact_serializer_byte_for_byte_is_counted_and_reading_it_delivers_each_message_once()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var outbox = Outbox(wire, maxMessages: 4);
        var client = new ClientRequest(5, "/dashboard", 1024, new TraceContext(1, 2, false), "POST", new BearerToken("client-3", "iss", "aud", 10_000, false));
        var messages = new object[] { Request(1), new MeshResponse(1, 503, ResponseFlags.Overloaded, 7, 1, 2), client, new ClientResponse(5, 200, ResponseFlags.CacheHit, 2048, 3) };
        foreach (var m in messages) outbox.Send(target, m, TestActor);
        var batch = wire.ExpectMsg<CrossNodeBatch>();
        var before = CrossNodeTraffic.Total();

        var serializer = Sys.Serialization.FindSerializerFor(batch);
        var bytes = serializer.ToBinary(batch);
        var back = (CrossNodeBatch)Sys.Serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, batch));

        Assert.IsType<DataPlaneSerializer>(serializer);
        Assert.Equal(batch.Payload, back.Payload);
        Assert.Equal(4, back.Count);
        var counted = CrossNodeTraffic.Total().Since(before);
        Assert.True(counted.Batches >= 1 && counted.BatchedMessages >= 4, $"counted {counted}");
        foreach (var m in messages) Assert.Equal(m, target.ExpectMsg<object>()); // delivered as it was read, with no actor in between
        Assert.Equal(outbox.Batcher.Path.ToSerializationFormatWithAddress(Local), back.Origin);
        Inbound().Tell(back, outbox.Batcher); // the inbound only learns who sent it: nothing is delivered twice
        Assert.False(target.HasMessages);
    }

    [Fact]
    public void When_a_links_batcher_stops_the_receiving_node_drops_that_outboxs_tables()
    {
        var delivery = CrossNodeInboundExtension.Get(Sys).Delivery;
        var inbound = Inbound();
        var target = CreateTestProbe();
        var outbox = Outbox(inbound, maxMessages: 1);
        var before = delivery.Origins;
        outbox.Send(target, Request(1), TestActor);
        target.ExpectMsg<MeshRequest>();
        Assert.Equal(before + 1, delivery.Origins);

        Sys.Stop(outbox.Batcher);

        AwaitAssert(() => Assert.Equal(before, delivery.Origins));
    }

    [Fact]
    public void Batches_from_two_outboxes_keep_their_own_tables_on_the_receiving_node()
    {
        var inbound = Inbound();
        var (x, y) = (CreateTestProbe(), CreateTestProbe());
        var first = Outbox(inbound, maxMessages: 1);
        var second = Outbox(inbound, maxMessages: 1);

        first.Send(x, Request(1), TestActor);  // id 0 in the first outbox's table is x
        second.Send(y, Request(2), TestActor); // id 0 in the second's is y
        first.Send(x, Request(3), TestActor);
        second.Send(y, Request(4), TestActor);

        Assert.Equal([1L, 3L], [x.ExpectMsg<MeshRequest>().CorrelationId, x.ExpectMsg<MeshRequest>().CorrelationId]);
        Assert.Equal([2L, 4L], [y.ExpectMsg<MeshRequest>().CorrelationId, y.ExpectMsg<MeshRequest>().CorrelationId]);
    }
}
