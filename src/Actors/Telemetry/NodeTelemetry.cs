using HdrHistogram;

namespace ActorMesh.Telemetry;

/// <summary>Ask a cluster node for its telemetry of the current run (answer: <see cref="NodeTelemetry"/>).</summary>
internal sealed class GetNodeTelemetry : Signal<GetNodeTelemetry>, IMeshMessage;

/// <summary>
/// One node's telemetry of a run, as it crosses to the edge that reports on a cluster of separate
/// processes: every service's counters and latency histogram by name, and the node's sampled spans.
/// </summary>
/// <param name="Node">The node.</param>
/// <param name="Services">Per service, by name.</param>
/// <param name="Spans">The spans sampled on the node.</param>
/// <param name="SpansDropped">Spans not kept past a thread's bound.</param>
/// <remarks>Serialized as JSON with the other control messages: it crosses once per node per run.</remarks>
internal sealed record NodeTelemetry(string Node, IReadOnlyList<ServiceSnapshot> Services, IReadOnlyList<Span> Spans, long SpansDropped) : IMeshMessage
{
    /// <summary>What the node sent to other nodes during the run (see <see cref="Clustering.CrossNodeTraffic"/>).</summary>
    public Clustering.CrossNodeTotals CrossNode { get; init; }

    /// <summary>The telemetry <paramref name="runtime"/> has recorded so far.</summary>
    public static NodeTelemetry Of(MeshRuntime runtime)
    {
        var names = runtime.Services.Names;
        var merged = runtime.Telemetry.Merge(names.Count);
        var services = new List<ServiceSnapshot>(names.Count);
        for (var i = 0; i < names.Count; i++) services.Add(ServiceSnapshot.Of(names[i], merged[i], names));
        var (spans, dropped) = runtime.Traces.Collect();
        return new NodeTelemetry(runtime.Node, services, spans, dropped);
    }
}

/// <summary>One service's telemetry on one node, in plain values (see <see cref="ServiceTelemetry"/> for what each counts).</summary>
/// <param name="Name">The service.</param>
/// <param name="Counters">The counters, one per <see cref="ServiceCounter"/> in schema order (<see cref="CounterSchema.Count"/> of them).</param>
/// <param name="Latency">Latency histogram as (µs, count) pairs.</param>
/// <param name="ModuleCalls">In-process module calls as (caller, callee, calls).</param>
/// <param name="ForeignStores">Accesses to stores the service does not own as (store, reads, writes).</param>
/// <param name="EdgesFrom">Traffic to the service by calling workload's name (null: none).</param>
internal sealed record ServiceSnapshot(
    string Name,
    long[] Counters,
    long[][] Latency,
    long[][] ModuleCalls,
    IReadOnlyList<StoreAccess> ForeignStores,
    IReadOnlyDictionary<string, EdgeSnapshot>? EdgesFrom = null)
{
    /// <summary>Zoned and cross-zone attempts per second (<see cref="ServiceTelemetry.ZoneSeconds"/>); empty without zones.</summary>
    public long[] ZoneSeconds { get; init; } = [];

    /// <summary>The snapshot of <paramref name="t"/>; <paramref name="names"/> resolves calling workloads' indices.</summary>
    public static ServiceSnapshot Of(string name, ServiceTelemetry t, IReadOnlyList<string> names)
    {
        var latency = new List<long[]>();
        if (t.Latency is { } h)
            foreach (var v in h.RecordedValues()) latency.Add([v.ValueIteratedTo, v.CountAtValueIteratedTo]);
        var modules = t.ModuleCalls?.Select(m => new[] { (long)m.Key.Caller, m.Key.Callee, m.Value }).ToArray() ?? [];
        var stores = t.ForeignStores?.Select(s => new StoreAccess(s.Key, s.Value.Reads, s.Value.Writes)).ToList() ?? [];
        Dictionary<string, EdgeSnapshot>? edges = null;
        if (t.EdgesFrom is { } byIndex)
            for (var s = 0; s < Math.Min(byIndex.Length, names.Count); s++)
                if (byIndex[s] is { } e) (edges ??= new Dictionary<string, EdgeSnapshot>(StringComparer.Ordinal))[names[s]] = EdgeSnapshot.Of(e);
        return new ServiceSnapshot(name, t.Counters(), [.. latency], modules, stores, edges) { ZoneSeconds = t.ZoneSeconds is { } z ? (long[])z.Clone() : [] };
    }

    /// <summary>The telemetry again; <paramref name="indexOf"/> gives a calling workload's index in the merged view.</summary>
    /// <exception cref="InvalidDataException">The snapshot carries another number of counters than this node's schema.</exception>
    public ServiceTelemetry ToTelemetry(Func<string, int> indexOf)
    {
        CounterSchema.CheckLength(Counters, $"the snapshot of service '{Name}'");
        var t = new ServiceTelemetry();
        t.SetCounters(Counters);
        foreach (var pair in Latency) t.RecordLatencyMicroseconds(pair[0], pair[1]);
        foreach (var m in ModuleCalls)
        {
            t.ModuleCalls ??= [];
            t.ModuleCalls[((int)m[0], (int)m[1])] = m[2];
        }
        foreach (var s in ForeignStores)
        {
            t.ForeignStores ??= new Dictionary<string, (long, long)>(StringComparer.Ordinal);
            t.ForeignStores[s.Store] = (s.Reads, s.Writes);
        }
        foreach (var (source, e) in EdgesFrom ?? new Dictionary<string, EdgeSnapshot>()) t.EdgeFrom(indexOf(source)).Add(e.ToTraffic(Name, source));
        if (ZoneSeconds.Length > 0) t.AddZoneSeconds(ZoneSeconds);
        return t;
    }
}

/// <summary>Accesses to a store another service owns.</summary>
public sealed record StoreAccess(string Store, long Reads, long Writes);
