using System.Net.Sockets;
using Akka.Event;

namespace ActorMesh.Clustering;

/// <summary>
/// The pending batch of one node pair: every actor of this node that sends a mesh message to an actor on
/// that other node encodes it here itself, under a lock, straight into the open batch's buffer (no object
/// per message, no hop through another mailbox). The batch goes to the other node as one <see cref="CrossNodeBatch"/>
/// (written to the pair's direct link, <see cref="DirectLink"/>, straight from the buffer; until that link connects,
/// or once it broke, told to the other node's <see cref="CrossNodeInbound"/> through Akka.Remote) when it holds
/// <see cref="CrossNodeBatchingOptions.MaxMessages"/>, when its link's <see cref="CrossNodeBatcher"/>
/// (told once per batch, when it opens) gets to run (<see cref="CrossNodeBatchingOptions.FlushWhenIdle"/>, the
/// default), or else at the latest <see cref="CrossNodeBatchingOptions.FlushInterval"/> after it opened, on the mesh clock.
/// </summary>
/// <remarks>
/// The batch is sent under the same lock it is written under, so batches leave in the order they were
/// filled and every sender's messages keep their order. An actor is named by a small id after its first
/// crossing; ids are kept per actor reference (the same <see cref="IActorRef"/> object: an endpoint's, a
/// sender's), not by path, so a look-up costs no path hashing. A reference seen again as another object
/// simply takes another id; the table starts again (a new epoch) at <see cref="CrossNodeBatchingOptions.MaxActorIds"/>.
/// </remarks>
internal sealed class CrossNodeOutbox
{
    private readonly Lock _lock = new();
    private readonly IActorRef _inbound;
    private readonly Address _localAddress;
    private readonly MeshClock _clock;
    private readonly CrossNodeBatchingOptions _options;
    private readonly ByteWriter _batch = new(4096, []);
    private readonly Dictionary<IActorRef, int> _ids = new(ReferenceEqualityComparer.Instance);
    private IActorRef _batcher = ActorRefs.Nobody;
    private Socket? _link;
    private Doorbell? _bell;
    private long _written;
    private ILoggingAdapter? _log;
    private string _name = "";
    private int _count, _epoch;
    private bool _timerPending, _closed;

    /// <summary>An outbox to <paramref name="inbound"/> (the other node's <see cref="CrossNodeInbound"/>).</summary>
    public CrossNodeOutbox(IActorRef inbound, Address localAddress, MeshClock clock, CrossNodeBatchingOptions options)
    {
        _inbound = inbound;
        _localAddress = localAddress;
        _clock = clock;
        _options = options.Validate();
    }

    /// <summary>The other node's <see cref="CrossNodeInbound"/>.</summary>
    public IActorRef Inbound => _inbound;

    /// <summary>Whether the batches go on a direct link now (else through Akka.Remote).</summary>
    public bool Direct
    {
        get
        {
            lock (_lock) return _link is not null;
        }
    }

    /// <summary>The file of the link's doorbell while it has one (gone once the other node opened it).</summary>
    internal string? DoorbellPath
    {
        get
        {
            lock (_lock) return _bell?.Path;
        }
    }

    /// <summary>Mesh messages of batches a broken direct link did not take (their callers time out, as on a reset connection).</summary>
    public long Lost { get; private set; }

    /// <summary>
    /// The link's actor: told to flush when a batch opens, and when its time is up; the envelope's sender
    /// (the receiving node keeps its id tables while it lives). Set once, before the first send.
    /// </summary>
    public IActorRef Batcher
    {
        get => _batcher;
        set
        {
            _batcher = value;
            _name = value.Path.ToSerializationFormatWithAddress(_localAddress);
        }
    }

    /// <summary>
    /// Adds <paramref name="message"/> for <paramref name="target"/> (on the other node) to the open batch.
    /// A message the batch format does not carry is told on its own at once.
    /// </summary>
    public void Send(IActorRef target, object message, IActorRef sender)
    {
        var kind = DataPlaneCodec.KindOf(message);
        if (kind == DataPlaneCodec.None)
        {
            target.Tell(message, sender);
            return;
        }
        bool opened;
        lock (_lock)
        {
            if (_closed)
            {
                target.Tell(message, sender); // the link has stopped (end of run): Akka.Remote carries it alone
                return;
            }
            opened = _count == 0;
            if (opened) Open();
            Name(target);
            Name(sender);
            _batch.Byte(kind);
            DataPlaneCodec.Write(_batch, message);
            if (++_count >= _options.MaxMessages)
            {
                Flush();
                return;
            }
            if (opened && !_timerPending && !_options.FlushWhenIdle)
            {
                // One timer in flight per link: a tick meant for an earlier batch may flush a later one early, never late.
                // Flushing when idle, no timer: the batcher's tick is in its mailbox before any timer's could be.
                _timerPending = true;
                _clock.Schedule(_options.FlushInterval.Ticks, _batcher, CrossNodeBatcher.FlushTimer.Instance, _batcher);
            }
        }
        // Queued behind what already waits for the dispatcher: under load the batch fills meanwhile.
        if (opened && _options.FlushWhenIdle) _batcher.Tell(CrossNodeBatcher.FlushTick.Instance, _batcher);
    }

    /// <summary>Sends the open batch, if any (the batcher ran, or is stopping).</summary>
    public void FlushNow()
    {
        lock (_lock)
        {
            if (_count > 0) Flush();
        }
    }

    /// <summary>The flush timer went off: sends the open batch, if any, and lets the next batch start a timer.</summary>
    public void TimerFired()
    {
        lock (_lock)
        {
            _timerPending = false;
            if (_count > 0) Flush();
        }
    }

    /// <summary>
    /// From now on sends the batches on <paramref name="link"/>, a connection to the other node's
    /// <see cref="CrossNodeListener"/> (what is open goes through Akka.Remote first). The tables start again:
    /// the link's reader keeps its own. Closes the link instead when the outbox is closed already.
    /// </summary>
    public void Attach(Socket link, ILoggingAdapter log, Doorbell? bell = null, long written = 0)
    {
        lock (_lock)
        {
            if (_closed)
            {
                link.Dispose();
                bell?.Dispose();
                return;
            }
            if (_count > 0) Flush();
            Detach();
            _link = link;
            _bell = bell;
            _written = written;
            _log = log;
            NewEpoch();
        }
    }

    private void Detach()
    {
        _link?.Dispose();
        _link = null;
        _bell?.Dispose();
        _bell = null;
    }

    /// <summary>Sends what is open and takes no more batches (messages sent after this cross one by one); closes the direct link.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_count > 0) Flush();
            _closed = true;
            Detach(); // the reader sees the end of its stream and drops the link's tables
        }
    }

    private void Open()
    {
        if (_ids.Count + _batch.Names!.Count >= _options.MaxActorIds) NewEpoch();
        _batch.Int(0); // the envelope's length, known at the flush
        _batch.Int(0); // its messages, likewise
        _batch.Int(_epoch);
        _batch.Path(_link is null ? _name : ""); // the receiver finds this outbox's tables by it; a direct link is its own origin
    }

    private void NewEpoch()
    {
        _ids.Clear();
        _batch.ForgetNames();
        _epoch++;
    }

    private void Name(IActorRef? actor)
    {
        if (actor is null || actor.IsNobody())
        {
            _batch.Int(CrossNodeBatch.NoSender);
            return;
        }
        if (_ids.TryGetValue(actor, out var id))
        {
            _batch.Int(id);
            return;
        }
        id = _ids.Count;
        _ids.Add(actor, id);
        _batch.Int(CrossNodeBatch.NewId(id));
        _batch.Path(actor.Path.ToSerializationFormatWithAddress(_localAddress));
    }

    private void Flush()
    {
        _batch.IntAt(0, _batch.Length);
        _batch.IntAt(4, _count);
        if (_link is { } link) Write(link);
        else _inbound.Tell(new CrossNodeBatch(_batch.ToArray()), _batcher);
        _batch.Reset();
        _count = 0;
    }

    // One blocking send from the buffer itself (no copy, no hand-off): the socket's buffer takes it at once unless
    // the reader has fallen behind by megabytes, and then the senders wait for it, which is TCP's backpressure.
    private void Write(Socket link)
    {
        try
        {
            var bytes = _batch.Written;
            while (!bytes.IsEmpty) bytes = bytes[link.Send(bytes)..];
            _written += _batch.Length;
            if (_bell is { } bell) bell.Value = _written; // the other node's poller reads the socket only when this moves
            CrossNodeTraffic.CountBatch(_count, _batch.Length, direct: true);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The other node is gone or reset the link: this batch is lost as on any reset connection; the next go through Akka.Remote.
            Detach();
            Lost += _count;
            CrossNodeTraffic.CountLost(_count);
            NewEpoch();
            _log?.Warning("The direct link to {0} broke ({1}): {2} mesh message(s) lost; the next cross through Akka.Remote", _inbound.Path.Address, e.Message, _count);
        }
    }
}
