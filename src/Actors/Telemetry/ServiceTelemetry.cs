using ActorMesh.DataPlane;
using HdrHistogram;

namespace ActorMesh.Telemetry;

/// <summary>
/// Counters and latency of one service as recorded on one thread (one telemetry shard). A plain
/// array of the <see cref="ServiceCounter"/>s, no synchronisation: only the owning thread writes;
/// reports merge all shards after the run.
/// </summary>
internal sealed class ServiceTelemetry
{
    /// <summary>Histogram range: 1 µs to one hour.</summary>
    public const long HighestMicroseconds = 3_600_000_000L;

    private readonly long[] _counters = new long[CounterSchema.Count];
    private LongHistogram? _latency;

    /// <summary>
    /// The counter <paramref name="counter"/>, by reference: <c>t[ServiceCounter.Calls]++</c> is a
    /// plain array increment (see <see cref="ServiceCounter"/> for what each counts).
    /// </summary>
    public ref long this[ServiceCounter counter] => ref _counters[(int)counter];

    /// <summary>In-process module calls, by (caller module, callee module); the caller -1 is the service's own script.</summary>
    public Dictionary<(int Caller, int Callee), long>? ModuleCalls;

    /// <summary>Reads and writes of data stores the service does not own, by store.</summary>
    public Dictionary<string, (long Reads, long Writes)>? ForeignStores;

    /// <summary>Traffic to this service, by calling workload's index (see <see cref="EdgeTraffic"/>); null until a call.</summary>
    public EdgeTraffic?[]? EdgesFrom;

    /// <summary>The traffic from workload <paramref name="source"/> to this service (made on first use): an array read per call.</summary>
    public EdgeTraffic EdgeFrom(int source)
    {
        var edges = EdgesFrom;
        if (edges is not null && (uint)source < (uint)edges.Length && edges[source] is { } edge) return edge;
        return NewEdge(source);
    }

    private EdgeTraffic NewEdge(int source)
    {
        // The array grows before the new edge is published, so a live reader sees whole entries.
        var edges = EdgesFrom ?? new EdgeTraffic?[Math.Max(16, source + 8)];
        if (source >= edges.Length) Array.Resize(ref edges, Math.Max(edges.Length * 2, source + 8));
        var edge = edges[source] ?? new EdgeTraffic();
        edges[source] = edge;
        EdgesFrom = edges;
        return edge;
    }

    /// <summary>Counts an in-process call from module <paramref name="caller"/> to module <paramref name="callee"/>.</summary>
    public void RecordModuleCall(int caller, int callee)
    {
        ModuleCalls ??= [];
        ModuleCalls[(caller, callee)] = ModuleCalls.GetValueOrDefault((caller, callee)) + 1;
    }

    /// <summary>Counts an access to a store another service owns.</summary>
    public void RecordForeignStore(string store, bool write)
    {
        ForeignStores ??= new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        var (reads, writes) = ForeignStores.GetValueOrDefault(store);
        ForeignStores[store] = write ? (reads, writes + 1) : (reads + 1, writes);
    }

    /// <summary>Seconds of the mesh clock the zone series keeps; later attempts count in the last one.</summary>
    public const int MaxZoneSeconds = 3600;

    /// <summary>Zoned attempts to this service per second of the mesh clock: [2s] all of them, [2s + 1] the cross-zone ones.</summary>
    public long[]? ZoneSeconds;

    /// <summary>Counts an attempt between a caller and an endpoint that both have a zone, at <paramref name="now"/>; <paramref name="crossZone"/> when the zones differ.</summary>
    public void RecordZonedAttempt(long now, bool crossZone)
    {
        _counters[(int)ServiceCounter.ZonedAttempts]++;
        if (crossZone) _counters[(int)ServiceCounter.CrossZoneAttempts]++;
        AddZoneSecond((int)Math.Min(now / TimeSpan.TicksPerSecond, MaxZoneSeconds - 1), 1, crossZone ? 1 : 0);
    }

    private void AddZoneSecond(int second, long zoned, long crossZone)
    {
        // Grows by doubling up to its bound: a handful of allocations over a run, none per attempt.
        if (ZoneSeconds is null || 2 * second + 1 >= ZoneSeconds.Length)
            Array.Resize(ref ZoneSeconds, Math.Min(2 * MaxZoneSeconds, Math.Max(2 * second + 2, Math.Max(64, (ZoneSeconds?.Length ?? 0) * 2))));
        ZoneSeconds[2 * second] += zoned;
        ZoneSeconds[2 * second + 1] += crossZone;
    }

    /// <summary>Adds a zone series (<see cref="ZoneSeconds"/>'s layout) into this one (merging).</summary>
    public void AddZoneSeconds(long[] series)
    {
        for (var i = 0; i + 1 < series.Length; i += 2)
            if (series[i] > 0) AddZoneSecond(i / 2, series[i], series[i + 1]);
    }

    /// <summary>
    /// Counts one answer an instance of the service gave (inbound, where the destination's sidecar, or
    /// the app itself without one, answers): a request, and ok (degraded or not) or an error (overloaded or not).
    /// </summary>
    public void CountAnswer(int status, ResponseFlags flags)
    {
        _counters[(int)ServiceCounter.Requests]++;
        if (StatusCodes.IsSuccess(status))
        {
            _counters[(int)ServiceCounter.Ok]++;
            if ((flags & ResponseFlags.Degraded) != 0) _counters[(int)ServiceCounter.Degraded]++;
            return;
        }
        _counters[(int)ServiceCounter.Errors]++;
        if ((flags & ResponseFlags.Overloaded) != 0) _counters[(int)ServiceCounter.Overloaded]++;
    }

    /// <summary>Records one inbound request's latency.</summary>
    public void RecordLatency(long ticks)
    {
        var us = ticks / 10;
        _latency ??= new LongHistogram(HighestMicroseconds, 2);
        _latency.RecordValue(us < 1 ? 1 : us > HighestMicroseconds ? HighestMicroseconds : us);
    }

    /// <summary>Adds <paramref name="other"/> into this one.</summary>
    public void Add(ServiceTelemetry other)
    {
        for (var i = 0; i < _counters.Length; i++) _counters[i] += other._counters[i];
        if (other.ModuleCalls is { } modules)
            foreach (var (key, n) in modules) { ModuleCalls ??= []; ModuleCalls[key] = ModuleCalls.GetValueOrDefault(key) + n; }
        if (other.ForeignStores is { } stores)
            foreach (var (store, (r, w)) in stores)
            {
                ForeignStores ??= new Dictionary<string, (long, long)>(StringComparer.Ordinal);
                var (reads, writes) = ForeignStores.GetValueOrDefault(store);
                ForeignStores[store] = (reads + r, writes + w);
            }
        if (other.EdgesFrom is { } edges)
            for (var source = 0; source < edges.Length; source++)
                if (edges[source] is { } e) EdgeFrom(source).Add(e);
        if (other.ZoneSeconds is { } zoneSeconds) AddZoneSeconds(zoneSeconds);
        if (other._latency is { } h)
        {
            _latency ??= new LongHistogram(HighestMicroseconds, 2);
            _latency.Add(h);
        }
    }

    /// <summary>Records <paramref name="count"/> latencies of <paramref name="microseconds"/> (merging a snapshot).</summary>
    public void RecordLatencyMicroseconds(long microseconds, long count)
    {
        _latency ??= new LongHistogram(HighestMicroseconds, 2);
        _latency.RecordValueWithCount(Math.Clamp(microseconds, 1, HighestMicroseconds), count);
    }

    /// <summary>Every counter, in schema order (<see cref="ServiceCounter"/>; for snapshots that cross nodes, read back by <see cref="SetCounters"/>).</summary>
    public long[] Counters() => (long[])_counters.Clone();

    /// <summary>Sets every counter from <paramref name="c"/>, in <see cref="Counters"/> order.</summary>
    /// <exception cref="InvalidDataException"><paramref name="c"/> does not have one value per counter of the schema.</exception>
    public void SetCounters(long[] c)
    {
        CounterSchema.CheckLength(c, "the counter array");
        c.CopyTo(_counters, 0);
    }

    /// <summary>Latency histogram in µs (null when nothing was recorded).</summary>
    public HistogramBase? Latency => _latency;
}
