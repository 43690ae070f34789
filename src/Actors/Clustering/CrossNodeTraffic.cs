namespace ActorMesh.Clustering;

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

    /// <summary>Counts one batch envelope of <paramref name="messages"/> messages in <paramref name="bytes"/> bytes; <paramref name="direct"/>: on a direct link.</summary>
    public static void CountBatch(int messages, int bytes, bool direct = false)
    {
        var slot = Slots.Value!;
        slot.Messages += messages;
        slot.Bytes += bytes;
        slot.Batches++;
        slot.BatchedMessages += messages;
        if (direct) slot.DirectBatches++;
    }

    /// <summary>Counts <paramref name="messages"/> mesh messages a broken direct link did not take.</summary>
    public static void CountLost(int messages) => Slots.Value!.Lost += messages;

    /// <summary>Totals so far.</summary>
    public static CrossNodeTotals Total()
    {
        var total = new CrossNodeTotals();
        foreach (var s in Slots.Values)
        {
            total += new CrossNodeTotals(Volatile.Read(ref s.Messages), Volatile.Read(ref s.Bytes), Volatile.Read(ref s.Batches),
                Volatile.Read(ref s.BatchedMessages), Volatile.Read(ref s.DirectBatches), Volatile.Read(ref s.Lost));
        }
        return total;
    }

    private sealed class Slot
    {
        public long Messages;
        public long Bytes;
        public long Batches;
        public long BatchedMessages;
        public long DirectBatches;
        public long Lost;
    }
}

/// <summary>
/// What crossed nodes: messages (batched or alone), their bytes, the batch envelopes, the mesh messages those
/// carried, the envelopes that went on direct links (<see cref="DirectLink"/>; the others through Akka.Remote),
/// and the mesh messages lost with a broken direct link. It crosses nodes itself in <see cref="Telemetry.NodeTelemetry"/>.
/// </summary>
internal readonly record struct CrossNodeTotals(long Messages, long Bytes, long Batches, long BatchedMessages, long DirectBatches = 0, long Lost = 0)
{
    /// <summary>What crossed between <paramref name="before"/> and this.</summary>
    public CrossNodeTotals Since(CrossNodeTotals before) =>
        new(Messages - before.Messages, Bytes - before.Bytes, Batches - before.Batches, BatchedMessages - before.BatchedMessages,
            DirectBatches - before.DirectBatches, Lost - before.Lost);

    /// <summary>Both together (two nodes' traffic).</summary>
    public static CrossNodeTotals operator +(CrossNodeTotals a, CrossNodeTotals b) =>
        new(a.Messages + b.Messages, a.Bytes + b.Bytes, a.Batches + b.Batches, a.BatchedMessages + b.BatchedMessages,
            a.DirectBatches + b.DirectBatches, a.Lost + b.Lost);

    /// <summary>Mesh messages per batch envelope, on average (0 with no batch).</summary>
    public double MessagesPerBatch => Batches == 0 ? 0 : (double)BatchedMessages / Batches;
}
