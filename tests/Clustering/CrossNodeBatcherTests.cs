using ActorMesh.Clustering;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Network;
using ActorMesh.Time;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;

namespace ActorMesh.Tests.Clustering;

/// <summary>
/// The batches between nodes: a batcher flushes by count and by time (on the mesh clock, here virtual),
/// keeps each sender's order, loses nothing when it stops, and its envelope survives the serializer.
/// The batcher and the inbound are test actor refs (on the calling thread), so each step is done when Tell returns.
/// </summary>
public class CrossNodeBatcherTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly VirtualClock _clock = new();

    public CrossNodeBatcherTests() : base(MeshClusterConfig.Serialization.WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING"))) { }

    private Address Local => ((ExtendedActorSystem)Sys).Provider.DefaultAddress;

    // Test actor refs: started before ActorOf returns, so the first message is handled at the clock's current time.
    private IActorRef Batcher(IActorRef inbound, int maxMessages = 100, double flushMs = 1, int maxActorIds = 1000, bool whenIdle = false) =>
        ActorOfAsTestActorRef<CrossNodeBatcher>(CrossNodeBatcher.Props(inbound, Local, _clock, new CrossNodeBatchingOptions
        {
            MaxMessages = maxMessages, FlushInterval = TimeSpan.FromMilliseconds(flushMs), MaxActorIds = maxActorIds, FlushWhenIdle = whenIdle,
        }));

    private IActorRef Inbound() => ActorOfAsTestActorRef<CrossNodeInbound>(CrossNodeInbound.Props());

    private static MeshRequest Request(long id) =>
        new(id, "payments", "/checkout", "orders", 1, 256, new TraceContext(id, 1, false), "spiffe://cluster.local/ns/default/sa/orders", id * 10);

    private static CrossNodeSend Send(IActorRef target, object message, IActorRef sender) => new(target, message, sender);

    [Fact]
    public void A_batch_is_flushed_as_soon_as_it_holds_max_messages()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var batcher = Batcher(wire, maxMessages: 3, flushMs: 1000);

        for (var i = 1; i <= 7; i++) batcher.Tell(Send(target, Request(i), TestActor));

        Assert.Equal(3, wire.ExpectMsg<CrossNodeBatch>().Count);
        Assert.Equal(3, wire.ExpectMsg<CrossNodeBatch>().Count);
        Assert.False(wire.HasMessages); // the 7th waits for its batch to fill or its time to be up
    }

    [Fact]
    public void A_batch_that_does_not_fill_is_flushed_when_its_time_is_up_on_the_mesh_clock()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var batcher = Batcher(wire, maxMessages: 100, flushMs: 1);

        batcher.Tell(Send(target, Request(1), TestActor));
        _clock.Advance(TimeSpan.FromMilliseconds(0.5));
        batcher.Tell(Send(target, Request(2), TestActor));
        _clock.Advance(TimeSpan.FromMilliseconds(0.4));
        Assert.False(wire.HasMessages);

        _clock.Advance(TimeSpan.FromMilliseconds(0.1)); // 1 ms after the batch's first message

        Assert.Equal(2, wire.ExpectMsg<CrossNodeBatch>().Count);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.False(wire.HasMessages); // nothing open, nothing sent
    }

    [Fact]
    public void With_flush_when_idle_a_batch_goes_once_the_waiting_messages_are_in_it_without_waiting_for_the_timer()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        // A batcher on the default dispatcher: five messages wait in its mailbox before it runs.
        var batcher = Sys.ActorOf(CrossNodeBatcher.Props(wire, Local, _clock, new CrossNodeBatchingOptions { FlushInterval = TimeSpan.FromSeconds(10) }));

        for (var i = 1; i <= 5; i++) batcher.Tell(Send(target, Request(i), TestActor));

        var sent = 0;
        while (sent < 5) sent += wire.ExpectMsg<CrossNodeBatch>().Count; // no virtual time passes
        Assert.Equal(5, sent);
    }

    [Fact]
    public void Every_message_arrives_once_in_order_per_sender_and_receiver_with_its_sender()
    {
        var inbound = Inbound();
        var batcher = Batcher(inbound, maxMessages: 4, flushMs: 1);
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        var (x, y) = (CreateTestProbe(), CreateTestProbe());

        for (var i = 1; i <= 10; i++)
        {
            batcher.Tell(Send(x, Request(i), a));
            batcher.Tell(Send(y, new MeshResponse(i, 200, ResponseFlags.None, 64, 3, i), b));
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
    public void A_batcher_that_stops_flushes_what_it_holds()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var batcher = Batcher(wire, maxMessages: 100, flushMs: 1000);
        batcher.Tell(Send(target, Request(1), TestActor));
        batcher.Tell(Send(target, Request(2), TestActor));
        Watch(batcher);

        Sys.Stop(batcher);

        ExpectTerminated(batcher);
        Assert.Equal(2, wire.ExpectMsg<CrossNodeBatch>().Count);
    }

    [Fact]
    public void The_actor_table_starts_again_in_a_new_epoch_when_full_and_delivery_still_finds_every_actor()
    {
        var inbound = Inbound();
        var batcher = Batcher(inbound, maxMessages: 2, flushMs: 1, maxActorIds: 2);
        var targets = Enumerable.Range(0, 5).Select(_ => CreateTestProbe()).ToArray();

        for (var round = 0; round < 2; round++)
            for (var i = 0; i < targets.Length; i++) batcher.Tell(Send(targets[i], Request(round * 10 + i), TestActor));
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        for (var round = 0; round < 2; round++)
            for (var i = 0; i < targets.Length; i++) Assert.Equal(round * 10 + i, targets[i].ExpectMsg<MeshRequest>().CorrelationId);
    }

    [Fact]
    public void Actor_paths_and_strings_cross_once_per_link_then_as_ids()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var batcher = Batcher(wire, maxMessages: 1);

        batcher.Tell(Send(target, Request(1), TestActor));
        batcher.Tell(Send(target, Request(2), TestActor));

        var first = wire.ExpectMsg<CrossNodeBatch>().Payload.Length;
        var second = wire.ExpectMsg<CrossNodeBatch>().Payload.Length;
        Assert.True(second < 100 && first > 2 * second, $"first {first} bytes, then {second}");
    }

    [Fact]
    public void A_message_the_batch_format_does_not_carry_goes_alone_at_once()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var batcher = Batcher(wire);

        batcher.Tell(Send(target, "not a mesh message", TestActor));

        Assert.Equal("not a mesh message", target.ExpectMsg<string>());
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.False(wire.HasMessages);
    }

    [Fact]
    public void The_batch_envelope_crosses_the_compact_serializer_byte_for_byte_and_is_counted()
    {
        var wire = CreateTestProbe();
        var target = CreateTestProbe();
        var batcher = Batcher(wire, maxMessages: 4);
        var client = new ClientRequest(5, "/dashboard", 1024, new TraceContext(1, 2, false), "POST", new BearerToken("client-3", "iss", "aud", 10_000, false));
        var messages = new object[] { Request(1), new MeshResponse(1, 503, ResponseFlags.Overloaded, 7, 1, 2), client, new ClientResponse(5, 200, ResponseFlags.CacheHit, 2048, 3) };
        foreach (var m in messages) batcher.Tell(Send(target, m, TestActor));
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
        Inbound().Tell(back, batcher);
        foreach (var m in messages) Assert.Equal(m, target.ExpectMsg<object>());
    }
}
