using ActorMesh.DataPlane;

namespace ActorMesh.Telemetry;

/// <summary>One edge's traffic in plain values, as it crosses nodes (see <see cref="EdgeTraffic"/> for what each counts).</summary>
/// <param name="Calls">Calls started.</param>
/// <param name="Retries">Retries on the edge.</param>
/// <param name="CircuitOpened">Breaker openings.</param>
/// <param name="Latency">Durations as (bucket, count) pairs of <see cref="EdgeDurations"/>.</param>
/// <param name="Source">Source-reported combinations.</param>
/// <param name="Destination">Destination-reported combinations.</param>
internal sealed record EdgeSnapshot(long Calls, long Retries, long CircuitOpened, long[][] Latency, IReadOnlyList<EdgeCellSnapshot> Source, IReadOnlyList<EdgeCellSnapshot> Destination)
{
    /// <summary>The snapshot of <paramref name="e"/>.</summary>
    public static EdgeSnapshot Of(EdgeTraffic e)
    {
        var latency = new List<long[]>();
        for (var i = 0; i < e.Latency.Length; i++)
            if (e.Latency[i] > 0) latency.Add([i, e.Latency[i]]);
        return new EdgeSnapshot(e.Calls, e.Retries, e.CircuitOpened, [.. latency], Cells(e.Source), Cells(e.Destination));
    }

    private static List<EdgeCellSnapshot> Cells(EdgeCells cells) =>
    [
        .. cells.All().Select(c => new EdgeCellSnapshot(c.Status, (int)c.Flags, c.Mtls, c.Cell.Count, [.. c.Cell.Duration], [.. c.Cell.DurationSumTicks],
            [.. c.Cell.RequestBytes], [.. c.Cell.RequestBytesSum], [.. c.Cell.ResponseBytes], [.. c.Cell.ResponseBytesSum])),
    ];

    /// <summary>The traffic again (of the edge <paramref name="source"/> → <paramref name="destination"/>, named in an error).</summary>
    /// <exception cref="InvalidDataException">The snapshot has another bucket layout (the nodes run different builds).</exception>
    public EdgeTraffic ToTraffic(string destination, string source)
    {
        var e = new EdgeTraffic { Calls = Calls, Retries = Retries, CircuitOpened = CircuitOpened };
        foreach (var pair in Latency)
        {
            if (pair.Length != 2 || pair[0] < 0 || pair[0] >= e.Latency.Length) throw Layout(destination, source);
            e.Latency[pair[0]] += pair[1];
        }
        Into(Source, e.Source, destination, source);
        Into(Destination, e.Destination, destination, source);
        return e;
    }

    private static void Into(IReadOnlyList<EdgeCellSnapshot> from, EdgeCells into, string destination, string source)
    {
        foreach (var c in from)
        {
            var cell = into.Cell(c.Status, (ResponseFlags)c.Flags, c.Mtls);
            if (!Copy(c.Duration, cell.Duration) || !Copy(c.DurationSumTicks, cell.DurationSumTicks) || !Copy(c.RequestBytes, cell.RequestBytes)
                || !Copy(c.RequestBytesSum, cell.RequestBytesSum) || !Copy(c.ResponseBytes, cell.ResponseBytes) || !Copy(c.ResponseBytesSum, cell.ResponseBytesSum))
                throw Layout(destination, source);
            cell.Count += c.Count;
        }
    }

    private static bool Copy(long[] from, long[] into)
    {
        if (from.Length != into.Length) return false;
        for (var i = 0; i < into.Length; i++) into[i] += from[i];
        return true;
    }

    private static InvalidDataException Layout(string destination, string source) =>
        new($"the traffic {source} → {destination} has another bucket layout than this node's: the nodes run different builds");
}

/// <summary>One combination's counts in plain values (see <see cref="EdgeCell"/>).</summary>
internal sealed record EdgeCellSnapshot(int Status, int Flags, bool Mtls, long Count, long[] Duration, long[] DurationSumTicks,
    long[] RequestBytes, long[] RequestBytesSum, long[] ResponseBytes, long[] ResponseBytesSum);
