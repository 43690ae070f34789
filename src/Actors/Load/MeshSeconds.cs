namespace ActorMesh.Load;

/// <summary>
/// Cuts the mesh's counters (retries, circuit openings and closings) into the seconds of the measured
/// window: the load generator samples their totals at each second's boundary, off the hot path (once a
/// second, never per request), and each second gets the difference. The counters are the ones the
/// generator's own runtime holds: every pod of a run on one node.
/// </summary>
internal sealed class MeshSeconds
{
    private static readonly ServiceCounter[] Sampled = [ServiceCounter.Retries, ServiceCounter.CircuitOpened, ServiceCounter.CircuitClosed];

    private readonly MeshTelemetry? _telemetry;
    private readonly long[] _last = new long[Sampled.Length];
    private readonly long[] _now = new long[Sampled.Length];

    /// <summary>Samples <paramref name="telemetry"/>; null samples nothing (the seconds stay unsampled, with zeros).</summary>
    public MeshSeconds(MeshTelemetry? telemetry) => _telemetry = telemetry;

    /// <summary>Seconds closed so far; -1 until the window's start was sampled.</summary>
    public int Closed { get; private set; } = -1;

    /// <summary>Samples the totals at the start of the measured window.</summary>
    public void Open()
    {
        Read(_last);
        Closed = 0;
    }

    /// <summary>Gives the next second of <paramref name="timeline"/> what the counters grew by since the previous sample.</summary>
    public void CloseNext(List<SecondBucket> timeline)
    {
        if (Closed < 0 || Closed >= timeline.Count) return;
        Read(_now);
        var b = timeline[Closed++];
        b.Retries = _now[0] - _last[0];
        b.CircuitOpened = _now[1] - _last[1];
        b.CircuitClosed = _now[2] - _last[2];
        b.MeshSampled = _telemetry is not null;
        _now.CopyTo(_last, 0);
    }

    /// <summary>Closes every second not closed yet (at the end of the load; the later ones get zeros).</summary>
    public void CloseAll(List<SecondBucket> timeline)
    {
        while (Closed >= 0 && Closed < timeline.Count) CloseNext(timeline);
    }

    private void Read(long[] into)
    {
        Array.Clear(into);
        _telemetry?.Sum(Sampled, into);
    }
}
