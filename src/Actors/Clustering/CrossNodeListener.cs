using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Akka.Event;

namespace ActorMesh.Clustering;

/// <summary>
/// The receiving end of a node's direct links: one TCP listener per ActorSystem, on the host remoting is
/// bound to (loopback unless told otherwise), with a Unix domain socket beside it for nodes on the same
/// machine, and one reader thread per connected outbox. A reader reads
/// the envelopes (<see cref="CrossNodeBatch"/>, framed by their length) in the order they were sent and
/// delivers each message straight to its target (<see cref="CrossNodeDelivery"/>), with the link's own
/// actor and string tables, dropped when the link closes. Mesh messages between nodes thus cost one send
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

    private readonly Socket _listener;
    private readonly Socket? _unix;
    private readonly CrossNodeDelivery _delivery;
    private readonly ILoggingAdapter _log;
    private readonly int _maxFrame;
    private readonly Lock _lock = new();
    private readonly HashSet<Socket> _connections = [];
    private bool _disposed;
    private int _links;

    /// <summary>
    /// Listens on <paramref name="address"/>:<paramref name="port"/> (0: a free port), and with <paramref name="unix"/> on a
    /// Unix domain socket in the temporary folder too; delivers through <paramref name="delivery"/>.
    /// </summary>
    public CrossNodeListener(IPAddress address, int port, CrossNodeDelivery delivery, ILoggingAdapter log, int maxFrame = 16 << 20, bool unix = false)
    {
        _delivery = delivery;
        _log = log;
        _maxFrame = maxFrame;
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
            lock (_lock)
            {
                if (_disposed)
                {
                    socket.Dispose();
                    return;
                }
                _connections.Add(socket);
            }
            new Thread(() => Read(socket)) { IsBackground = true, Name = $"actormesh-cross-node-in-{Interlocked.Increment(ref _links)}" }.Start();
        }
    }

    // One thread per link, blocked in the kernel while nothing arrives: each read takes every whole envelope the
    // socket holds and delivers them in order; a partial envelope waits at the start of the buffer for its rest.
    private void Read(Socket socket)
    {
        var origin = new CrossNodeDelivery.Origin();
        var buffer = new byte[64 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                var n = socket.Receive(buffer.AsSpan(filled));
                if (n == 0) return; // the sending outbox closed its link
                filled += n;
                var at = 0;
                while (filled - at >= 4)
                {
                    var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at));
                    if (length < MinFrame || length > _maxFrame)
                    {
                        _log.Warning("Closing a direct link from {0}: an envelope of {1} bytes (expected {2}..{3})", socket.RemoteEndPoint, length, MinFrame, _maxFrame);
                        return;
                    }
                    if (filled - at < length)
                    {
                        if (length > buffer.Length) Array.Resize(ref buffer, Math.Max(length, buffer.Length * 2));
                        break;
                    }
                    if (!TryDeliver(buffer.AsSpan(at, length), origin, socket)) return;
                    at += length;
                }
                if (at > 0)
                {
                    buffer.AsSpan(at, filled - at).CopyTo(buffer);
                    filled -= at;
                }
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // reset by the peer (its node died) or closed here (this node is shutting down): the link is gone
        }
        finally
        {
            lock (_lock) _connections.Remove(socket);
            socket.Dispose();
        }
    }

    private bool TryDeliver(ReadOnlySpan<byte> frame, CrossNodeDelivery.Origin origin, Socket socket)
    {
        try
        {
            _delivery.Deliver(frame, origin);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or System.Text.DecoderFallbackException)
        {
            _delivery.CountUndeliverable(BinaryPrimitives.ReadInt32LittleEndian(frame[4..]));
            _log.Warning("Closing a direct link from {0}: an envelope it sent cannot be read ({1})", socket.RemoteEndPoint, e.Message);
            return false;
        }
    }

    /// <summary>Stops listening and closes every link (the node is shutting down).</summary>
    public void Dispose()
    {
        Socket[] open;
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
        foreach (var socket in open) socket.Dispose();
    }
}
