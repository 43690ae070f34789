using System.Buffers.Binary;
using System.Text;
using ActorMesh.DataPlane;
using Akka.Actor;
using Akka.Serialization;

namespace ActorMesh.Clustering;

/// <summary>
/// The compact binary serializer for requests and responses that cross nodes (<see cref="IDataPlaneMessage"/>):
/// fixed fields little-endian, strings as UTF-8 with a length, no reflection and no JSON on the hot path.
/// Every message and byte it writes is counted, for the report's <c>cluster</c> section.
/// </summary>
internal sealed class DataPlaneSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string Request = "R", Response = "S", Client = "C", ClientAnswer = "A";

    /// <summary>Akka's id for this serializer (any unique number above 100).</summary>
    public const int SerializerId = 7401;

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        MeshRequest => Request,
        MeshResponse => Response,
        ClientRequest => Client,
        ClientResponse => ClientAnswer,
        _ => throw new ArgumentException($"{o.GetType()} is not a data-plane message that crosses nodes"),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        var w = new Writer(128);
        switch (obj)
        {
            case MeshRequest r:
                w.Long(r.CorrelationId); w.Text(r.Service); w.Text(r.Path); w.Text(r.Source); w.Int(r.Attempt); w.Int(r.RequestBytes);
                w.Trace(r.Trace); w.Text(r.SourceIdentity); w.Long(r.SentAt);
                break;
            case MeshResponse r:
                w.Long(r.CorrelationId); w.Int(r.Status); w.Int((int)r.Flags); w.Int(r.ResponseBytes); w.Long((long)r.Visited); w.Long(r.SentAt);
                break;
            case ClientRequest r:
                w.Long(r.RequestId); w.Text(r.Path); w.Int(r.RequestBytes); w.Trace(r.Trace); w.Text(r.Method);
                w.Bool(r.Token is not null);
                if (r.Token is { } t) { w.Text(t.Subject); w.Text(t.Issuer); w.Text(t.Audience); w.Long(t.ExpiresAt); w.Bool(t.SignatureValid); }
                break;
            case ClientResponse r:
                w.Long(r.RequestId); w.Int(r.Status); w.Int((int)r.Flags); w.Int(r.ResponseBytes); w.Long((long)r.Visited);
                break;
            default:
                throw new ArgumentException($"{obj.GetType()} is not a data-plane message that crosses nodes");
        }
        var bytes = w.ToArray();
        CrossNodeTraffic.Count(bytes.Length);
        return bytes;
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        var r = new Reader(bytes);
        return manifest switch
        {
            Request => new MeshRequest(r.Long(), r.Text()!, r.Text()!, r.Text()!, r.Int(), r.Int(), r.Trace(), r.Text(), r.Long()),
            Response => new MeshResponse(r.Long(), r.Int(), (ResponseFlags)r.Int(), r.Int(), (ulong)r.Long(), r.Long()),
            Client => ReadClient(ref r),
            ClientAnswer => new ClientResponse(r.Long(), r.Int(), (ResponseFlags)r.Int(), r.Int(), (ulong)r.Long()),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown data-plane manifest '{manifest}'"),
        };
    }

    private static ClientRequest ReadClient(ref Reader r)
    {
        var id = r.Long();
        var path = r.Text()!;
        var bytes = r.Int();
        var trace = r.Trace();
        var method = r.Text()!;
        BearerToken? token = r.Bool() ? new BearerToken(r.Text()!, r.Text()!, r.Text()!, r.Long(), r.Bool()) : null;
        return new ClientRequest(id, path, bytes, trace, method, token);
    }

    private struct Writer(int capacity)
    {
        private byte[] _buffer = new byte[capacity];
        private int _length;

        public void Long(long v) { Room(8); BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_length), v); _length += 8; }
        public void Int(int v) { Room(4); BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_length), v); _length += 4; }
        public void Bool(bool v) { Room(1); _buffer[_length++] = v ? (byte)1 : (byte)0; }
        public void Trace(TraceContext t) { Long(t.TraceId); Long(t.SpanId); Bool(t.Sampled); }

        public void Text(string? s)
        {
            if (s is null) { Int(-1); return; }
            var n = Encoding.UTF8.GetByteCount(s);
            Int(n);
            Room(n);
            Encoding.UTF8.GetBytes(s, _buffer.AsSpan(_length));
            _length += n;
        }

        public readonly byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

        private void Room(int n)
        {
            if (_length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
        }
    }

    private ref struct Reader(byte[] bytes)
    {
        private readonly ReadOnlySpan<byte> _span = bytes;
        private int _at;

        public long Long() { var v = BinaryPrimitives.ReadInt64LittleEndian(_span[_at..]); _at += 8; return v; }
        public int Int() { var v = BinaryPrimitives.ReadInt32LittleEndian(_span[_at..]); _at += 4; return v; }
        public bool Bool() => _span[_at++] != 0;
        public TraceContext Trace() => new(Long(), Long(), Bool());

        public string? Text()
        {
            var n = Int();
            if (n < 0) return null;
            var s = Encoding.UTF8.GetString(_span.Slice(_at, n));
            _at += n;
            return s;
        }
    }
}

/// <summary>Messages and bytes that crossed nodes from this process, counted per thread by the serializers.</summary>
internal static class CrossNodeTraffic
{
    private static readonly ThreadLocal<Slot> Slots = new(() => new Slot(), trackAllValues: true);

    /// <summary>Counts one serialized message of <paramref name="bytes"/> bytes.</summary>
    public static void Count(int bytes)
    {
        var slot = Slots.Value!;
        slot.Messages++;
        slot.Bytes += bytes;
    }

    /// <summary>Totals so far.</summary>
    public static (long Messages, long Bytes) Total()
    {
        long messages = 0, bytes = 0;
        foreach (var s in Slots.Values)
        {
            messages += Volatile.Read(ref s.Messages);
            bytes += Volatile.Read(ref s.Bytes);
        }
        return (messages, bytes);
    }

    private sealed class Slot
    {
        public long Messages;
        public long Bytes;
    }
}
