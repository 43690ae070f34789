using System.Buffers.Binary;
using System.Text;
using ActorMesh.DataPlane;

namespace ActorMesh.Clustering;

/// <summary>
/// The compact binary form of the data-plane messages that cross nodes: fixed fields little-endian,
/// strings as UTF-8 with a length, no reflection. Written once, used by <see cref="DataPlaneSerializer"/>
/// (one message) and by the cross-node batches (many messages in one envelope).
/// </summary>
internal static class DataPlaneCodec
{
    /// <summary>The kinds of message, as one byte in a batch and as one letter in a manifest.</summary>
    public const byte None = 0, Request = (byte)'R', Response = (byte)'S', Client = (byte)'C', ClientAnswer = (byte)'A';

    /// <summary>The kind of <paramref name="message"/>; <see cref="None"/> when it does not cross nodes in this form.</summary>
    public static byte KindOf(object message) => message switch
    {
        MeshRequest => Request,
        MeshResponse => Response,
        ClientRequest => Client,
        ClientResponse => ClientAnswer,
        _ => None,
    };

    /// <summary>Writes <paramref name="message"/>'s fields (its kind is written by the caller, when it needs one).</summary>
    public static void Write(ByteWriter w, object message)
    {
        switch (message)
        {
            case MeshRequest r:
                w.Long(r.CorrelationId); w.Text(r.Service); w.Text(r.Path); w.Text(r.Source); w.Int(r.Attempt); w.Int(r.RequestBytes);
                w.Trace(r.Trace); w.Text(r.SourceIdentity); w.Long(r.SentAt); w.Text(r.SourceZone); w.Text(r.SourcePod);
                break;
            case MeshResponse r:
                w.Long(r.CorrelationId); w.Int(r.Status); w.Int((int)r.Flags); w.Int(r.ResponseBytes); w.Long((long)r.Visited); w.Long(r.SentAt); w.Int(r.Retries);
                break;
            case ClientRequest r:
                w.Long(r.RequestId); w.Text(r.Path); w.Int(r.RequestBytes); w.Trace(r.Trace); w.Text(r.Method);
                w.Bool(r.Token is not null);
                if (r.Token is { } t) { w.Text(t.Subject); w.Text(t.Issuer); w.Text(t.Audience); w.Long(t.ExpiresAt); w.Bool(t.SignatureValid); }
                break;
            case ClientResponse r:
                w.Long(r.RequestId); w.Int(r.Status); w.Int((int)r.Flags); w.Int(r.ResponseBytes); w.Long((long)r.Visited); w.Int(r.Retries);
                break;
            default:
                throw new ArgumentException($"{message.GetType()} is not a data-plane message that crosses nodes");
        }
    }

    /// <summary>Reads one message of <paramref name="kind"/>; null for an unknown kind.</summary>
    public static object? Read(ref ByteReader r, byte kind) => kind switch
    {
        Request => new MeshRequest(r.Long(), r.Text()!, r.Text()!, r.Text()!, r.Int(), r.Int(), r.Trace(), r.Text(), r.Long(), 0, r.Text(), r.Text()),
        Response => new MeshResponse(r.Long(), r.Int(), (ResponseFlags)r.Int(), r.Int(), (ulong)r.Long(), r.Long(), r.Int()),
        Client => ReadClient(ref r),
        ClientAnswer => new ClientResponse(r.Long(), r.Int(), (ResponseFlags)r.Int(), r.Int(), (ulong)r.Long(), r.Int()),
        _ => null,
    };

    private static ClientRequest ReadClient(ref ByteReader r)
    {
        var id = r.Long();
        var path = r.Text()!;
        var bytes = r.Int();
        var trace = r.Trace();
        var method = r.Text()!;
        BearerToken? token = r.Bool() ? new BearerToken(r.Text()!, r.Text()!, r.Text()!, r.Long(), r.Bool()) : null;
        return new ClientRequest(id, path, bytes, trace, method, token);
    }
}

/// <summary>
/// A growable little-endian byte buffer, reused across messages (reset, not reallocated). With a
/// <see cref="Names"/> table, a string seen before is written as its id (see <see cref="CrossNodeBatch"/>).
/// </summary>
internal sealed class ByteWriter(int capacity, Dictionary<string, int>? names = null)
{
    private byte[] _buffer = new byte[capacity];

    private const int MaxAliases = 4096;
    private readonly Dictionary<string, int> _byReference = new(ReferenceEqualityComparer.Instance);

    /// <summary>Ids of the strings written so far, when strings are written by id; null to write every string in full.</summary>
    public Dictionary<string, int>? Names { get; } = names;

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    public void Long(long v) { Room(8); BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(Length), v); Length += 8; }
    public void Int(int v) { Room(4); BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(Length), v); Length += 4; }
    public void Byte(byte v) { Room(1); _buffer[Length++] = v; }
    public void Bool(bool v) => Byte(v ? (byte)1 : (byte)0);
    public void Trace(TraceContext t) { Long(t.TraceId); Long(t.SpanId); Bool(t.Sampled); }

    /// <summary>Overwrites the int at <paramref name="at"/> (a header written before its value was known).</summary>
    public void IntAt(int at, int v) => BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(at), v);

    public void Text(string? s)
    {
        if (s is null) { Int(-1); return; }
        if (Names is { } names)
        {
            // The same string object again (a service name, a path, an identity from the topology): found without hashing its text.
            if (_byReference.TryGetValue(s, out var id)) { Int(id); return; }
            if (names.TryGetValue(s, out id))
            {
                Alias(s, id);
                Int(id);
                return;
            }
            id = names.Count;
            names.Add(s, id);
            Alias(s, id);
            Int(CrossNodeBatch.NewId(id));
        }
        Raw(s);
    }

    /// <summary>Forgets every string's id (the table starts again, in a new epoch).</summary>
    public void ForgetNames()
    {
        Names?.Clear();
        _byReference.Clear();
    }

    // Strings made afresh per message would each be another object: past this many, they are found by their text alone.
    private void Alias(string s, int id)
    {
        if (_byReference.Count < MaxAliases) _byReference[s] = id;
    }

    /// <summary>An actor path: always in full (an actor's id table is the batcher's own).</summary>
    public void Path(string s) => Raw(s);

    private void Raw(string s)
    {
        var n = Encoding.UTF8.GetByteCount(s);
        Int(n);
        Room(n);
        Encoding.UTF8.GetBytes(s, _buffer.AsSpan(Length));
        Length += n;
    }

    /// <summary>What was written, in place.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    /// <summary>A copy of what was written.</summary>
    public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

    /// <summary>Starts again from empty, keeping the buffer.</summary>
    public void Reset() => Length = 0;

    private void Room(int n)
    {
        if (Length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + n));
    }
}

/// <summary>Reads what a <see cref="ByteWriter"/> wrote; with <paramref name="names"/>, strings written by id.</summary>
internal ref struct ByteReader(ReadOnlySpan<byte> bytes, List<string>? names = null)
{
    private readonly ReadOnlySpan<byte> _span = bytes;

    /// <summary>Where the next read starts.</summary>
    public int At { get; private set; }

    public long Long() { var v = BinaryPrimitives.ReadInt64LittleEndian(_span[At..]); At += 8; return v; }
    public int Int() { var v = BinaryPrimitives.ReadInt32LittleEndian(_span[At..]); At += 4; return v; }
    public byte Byte() => _span[At++];
    public bool Bool() => Byte() != 0;
    public TraceContext Trace() => new(Long(), Long(), Bool());

    public string? Text()
    {
        if (names is null) return Raw(Int());
        var code = Int();
        if (code == -1) return null;
        if (code >= 0) return code < names.Count ? names[code] : "";
        var id = CrossNodeBatch.IdOfNew(code);
        var s = Raw(Int())!;
        while (names.Count <= id) names.Add("");
        names[id] = s;
        return s;
    }

    /// <summary>An actor path, written in full.</summary>
    public string Path() => Raw(Int())!;

    private string? Raw(int n)
    {
        if (n < 0) return null;
        var s = Encoding.UTF8.GetString(_span.Slice(At, n));
        At += n;
        return s;
    }
}
