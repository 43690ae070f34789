using System.Buffers.Binary;
using ActorMesh.DataPlane;

namespace ActorMesh.Clustering;

/// <summary>
/// One envelope of many mesh messages from one node to another (Envoy/gRPC-style batching at the
/// node boundary): written by the senders into a <see cref="CrossNodeOutbox"/>, sent as one frame on the node pair's direct link (or one remoting message),
/// unpacked and delivered as it is read (<see cref="CrossNodeDelivery"/>): by the reader of the node pair's direct
/// link (<see cref="CrossNodeListener"/>), or by the receiving node's serializer when it crossed through Akka.Remote.
/// </summary>
/// <remarks>
/// Layout, little-endian: <c>int length, int count, int epoch, origin</c> (the whole envelope's length in bytes,
/// which frames it on a direct link; the sending outbox's name, a length and UTF-8, empty on a direct link,
/// which is its own origin), then per message <c>target, sender, byte kind, fields</c> (<see cref="DataPlaneCodec"/>). An actor is named by a small id of the sending outbox's
/// table; the first time an id appears it is followed by the actor's full path, after that the id
/// alone. Strings (service names, paths, identities) go the same way in a table of their own. A new
/// <c>epoch</c> tells the receiver that the sender started its tables again (they are bounded).
/// </remarks>
internal sealed class CrossNodeBatch(byte[] payload, string? origin = null) : IDataPlaneMessage
{
    /// <summary>An actor reference id meaning "no sender".</summary>
    public const int NoSender = -1;

    /// <summary>The envelope as it goes on the wire.</summary>
    public byte[] Payload { get; } = payload;

    /// <summary>Once its messages have been delivered (it was read off the wire), the name of the outbox that sent it; null before.</summary>
    public string? Origin { get; } = origin;

    /// <summary>Messages in the envelope.</summary>
    public int Count => BinaryPrimitives.ReadInt32LittleEndian(Payload.AsSpan(4));

    /// <summary>The sending outbox's table epoch.</summary>
    public int Epoch => BinaryPrimitives.ReadInt32LittleEndian(Payload.AsSpan(8));

    /// <summary>The code of an actor id seen for the first time (followed by its path): always below <see cref="NoSender"/>.</summary>
    public static int NewId(int id) => -id - 2;

    /// <summary>The id a code of <see cref="NewId"/> stands for.</summary>
    public static int IdOfNew(int code) => -code - 2;
}

/// <summary>Batching of mesh messages between nodes: when a batch is flushed, and how big the actor tables may grow.</summary>
internal sealed record CrossNodeBatchingOptions
{
    /// <summary>A batch is flushed once it holds this many messages. Default 256.</summary>
    public int MaxMessages { get; init; } = 256;

    /// <summary>
    /// Without <see cref="FlushWhenIdle"/>, a batch is flushed at most this long after its first message (on the mesh
    /// clock). Default 1 ms. With it, no timer is set: the batcher's tick, told when the batch opened, is ahead of
    /// any timer's message in the batcher's mailbox, so the timer could never flush first (and at 6 links under load
    /// it cost ~6,000 clock wake-ups and tells a second for nothing).
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Also flush as soon as the link's batcher, told when the batch opened, gets to run, as Envoy
    /// flushes its writes at the end of an event-loop pass: under load the messages sent meanwhile
    /// fill the batch; with little traffic nothing waits for the timer. Default true.
    /// </summary>
    public bool FlushWhenIdle { get; init; } = true;

    /// <summary>Actors and strings an outbox names by id before it starts its tables again (a new epoch). Default 100,000.</summary>
    public int MaxActorIds { get; init; } = 100_000;

    /// <summary>Throws when an option is out of range, naming every field that is.</summary>
    public CrossNodeBatchingOptions Validate()
    {
        var errors = new List<string>();
        if (MaxMessages < 1) errors.Add($"maxMessages must be at least 1 (is {MaxMessages})");
        if (FlushInterval <= TimeSpan.Zero) errors.Add($"flushInterval must be positive (is {FlushInterval})");
        if (MaxActorIds < 1) errors.Add($"maxActorIds must be at least 1 (is {MaxActorIds})");
        return errors.Count == 0 ? this : throw new ArgumentException("cross-node batching: " + string.Join("; ", errors));
    }
}
