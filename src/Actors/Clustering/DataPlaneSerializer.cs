using Akka.Serialization;

namespace ActorMesh.Clustering;

/// <summary>
/// The compact binary serializer for requests and responses that cross nodes (<see cref="DataPlane.IDataPlaneMessage"/>), alone or in a
/// <see cref="CrossNodeBatch"/> (whose messages it delivers as it reads them, see <see cref="CrossNodeDelivery"/>):
/// fixed fields little-endian, strings as UTF-8 with a length, no reflection and no JSON on the hot path.
/// Every message and byte it writes is counted, for the report's <c>cluster</c> section.
/// </summary>
/// <remarks>
/// A message's due time (<c>Due</c>) does not cross: each node's clock has its own origin, so a due time
/// means nothing on another node. The receiver takes a remote message as arriving when it handles it
/// (<see cref="Time.MeshClock.TimeOf"/> with 0), as it always has; the retries a response reports do cross.
/// </remarks>
internal sealed class DataPlaneSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string Batch = "B";
    private CrossNodeDelivery? _delivery;

    /// <summary>Akka's id for this serializer (any unique number above 100).</summary>
    public const int SerializerId = 7401;

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        CrossNodeBatch => Batch,
        _ => DataPlaneCodec.KindOf(o) switch
        {
            DataPlaneCodec.Request => "R",
            DataPlaneCodec.Response => "S",
            DataPlaneCodec.Client => "C",
            DataPlaneCodec.ClientAnswer => "A",
            _ => throw new ArgumentException($"{o.GetType()} is not a data-plane message that crosses nodes"),
        },
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        if (obj is CrossNodeBatch batch)
        {
            // The batcher wrote the envelope already: its bytes go out as they are, no copy.
            CrossNodeTraffic.CountBatch(batch.Count, batch.Payload.Length);
            return batch.Payload;
        }
        var w = new ByteWriter(128);
        DataPlaneCodec.Write(w, obj);
        var bytes = w.ToArray();
        CrossNodeTraffic.Count(bytes.Length);
        return bytes;
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest == Batch)
        {
            // Delivered here, as it is read: each message straight to its target, no inbound actor in between.
            var delivery = _delivery ??= CrossNodeInboundExtension.Get(system).Delivery;
            return new CrossNodeBatch(bytes, delivery.Deliver(bytes));
        }
        var r = new ByteReader(bytes);
        return (manifest.Length == 1 ? DataPlaneCodec.Read(ref r, (byte)manifest[0]) : null)
            ?? throw new System.Runtime.Serialization.SerializationException($"unknown data-plane manifest '{manifest}'");
    }
}
