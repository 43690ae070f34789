using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ActorMesh.Clustering;
using ActorMesh.DataPlane;
using ActorMesh.Time;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorMesh.Tests.Clustering;

/// <summary>
/// The node pairs' direct links: an outbox attached to a connection to a <see cref="CrossNodeListener"/> sends its
/// batches there as length-framed envelopes, which the link's reader delivers in order with their senders and
/// the link's own tables; a broken link sends the next batches through Akka.Remote (here the probe standing for
/// the other node's inbound) and counts what it lost; a frame the reader cannot read closes the link. Loopback
/// sockets of this process, in real time: the tests assert what arrives, never how fast.
/// </summary>
public sealed class DirectLinkTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly VirtualClock _clock = new();
    private readonly CrossNodeListener _listener;

    public DirectLinkTests() : base(MeshClusterConfig.Serialization.WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")))
    {
        _listener = new CrossNodeListener(IPAddress.Loopback, 0, CrossNodeInboundExtension.Get(Sys).Delivery, Sys.Log, maxFrame: 1 << 20);
    }

    protected override void AfterAll()
    {
        _listener.Dispose();
        base.AfterAll();
    }

    private Address Local => ((ExtendedActorSystem)Sys).Provider.DefaultAddress;

    private CrossNodeOutbox Outbox(IActorRef inbound, int maxMessages)
    {
        var outbox = new CrossNodeOutbox(inbound, Local, _clock, new CrossNodeBatchingOptions { MaxMessages = maxMessages, FlushInterval = TimeSpan.FromSeconds(10), FlushWhenIdle = false });
        outbox.Batcher = ActorOfAsTestActorRef<CrossNodeBatcher>(CrossNodeBatcher.Props(outbox));
        return outbox;
    }

    private Socket Connect()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(IPAddress.Loopback, _listener.Port);
        return socket;
    }

    private CrossNodeOutbox Attached(IActorRef inbound, int maxMessages)
    {
        var outbox = Outbox(inbound, maxMessages);
        outbox.Attach(Connect(), Sys.Log);
        Assert.True(outbox.Direct);
        return outbox;
    }

    private CrossNodeListener Listener(bool unix, LinkReading reading) =>
        new(IPAddress.Loopback, 0, CrossNodeInboundExtension.Get(Sys).Delivery, Sys.Log, unix: unix, reading: reading);

    // An outbox connected as a batcher connects it: over the Unix socket (with a doorbell) when the listener has one.
    private async Task<CrossNodeOutbox> ConnectedTo(CrossNodeListener listener, int maxMessages)
    {
        var outbox = Outbox(CreateTestProbe(), maxMessages);
        await DirectLink.ConnectAsync(outbox, new DirectLink.Offer("127.0.0.1", listener.Port, listener.UnixPath), TimeSpan.FromSeconds(5), Sys.Log);
        return outbox;
    }

    private static MeshRequest Request(long id) =>
        new(id, "payments", "/checkout", "orders", 1, 256, new TraceContext(id, 1, false), "spiffe://cluster.local/ns/default/sa/orders", id * 10);

    [Fact]
    public void Batches_on_a_direct_link_arrive_once_in_order_with_their_senders_and_nothing_goes_through_remoting()
    {
        var remoting = CreateTestProbe();
        var (x, y) = (CreateTestProbe(), CreateTestProbe());
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        var outbox = Attached(remoting, maxMessages: 3);
        var before = CrossNodeTraffic.Total();

        for (var i = 1; i <= 30; i++)
        {
            outbox.Send(x, Request(i), a);
            outbox.Send(y, new MeshResponse(i, 200, ResponseFlags.None, 64, 3, i), b);
        }

        for (var i = 1; i <= 30; i++)
        {
            Assert.Equal(Request(i), x.ExpectMsg<MeshRequest>());
            Assert.Equal(a.Ref, x.LastSender);
            Assert.Equal(new MeshResponse(i, 200, ResponseFlags.None, 64, 3, i), y.ExpectMsg<MeshResponse>());
            Assert.Equal(b.Ref, y.LastSender);
        }
        Assert.False(remoting.HasMessages);
        var sent = CrossNodeTraffic.Total().Since(before);
        Assert.True(sent.Batches >= 20 && sent.BatchedMessages >= 60, $"counted {sent}"); // other tests may count meanwhile
    }

    [Fact]
    public void An_open_batch_goes_through_remoting_before_the_link_attaches_and_the_link_starts_its_tables_afresh()
    {
        var remoting = CreateTestProbe();
        var target = CreateTestProbe();
        var outbox = Outbox(remoting, maxMessages: 2);
        outbox.Send(target, Request(1), TestActor); // opens a batch addressed to remoting, naming the outbox

        outbox.Attach(Connect(), Sys.Log);
        outbox.Send(target, Request(2), TestActor); // ids start again: the link's reader has never seen the target
        outbox.Send(target, Request(3), TestActor);

        var first = remoting.ExpectMsg<CrossNodeBatch>();
        Assert.Equal(1, first.Count);
        Assert.Equal(2, target.ExpectMsg<MeshRequest>().CorrelationId);
        Assert.Equal(3, target.ExpectMsg<MeshRequest>().CorrelationId);
    }

    [Fact]
    public void A_closed_outbox_closes_its_link_and_the_reader_drops_it()
    {
        var target = CreateTestProbe();
        var outbox = Attached(CreateTestProbe(), maxMessages: 100);
        AwaitAssert(() => Assert.Equal(1, _listener.Links));
        outbox.Send(target, Request(1), TestActor);

        outbox.Close(); // flushes the open batch first

        Assert.Equal(1, target.ExpectMsg<MeshRequest>().CorrelationId);
        Assert.False(outbox.Direct);
        AwaitAssert(() => Assert.Equal(0, _listener.Links));
    }

    [Fact]
    public void When_the_link_breaks_the_batch_it_did_not_take_is_counted_lost_and_the_next_go_through_remoting()
    {
        var remoting = CreateTestProbe();
        var target = CreateTestProbe();
        var outbox = Attached(remoting, maxMessages: 1);
        outbox.Send(target, Request(1), TestActor);
        target.ExpectMsg<MeshRequest>();
        AwaitAssert(() => Assert.Equal(1, _listener.Links));

        _listener.Dispose(); // the other node goes away: its end of the link closes

        AwaitAssert(() =>
        {
            outbox.Send(target, Request(2), TestActor); // a write to a closed peer fails (at the latest the second one)
            Assert.False(outbox.Direct);
        }, TimeSpan.FromSeconds(10));
        Assert.Equal(1, outbox.Lost); // the batch whose write failed (one message; what the kernel took before the reset is TCP's to lose)
        Assert.False(remoting.HasMessages);

        outbox.Send(target, Request(99), TestActor);

        var after = remoting.ExpectMsg<CrossNodeBatch>();
        Assert.Equal(1, after.Count);
        Assert.Equal(2, after.Epoch); // new tables (attached: 1, broken: 2): nothing refers to ids only the link's reader knew
    }

    [Fact]
    public void A_frame_with_a_length_out_of_range_closes_the_link()
    {
        using var socket = Connect();
        AwaitAssert(() => Assert.Equal(1, _listener.Links));
        var frame = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 2 << 20); // over this listener's 1 MiB
        socket.Send(frame);

        AwaitAssert(() => Assert.Equal(0, _listener.Links));
        Assert.Equal(0, socket.Receive(new byte[1])); // the listener closed its end
    }

    [Fact]
    public void A_frame_that_cannot_be_read_closes_the_link_and_counts_its_messages_undeliverable()
    {
        var delivery = CrossNodeInboundExtension.Get(Sys).Delivery;
        var before = delivery.Undeliverable;
        using var socket = Connect();
        var frame = new byte[64];
        BinaryPrimitives.WriteInt32LittleEndian(frame, frame.Length);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), 5); // five messages
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(8), 1);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(16), -2); // a new actor id whose path runs past the frame's end
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(20), 10_000);
        socket.Send(frame);

        AwaitAssert(() => Assert.Equal(before + 5, delivery.Undeliverable));
        AwaitAssert(() => Assert.Equal(0, _listener.Links));
    }

    [Fact]
    public async Task A_node_on_loopback_also_listens_on_a_unix_socket_which_a_peer_on_this_machine_connects_to_and_which_goes_when_it_stops()
    {
        var target = CreateTestProbe();
        using var listener = new CrossNodeListener(IPAddress.Loopback, 0, CrossNodeInboundExtension.Get(Sys).Delivery, Sys.Log, unix: true);
        Assert.NotNull(listener.UnixPath);
        Assert.True(File.Exists(listener.UnixPath));
        var outbox = Outbox(CreateTestProbe(), maxMessages: 1);

        await DirectLink.ConnectAsync(outbox, new DirectLink.Offer("127.0.0.1", listener.Port, listener.UnixPath), TimeSpan.FromSeconds(5), Sys.Log);
        outbox.Send(target, Request(7), TestActor);

        Assert.True(outbox.Direct);
        Assert.Equal(7, target.ExpectMsg<MeshRequest>().CorrelationId);
        Assert.Equal(1, listener.Links);
        listener.Dispose();
        Assert.False(File.Exists(listener.UnixPath));
    }

    [Fact]
    public async Task An_outbox_whose_link_cannot_connect_stays_on_remoting()
    {
        var remoting = CreateTestProbe();
        var outbox = Outbox(remoting, maxMessages: 1);
        var free = new CrossNodeListener(IPAddress.Loopback, 0, CrossNodeInboundExtension.Get(Sys).Delivery, Sys.Log);
        var port = free.Port;
        free.Dispose(); // nothing listens there any more

        await DirectLink.ConnectAsync(outbox, new DirectLink.Offer("127.0.0.1", port), TimeSpan.FromSeconds(5), Sys.Log);
        outbox.Send(CreateTestProbe(), Request(1), TestActor);

        Assert.False(outbox.Direct);
        Assert.Equal(1, remoting.ExpectMsg<CrossNodeBatch>().Count);
    }

    [Fact]
    public void A_node_tells_where_its_direct_links_connect_and_with_none_says_port_zero()
    {
        var delivery = CrossNodeInboundExtension.Get(Sys).Delivery;
        var withLink = Sys.ActorOf(CrossNodeInbound.Props(delivery, new DirectLink.Offer("127.0.0.1", _listener.Port)));
        var without = Sys.ActorOf(CrossNodeInbound.Props(delivery));

        withLink.Tell(DirectLink.Query.Instance);
        Assert.Equal(new DirectLink.Offer("127.0.0.1", _listener.Port), ExpectMsg<DirectLink.Offer>());
        without.Tell(DirectLink.Query.Instance);
        Assert.Equal(0, ExpectMsg<DirectLink.Offer>().Port);
        Assert.Null(CrossNodeInboundExtension.Get(Sys).Listener); // no remoting in this system: nothing listens
    }

    [Fact]
    public void A_string_crosses_once_per_table_whether_it_comes_again_as_the_same_object_or_as_equal_text()
    {
        var w = new ByteWriter(64, []);
        var service = "payments";

        w.Text(service);
        var first = w.Length;
        w.Text(service);                             // the same object: its id
        w.Text(new string(service.AsSpan()));        // equal text, another object: the same id
        w.Text(new string(service.AsSpan()));        // and again, now found by reference too
        var ids = w.Length - first;
        w.ForgetNames();
        w.Text(service);                             // a new epoch: in full again

        Assert.Equal(4 + 4 + service.Length, first); // the new-id code, the length, the UTF-8
        Assert.Equal(3 * 4, ids);
        Assert.Equal(2 * first + ids, w.Length);
        Assert.Single(w.Names!);
        var names = new List<string>();
        var r = new ByteReader(w.Written, names);
        Assert.Equal(new[] { service, service, service, service }, new[] { r.Text(), r.Text(), r.Text(), r.Text() });
    }

    [Fact]
    public void The_transport_setting_is_direct_by_default_remoting_on_request_and_anything_else_is_refused()
    {
        Assert.True(DirectLink.Enabled(MeshClusterConfig.Serialization));
        Assert.True(DirectLink.Enabled(ConfigurationFactory.Empty));
        Assert.False(DirectLink.Enabled(ConfigurationFactory.ParseString("actormesh.cross-node.transport = remoting")));
        var error = Assert.Throws<ConfigurationException>(() => DirectLink.Enabled(ConfigurationFactory.ParseString("actormesh.cross-node.transport = carrier-pigeon")));
        Assert.Contains("actormesh.cross-node.transport", error.Message);
        Assert.Contains("carrier-pigeon", error.Message);
    }

    [Fact]
    public async Task A_peer_on_this_machine_rings_a_doorbell_in_shared_memory_whose_file_goes_once_the_receiver_has_opened_it()
    {
        var target = CreateTestProbe();
        using var listener = Listener(unix: true, LinkReading.Poll);
        var outbox = await ConnectedTo(listener, maxMessages: 1);
        var bell = outbox.DoorbellPath;
        Assert.NotNull(bell);

        for (var i = 1; i <= 500; i++) outbox.Send(target, Request(i), TestActor); // 500 envelopes of one message

        for (var i = 1; i <= 500; i++) Assert.Equal(i, target.ExpectMsg<MeshRequest>().CorrelationId);
        Assert.Equal(1, listener.Doorbells);
        Assert.False(File.Exists(bell)); // mapped by both ends, named nowhere
        outbox.Close();
        AwaitAssert(() => Assert.Equal(0, listener.Links));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task After_a_burst_the_poller_hands_the_links_back_to_their_threads_and_what_comes_later_still_arrives(bool unix)
    {
        var target = CreateTestProbe();
        using var listener = Listener(unix: unix, LinkReading.Poll);
        var outbox = await ConnectedTo(listener, maxMessages: 2);
        Assert.Equal(unix, outbox.DoorbellPath is not null);

        for (var round = 0; round < 3; round++)
        {
            for (var i = 1; i <= 200; i++) outbox.Send(target, Request(round * 1000 + i), TestActor);
            for (var i = 1; i <= 200; i++) Assert.Equal(round * 1000 + i, target.ExpectMsg<MeshRequest>().CorrelationId);
            AwaitAssert(() => Assert.False(listener.Polling), TimeSpan.FromSeconds(5)); // quiet: back to the links' threads
        }
        target.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Links_read_by_their_own_threads_deliver_in_order_and_never_poll(bool unix)
    {
        var target = CreateTestProbe();
        using var listener = Listener(unix: unix, LinkReading.Wait);
        var outbox = await ConnectedTo(listener, maxMessages: 3);

        for (var i = 1; i <= 300; i++) outbox.Send(target, Request(i), TestActor);

        for (var i = 1; i <= 300; i++) Assert.Equal(i, target.ExpectMsg<MeshRequest>().CorrelationId);
        Assert.False(listener.Polling);
        outbox.Close();
        AwaitAssert(() => Assert.Equal(0, listener.Links));
    }

    [Fact]
    public void The_reader_setting_is_wait_by_default_and_anything_but_wait_or_poll_is_refused()
    {
        Assert.Equal(LinkReading.Wait, DirectLink.Reading(MeshClusterConfig.Serialization));
        Assert.Equal(LinkReading.Wait, DirectLink.Reading(ConfigurationFactory.Empty));
        Assert.Equal(LinkReading.Wait, DirectLink.Reading(ConfigurationFactory.ParseString("actormesh.cross-node.reader = wait")));
        Assert.Equal(LinkReading.Poll, DirectLink.Reading(ConfigurationFactory.ParseString("actormesh.cross-node.reader = poll")));
        var error = Assert.Throws<ConfigurationException>(() => DirectLink.Reading(ConfigurationFactory.ParseString("actormesh.cross-node.reader = psychic")));
        Assert.Contains("actormesh.cross-node.reader", error.Message);
    }

    [Fact]
    public void A_first_frame_naming_a_file_that_is_no_doorbell_is_ignored_and_the_file_is_left_alone()
    {
        var decoy = Path.Combine(Path.GetTempPath(), $"actormesh-decoy-{Environment.ProcessId}.txt");
        File.WriteAllText(decoy, "not a doorbell");
        try
        {
            using var socket = Connect();
            socket.Send(DirectLink.HelloFrame(decoy));
            AwaitAssert(() => Assert.Equal(1, _listener.Links));
            Assert.Equal(0, _listener.Doorbells);
            var end = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(end, 4); // a length below the least envelope: the reader closes the link, after the first frame
            socket.Send(end);

            AwaitAssert(() => Assert.Equal(0, _listener.Links));
            Assert.Equal("not a doorbell", File.ReadAllText(decoy));
        }
        finally
        {
            File.Delete(decoy);
        }
    }
}
