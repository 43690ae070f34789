using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Akka.Event;

namespace ActorMesh.Clustering;

/// <summary>
/// The receiving end of a node's direct links: one TCP listener per ActorSystem, on the host remoting is
/// bound to (loopback unless told otherwise), with a Unix domain socket beside it for nodes on the same
/// machine, and one thread per connected outbox. The link's envelopes (<see cref="CrossNodeBatch"/>, framed by
/// their length) are read in the order they were sent, by that thread (<see cref="LinkReading.Wait"/>) or under
/// load by the node's poller on the thread pool (<see cref="LinkReading.Poll"/>), and each message goes straight
/// to its target (<see cref="CrossNodeDelivery"/>), with the link's own actor and string tables, dropped when the
/// link closes. Mesh messages between nodes thus cost one send
/// and one read per envelope, where Akka.Remote hands each envelope through its endpoint actors,
/// protobuf and DotNetty's event loops; cluster membership and control traffic stay on Akka.Remote.
/// </summary>
/// <remarks>
/// Like Akka.Remote's own port, the listener trusts its peers: a frame it cannot read (a length out of
/// range, a damaged message) closes that connection and counts its messages as undeliverable.
/// </remarks>
internal sealed class CrossNodeListener : IDisposable
{
    /// <summary>The smallest envelope: length, count, epoch and an empty origin name.</summary>
    public const int MinFrame = 16;

    /// <summary>Passes of the poller in a row that find nothing on any link before it hands the links back to their threads.</summary>
    public const int QuietPasses = 64;

    /// <summary>
    /// The same when every link has a doorbell (<see cref="Doorbell"/>): a pass then costs a look at shared memory rather
    /// than a system call per link, ~0.2 µs, so the poller keeps the links through the gaps between envelopes under load.
    /// </summary>
    public const int QuietBellPasses = 1024;

    /// <summary>
    /// Empty passes in a row that find nothing else queued on the thread pool before the poller hands the links back
    /// anyway: the actors are idle, and a poller spinning through the gaps of a moderate load would take the cores from
    /// the mesh clock's thread (its timers would fire late: lag).
    /// </summary>
    public const int IdlePasses = 16;

    // How long a link's thread sleeps in poll(2) before it looks whether its link closed.
    private const int WatchMicros = 1_000_000;

    private readonly Socket _listener;
    private readonly Socket? _unix;
    private readonly CrossNodeDelivery _delivery;
    private readonly ILoggingAdapter _log;
    private readonly int _maxFrame;
    private readonly Lock _lock = new();
    private readonly HashSet<Link> _connections = [];
    private readonly Poller _poller;
    private volatile Link[] _links = [];
    private bool _disposed;
    private int _linkNames;
    private readonly LinkReading _reading;
    private int _polling; // 1 while the poller reads the links (their threads wait)
    private int _quiet, _idle;

    /// <summary>
    /// Listens on <paramref name="address"/>:<paramref name="port"/> (0: a free port), and with <paramref name="unix"/> on a
    /// Unix domain socket in the temporary folder too; delivers through <paramref name="delivery"/>.
    /// </summary>
    public CrossNodeListener(IPAddress address, int port, CrossNodeDelivery delivery, ILoggingAdapter log, int maxFrame = 16 << 20, bool unix = false, LinkReading reading = LinkReading.Wait)
    {
        _reading = reading;
        _delivery = delivery;
        _log = log;
        _maxFrame = maxFrame;
        _poller = new Poller(this);
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(address, port));
            _listener.Listen(64);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        if (unix && Socket.OSSupportsUnixDomainSockets) _unix = ListenUnix(Path.Combine(Path.GetTempPath(), $"actormesh-{Environment.ProcessId}-{Port}.sock"));
        UnixPath = _unix is null ? null : ((UnixDomainSocketEndPoint)_unix.LocalEndPoint!).ToString();
        new Thread(() => Accept(_listener)) { IsBackground = true, Name = "actormesh-cross-node-accept" }.Start();
        if (_unix is { } u) new Thread(() => Accept(u)) { IsBackground = true, Name = "actormesh-cross-node-accept-unix" }.Start();
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The path of its Unix domain socket; null without one.</summary>
    public string? UnixPath { get; }

    /// <summary>Links connected now.</summary>
    public int Links
    {
        get
        {
            lock (_lock) return _connections.Count;
        }
    }

    /// <summary>Whether the poller reads the links now (else their threads wait on them).</summary>
    internal bool Polling => Volatile.Read(ref _polling) == 1;

    /// <summary>Links with a doorbell now.</summary>
    internal int Doorbells
    {
        get
        {
            lock (_lock) return _connections.Count(link => link.Bell is not null);
        }
    }

    // A Unix domain socket costs a fraction of loopback TCP per send (no TCP/IP stack, no soft interrupt on the
    // receiving side); only a peer on this machine can reach it, as only such a peer can reach a loopback port.
    private static Socket? ListenUnix(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            File.Delete(path); // left by a process that was killed: its pid and port are ours now
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(64);
            return socket;
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            socket.Dispose();
            return null; // TCP serves
        }
    }

    private void Accept(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // disposed: the node is shutting down
            }
            if (socket.ProtocolType == ProtocolType.Tcp)
            {
                socket.NoDelay = true;
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true); // a peer whose machine vanished ends its reader, in time
            }
            var polled = _reading == LinkReading.Poll;
            socket.Blocking = !polled; // the poller's reads return at once when nothing has arrived; a waiting reader's block
            var link = new Link(socket) { Polled = polled };
            lock (_lock)
            {
                if (_disposed)
                {
                    socket.Dispose();
                    return;
                }
                _connections.Add(link);
                if (polled) _links = [.. _links, link];
            }
            var name = $"actormesh-cross-node-in-{Interlocked.Increment(ref _linkNames)}";
            new Thread(polled ? () => Watch(link) : () => Read(link)) { IsBackground = true, Name = name }.Start();
        }
    }

    // A link at rest has a thread asleep in poll(2) on its socket. Its first envelope wakes that thread, which hands
    // the node's links to the poller and waits: from then on the poller reads them, without blocking, on the thread pool.
    private void Watch(Link link)
    {
        try
        {
            while (!link.Closed)
            {
                if (!link.Socket.Poll(WatchMicros, SelectMode.SelectRead)) continue; // quiet: look again (and whether the link closed)
                link.Armed.Reset();
                link.Ready = true; // read it at the next pass whatever its doorbell says: the end of the stream, or a reset, rings none
                if (Interlocked.Exchange(ref _polling, 1) == 0)
                {
                    _quiet = _idle = 0;
                    ThreadPool.UnsafeQueueUserWorkItem(_poller, preferLocal: false);
                }
                link.Armed.Wait(); // until the poller has found every link quiet for a while
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // closed here (this node is shutting down): the link is gone
        }
    }

    // A link read by its own thread (LinkReading.Wait): it sleeps in the kernel until something arrives, and delivers it.
    private void Read(Link link)
    {
        while (!link.Closed) Drain(link);
    }

    // One pass of the poller: reads each link once and delivers what came; queues itself again behind the mailboxes
    // already waiting, or hands the links back to their threads when they have been quiet for long enough.
    private void PollOnce()
    {
        bool found = false, bells = true;
        foreach (var link in _links)
        {
            if (MayHaveData(link)) found |= Drain(link);
            bells &= link.Bell is not null;
        }
        if (found) _quiet = _idle = 0;
        else if (++_quiet >= (bells ? QuietBellPasses : QuietPasses) || (ThreadPool.PendingWorkItemCount == 0 ? ++_idle : _idle = 0) >= IdlePasses)
        {
            // A link that got an envelope meanwhile wakes its thread at once (poll is level-triggered).
            Volatile.Write(ref _polling, 0);
            foreach (var link in _links) link.Armed.Set();
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(_poller, preferLocal: false);
    }

    // One read of what the socket holds (at most the buffer's free space, so that one busy link cannot hold the
    // thread): delivers every whole envelope in order; a partial envelope waits at the start of the buffer for its rest.
    // False when nothing had arrived.
    private bool Drain(Link link)
    {
        if (link.Closed) return false;
        int n;
        SocketError error;
        try
        {
            n = link.Socket.Receive(link.Buffer.AsSpan(link.Filled), SocketFlags.None, out error);
        }
        catch (ObjectDisposedException)
        {
            return false; // closed by Dispose meanwhile
        }
        if (error == SocketError.WouldBlock) return false;
        if (error != SocketError.Success || n == 0)
        {
            Close(link); // the sending outbox closed its link (0 bytes: the end of the stream), or its node died (a reset)
            return false;
        }
        link.Filled += n;
        link.Received += n;
        var buffer = link.Buffer;
        var filled = link.Filled;
        var at = 0;
        while (filled - at >= 4)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at));
            if (length < MinFrame || length > _maxFrame)
            {
                _log.Warning("Closing a direct link from {0}: an envelope of {1} bytes (expected {2}..{3})", link.Peer, length, MinFrame, _maxFrame);
                Close(link);
                return true;
            }
            if (filled - at < length)
            {
                if (length > buffer.Length) Array.Resize(ref link.Buffer, Math.Max(length, buffer.Length * 2));
                break;
            }
            if (BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at + 4)) == DirectLink.HelloCount)
            {
                Hello(buffer.AsSpan(at, length), link);
                at += length;
                continue;
            }
            if (!TryDeliver(buffer.AsSpan(at, length), link))
            {
                Close(link);
                return true;
            }
            at += length;
        }
        if (at > 0)
        {
            link.Buffer.AsSpan(at, filled - at).CopyTo(link.Buffer);
            filled -= at;
        }
        link.Filled = filled;
        if (filled == link.Buffer.Length) Array.Resize(ref link.Buffer, link.Buffer.Length * 2);
        return true;
    }

    // The link's first frame from an outbox on this machine: where its doorbell is.
    private static void Hello(ReadOnlySpan<byte> frame, Link link)
    {
        if (link.Bell is null && DirectLink.HelloPath(frame) is { } path) link.Bell = Doorbell.Open(path);
    }

    // Whether the link may hold something unread: always, without a doorbell.
    private static bool MayHaveData(Link link)
    {
        if (link.Bell is not { } bell) return true;
        if (link.Ready)
        {
            link.Ready = false;
            return true;
        }
        try
        {
            return bell.Value != link.Received;
        }
        catch (ObjectDisposedException)
        {
            return false; // closed meanwhile
        }
    }

    private void Close(Link link)
    {
        lock (_lock)
        {
            if (link.Closed) return;
            link.Closed = true;
            _connections.Remove(link);
            if (link.Polled) _links = [.. _connections.Where(other => other.Polled)];
        }
        link.Socket.Dispose();
        link.Bell?.Dispose();
        link.Armed.Set(); // its thread ends
    }

    private bool TryDeliver(ReadOnlySpan<byte> frame, Link link)
    {
        try
        {
            _delivery.Deliver(frame, link.Origin);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or System.Text.DecoderFallbackException)
        {
            _delivery.CountUndeliverable(BinaryPrimitives.ReadInt32LittleEndian(frame[4..]));
            _log.Warning("Closing a direct link from {0}: an envelope it sent cannot be read ({1})", link.Peer, e.Message);
            return false;
        }
    }

    /// <summary>Stops listening and closes every link (the node is shutting down).</summary>
    public void Dispose()
    {
        Link[] open;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            open = [.. _connections];
        }
        _listener.Dispose();
        if (_unix is { } unix)
        {
            unix.Dispose();
            try
            {
                File.Delete(UnixPath!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the temporary folder's cleaner will
            }
        }
        foreach (var link in open) Close(link);
    }

    /// <summary>One accepted connection: its socket, the actor and string tables of what it sent, and its unread bytes.</summary>
    private sealed class Link(Socket socket)
    {
        public readonly Socket Socket = socket;
        public readonly EndPoint? Peer = socket.RemoteEndPoint;
        public readonly CrossNodeDelivery.Origin Origin = new();
        public readonly ManualResetEventSlim Armed = new(false, spinCount: 0); // its thread sleeps at once: the poller keeps the core
        public byte[] Buffer = new byte[64 * 1024];
        public int Filled;
        public long Received; // bytes read: the doorbell, when there is one, says whether more have been written
        public Doorbell? Bell;
        public volatile bool Ready; // its thread saw it readable
        public bool Polled; // read by the poller (else by its own thread)
        public volatile bool Closed;
    }

    /// <summary>
    /// Reads the node's links while envelopes keep arriving: a work item on the .NET thread pool (where the actors'
    /// mailboxes run) that reads each link once without blocking, delivers what came, and queues itself again behind
    /// the mailboxes already waiting. While traffic flows no thread sleeps on a link's socket, so a send wakes no one:
    /// on this project's 2-core VM a reader's wake-up per envelope, and the sender losing its core to it, cost more than
    /// the reads that find nothing.
    /// </summary>
    private sealed class Poller(CrossNodeListener listener) : IThreadPoolWorkItem
    {
        public void Execute() => listener.PollOnce();
    }
}

/// <summary>
/// How a node reads its direct links (<c>actormesh.cross-node.reader</c>). <see cref="Wait"/>, the default: a thread per link
/// asleep in the kernel until an envelope arrives, which delivers it at once. <see cref="Poll"/>: that thread only while
/// the link is quiet; under load the node's poller on the thread pool, so a send wakes no one. Polling buys throughput
/// at saturation (the bench's closed loop: <c>crossNodeRps</c> ~120k → 159k–195k) and costs latency below it: a read waits
/// for the poller's turn on the pool (an open loop of 20,000 req/s over 3 in-process nodes: p50 0.21 → 0.83 ms, p99
/// 3.3 → 9.1 ms), and node processes sharing cores take them from one another.
/// </summary>
internal enum LinkReading
{
    Wait,
    Poll,
}
