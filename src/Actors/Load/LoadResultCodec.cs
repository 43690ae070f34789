using HdrHistogram;

namespace ActorMesh.Load;

/// <summary>
/// A <see cref="LoadResult"/> as bytes, for a zone's load generator on another node to send its result
/// to the edge once, at the end of a run (see <see cref="ZonalLoad"/>). Histograms travel as their
/// recorded (value, count) pairs, which read back into the same buckets; count tables (the call graph's
/// 64 × 64 pairs, rejections by reason) as their non-zero entries only. <see cref="LoadResult.LostZones"/> is
/// not written: it is filled where the results are merged.
/// </summary>
internal static class LoadResultCodec
{
    /// <summary>The bytes of <paramref name="result"/>.</summary>
    public static byte[] Write(LoadResult result)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            foreach (var outcomes in result.Outcomes) Write(w, outcomes);
            foreach (var histogram in result.Histograms) Write(w, histogram);
            foreach (var n in result.Retries.Histogram) w.Write(n);
            w.Write(result.Retries.Requests);
            w.Write(result.Retries.Sum);
            w.Write(result.Retries.Max);
            w.Write(result.Timeline.Count);
            foreach (var b in result.Timeline) Write(w, b);
            w.Write(result.StartedAt);
            w.Write(result.MeasuredSeconds);
            w.Write(result.LateAnswers);
            w.Write(result.Kinds.Count);
            foreach (var k in result.Kinds)
            {
                w.Write(k.Name);
                w.Write(k.Steps);
                w.Write(k.Gateway);
                Write(w, k.Measured);
                Write(w, k.Latency);
                w.Write(k.PartialFailures);
            }
            var graph = result.CallGraph;
            w.Write(graph.Requests);
            w.Write(graph.PartialFailures);
            Write(w, graph.Reached);
            Write(w, graph.ReachedTogether);
        }
        return stream.ToArray();
    }

    /// <summary>The result <paramref name="bytes"/> hold (written by <see cref="Write(LoadResult)"/>).</summary>
    public static LoadResult Read(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        var result = new LoadResult();
        foreach (var outcomes in result.Outcomes) Read(r, outcomes);
        foreach (var histogram in result.Histograms) Read(r, histogram);
        for (var i = 0; i < RetryCounts.Buckets; i++) result.Retries.Histogram[i] = r.ReadInt64();
        result.Retries.Requests = r.ReadInt64();
        result.Retries.Sum = r.ReadInt64();
        result.Retries.Max = r.ReadInt32();
        var seconds = r.ReadInt32();
        for (var i = 0; i < seconds; i++) result.Timeline.Add(ReadSecond(r));
        result.StartedAt = r.ReadInt64();
        result.MeasuredSeconds = r.ReadDouble();
        result.LateAnswers = r.ReadInt64();
        var kinds = r.ReadInt32();
        for (var i = 0; i < kinds; i++)
        {
            var kind = new RequestKindResult(r.ReadString(), r.ReadInt32(), r.ReadString());
            Read(r, kind.Measured);
            Read(r, kind.Latency);
            kind.PartialFailures = r.ReadInt64();
            result.Kinds.Add(kind);
        }
        var graph = result.CallGraph;
        graph.Requests = r.ReadInt64();
        graph.PartialFailures = r.ReadInt64();
        Read(r, graph.Reached);
        Read(r, graph.ReachedTogether);
        return result;
    }

    private static void Write(BinaryWriter w, OutcomeCounts c)
    {
        WriteTally(w, c);
        Write(w, c.RejectedBy);
        w.Write(c.FailedBy.Count);
        foreach (var (status, count) in c.FailedBy)
        {
            w.Write(status);
            w.Write(count);
        }
    }

    private static void Read(BinaryReader r, OutcomeCounts c)
    {
        ReadTally(r, c);
        Read(r, c.RejectedBy);
        var statuses = r.ReadInt32();
        for (var i = 0; i < statuses; i++) c.FailedBy[r.ReadInt32()] = r.ReadInt64();
    }

    private static void Write(BinaryWriter w, SecondBucket b)
    {
        WriteTally(w, b);
        w.Write(b.Retries);
        w.Write(b.CircuitOpened);
        w.Write(b.CircuitClosed);
        w.Write(b.MeshSampled);
        w.Write(b.Latency is not null);
        if (b.Latency is { } latency) Write(w, latency);
    }

    private static SecondBucket ReadSecond(BinaryReader r)
    {
        var b = new SecondBucket();
        ReadTally(r, b);
        b.Retries = r.ReadInt64();
        b.CircuitOpened = r.ReadInt64();
        b.CircuitClosed = r.ReadInt64();
        b.MeshSampled = r.ReadBoolean();
        if (r.ReadBoolean())
        {
            b.Latency = new IntHistogram(ServiceTelemetry.HighestMicroseconds, 2);
            Read(r, b.Latency);
        }
        return b;
    }

    // The outcome counters every tally keeps, in one order for writing and reading.
    private static void WriteTally(BinaryWriter w, OutcomeTally t)
    {
        w.Write(t.Sent);
        w.Write(t.Ok);
        w.Write(t.Degraded);
        w.Write(t.Failed);
        w.Write(t.TimedOut);
        w.Write(t.Rejected);
        w.Write(t.InFlight);
    }

    private static void ReadTally(BinaryReader r, OutcomeTally t)
    {
        t.Sent = r.ReadInt64();
        t.Ok = r.ReadInt64();
        t.Degraded = r.ReadInt64();
        t.Failed = r.ReadInt64();
        t.TimedOut = r.ReadInt64();
        t.Rejected = r.ReadInt64();
        t.InFlight = r.ReadInt64();
    }

    private static void Write(BinaryWriter w, HistogramBase h)
    {
        // The iterator hands out one value object, changed at each step: read each as it comes.
        var values = 0;
        foreach (var _ in h.RecordedValues()) values++;
        w.Write(values);
        foreach (var v in h.RecordedValues())
        {
            w.Write(v.ValueIteratedTo);
            w.Write(v.CountAtValueIteratedTo);
        }
    }

    private static void Read(BinaryReader r, HistogramBase h)
    {
        var values = r.ReadInt32();
        for (var i = 0; i < values; i++) h.RecordValueWithCount(r.ReadInt64(), r.ReadInt64());
    }

    // Sparse: the count of non-zero entries, then each as (gap from the previous index, value), 7-bit encoded.
    // The call graph's pair table has 4,096 entries of which a chain of a few services fills a handful:
    // 32 KB dense, a few bytes sparse.
    private static void Write(BinaryWriter w, long[] values)
    {
        var used = 0;
        foreach (var v in values) if (v != 0) used++;
        w.Write7BitEncodedInt(used);
        var previous = -1;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] == 0) continue;
            w.Write7BitEncodedInt(i - previous);
            w.Write7BitEncodedInt64(values[i]);
            previous = i;
        }
    }

    private static void Read(BinaryReader r, long[] into)
    {
        var used = r.Read7BitEncodedInt();
        var index = -1;
        for (var n = 0; n < used; n++)
        {
            index += r.Read7BitEncodedInt();
            var v = r.Read7BitEncodedInt64();
            if ((uint)index < (uint)into.Length) into[index] = v;
        }
    }
}
