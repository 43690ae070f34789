using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote;

namespace ActorMesh.Clustering;

/// <summary>
/// The node pairs' direct links for mesh messages: how a node listens (<see cref="CrossNodeListener"/>), how an
/// outbox finds and connects to the other node's listener, and the settings that choose the transport.
/// Envoy's proxies talk to each other over their own connections while istiod's config flows over xDS; here
/// likewise the data plane's envelopes take a TCP connection per node pair, and cluster membership and control
/// messages keep Akka.Remote.
/// </summary>
/// <remarks>
/// Settings (Akka HOCON): <c>actormesh.cross-node.transport</c> is <c>direct</c> (the default) or <c>remoting</c>
/// (every envelope through Akka.Remote, as before direct links); <c>actormesh.cross-node.port</c> is the
/// listener's port (0, the default, picks a free one). The listener binds where remoting does
/// (<c>akka.remote.dot-netty.tcp.bind-hostname</c>, else <c>hostname</c>: loopback unless told otherwise). An
/// outbox sends through Akka.Remote until its link connects, and again if the link breaks. A node whose listener is
/// on loopback also listens on a Unix domain socket, which its peers (on the same machine, as loopback implies) use
/// instead of TCP, unless <c>actormesh.cross-node.unix-socket</c> is <c>off</c>. <c>actormesh.cross-node.reader</c> says how a node
/// reads its links (<see cref="LinkReading"/>: <c>wait</c>, the default, or <c>poll</c>).
/// </remarks>
internal static class DirectLink
{
    /// <summary>The HOCON defaults of the settings above (part of <see cref="MeshClusterConfig.Serialization"/>).</summary>
    public const string Defaults = """
        actormesh.cross-node {
          transport = direct
          port = 0
          connect-timeout = 5s
          unix-socket = on
          reader = wait
        }
        """;

    /// <summary>Whether <paramref name="config"/> asks for direct links; throws on a transport it does not know.</summary>
    public static bool Enabled(Config config)
    {
        var transport = config.GetString("actormesh.cross-node.transport", "direct");
        return transport switch
        {
            "direct" => true,
            "remoting" => false,
            _ => throw new ConfigurationException($"actormesh.cross-node.transport: '{transport}' is not a transport (direct or remoting)"),
        };
    }

    /// <summary>How <paramref name="config"/> says to read the links (<see cref="LinkReading"/>); throws on a way it does not know.</summary>
    public static LinkReading Reading(Config config)
    {
        var reading = config.GetString("actormesh.cross-node.reader", "wait");
        return reading switch
        {
            "wait" => LinkReading.Wait,
            "poll" => LinkReading.Poll,
            _ => throw new ConfigurationException($"actormesh.cross-node.reader: '{reading}' is not a way to read links (wait or poll)"),
        };
    }

    /// <summary>
    /// The listener of <paramref name="system"/>, when it has remoting and direct links are on; null otherwise, or
    /// when it cannot bind (logged: mesh messages to this node then cross through Akka.Remote).
    /// </summary>
    public static CrossNodeListener? Listen(ExtendedActorSystem system, CrossNodeDelivery delivery)
    {
        var config = system.Settings.Config;
        if (system.Provider is not IRemoteActorRefProvider || !Enabled(config)) return null;
        var host = config.GetString("akka.remote.dot-netty.tcp.bind-hostname", "");
        if (string.IsNullOrEmpty(host)) host = system.Provider.DefaultAddress.Host ?? "127.0.0.1";
        try
        {
            var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host)[0];
            var unix = IPAddress.IsLoopback(address) && config.GetBoolean("actormesh.cross-node.unix-socket", true);
            var listener = new CrossNodeListener(address, config.GetInt("actormesh.cross-node.port", 0), delivery, system.Log, unix: unix, reading: Reading(config));
            system.RegisterOnTermination(listener.Dispose);
            return listener;
        }
        catch (Exception e) when (e is SocketException or ArgumentException or IndexOutOfRangeException)
        {
            system.Log.Warning("No direct links into this node ({0}): mesh messages from other nodes cross through Akka.Remote", e.Message);
            return null;
        }
    }

    /// <summary>
    /// Connects <paramref name="outbox"/> to the listener <paramref name="offer"/> names and attaches the link; on
    /// failure logs it and leaves the outbox on Akka.Remote. Runs off the batcher's thread.
    /// </summary>
    public static async Task ConnectAsync(CrossNodeOutbox outbox, Offer offer, TimeSpan timeout, ILoggingAdapter log)
    {
        var unix = offer.UnixPath is not null && File.Exists(offer.UnixPath);
        var socket = unix ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            if (unix) await socket.ConnectAsync(new UnixDomainSocketEndPoint(offer.UnixPath!), cancel.Token).ConfigureAwait(false);
            else await socket.ConnectAsync(offer.Host, offer.Port, cancel.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ArgumentException)
        {
            socket.Dispose();
            log.Warning("No direct link to {0}:{1} ({2}): mesh messages to that node cross through Akka.Remote", offer.Host, offer.Port, e.Message);
            return;
        }
        // On this machine: a doorbell (shared memory) beside the socket, announced in the link's first frame.
        var bell = unix ? Doorbell.Create() : null;
        long written = 0;
        if (bell is not null)
        {
            try
            {
                written = SendHello(socket, bell.Path);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                bell.Dispose();
                socket.Dispose();
                log.Warning("No direct link to {0}:{1} ({2}): mesh messages to that node cross through Akka.Remote", offer.Host, offer.Port, e.Message);
                return;
            }
        }
        outbox.Attach(socket, log, bell, written);
    }

    /// <summary>The envelope count of a link's first frame that names its doorbell instead of carrying messages.</summary>
    internal const int HelloCount = -1;

    // Sends the hello frame naming the doorbell at path: its length.
    private static int SendHello(Socket socket, string path)
    {
        var frame = HelloFrame(path);
        var bytes = frame.AsSpan();
        while (!bytes.IsEmpty) bytes = bytes[socket.Send(bytes)..];
        return frame.Length;
    }

    /// <summary>A link's first frame naming its doorbell: [length][count = <see cref="HelloCount"/>][epoch 0][the path's UTF-8 length][path].</summary>
    internal static byte[] HelloFrame(string path)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(path);
        var frame = new byte[16 + name.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(frame, frame.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), HelloCount);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(12), name.Length);
        name.CopyTo(frame, 16);
        return frame;
    }

    /// <summary>The doorbell path a hello frame (<see cref="HelloFrame"/>) names; null when it names none that can be read.</summary>
    internal static string? HelloPath(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 16) return null;
        var size = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(frame[12..]);
        return size <= 0 || size > frame.Length - 16 ? null : System.Text.Encoding.UTF8.GetString(frame.Slice(16, size));
    }

    /// <summary>A batcher asks the other node's <see cref="CrossNodeInbound"/> where its listener is.</summary>
    internal sealed class Query : Signal<Query>, IMeshMessage;

    /// <summary>
    /// Where a node's listener is; port 0 when it has none (direct links off, or it could not bind). With
    /// <paramref name="UnixPath"/>, its Unix domain socket: a peer that finds that file is on the same machine and uses it.
    /// </summary>
    internal sealed record Offer(string Host, int Port, string? UnixPath = null) : IMeshMessage;
}
