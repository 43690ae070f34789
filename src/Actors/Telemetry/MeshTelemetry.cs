namespace ActorMesh.Telemetry;

/// <summary>
/// Telemetry of a run, kept off the hot path: every thread records into its own shard (no locks, no
/// interlocked operations, no contention); <see cref="Merge"/> sums the shards for a report once
/// the run has settled. Services are addressed by index (see <see cref="ServiceIndex"/>).
/// </summary>
internal sealed class MeshTelemetry : IDisposable
{
    private readonly ThreadLocal<Shard> _shards = new(() => new Shard(), trackAllValues: true);

    /// <summary>The calling thread's record for service <paramref name="serviceIndex"/>.</summary>
    public ServiceTelemetry For(int serviceIndex) => _shards.Value!.For(serviceIndex);

    /// <summary>Sums every shard: one entry per service index seen.</summary>
    public ServiceTelemetry[] Merge(int services)
    {
        var merged = new ServiceTelemetry[services];
        for (var i = 0; i < services; i++) merged[i] = new ServiceTelemetry();
        foreach (var shard in _shards.Values)
        {
            var items = shard.Items;
            for (var i = 0; i < Math.Min(items.Length, services); i++)
                if (items[i] is { } t) merged[i].Add(t);
        }
        return merged;
    }

    /// <summary>
    /// Adds the totals of <paramref name="counters"/> over every shard and service into <paramref name="into"/>
    /// (same order). Reads plain arrays only, so it may run while the mesh runs (a live sample, off the hot
    /// path: once a second): a 64-bit counter is never torn, and one that another thread is incrementing is
    /// read before or after that increment.
    /// </summary>
    public void Sum(ReadOnlySpan<ServiceCounter> counters, Span<long> into)
    {
        foreach (var shard in _shards.Values)
            foreach (var t in shard.Items)
                if (t is not null)
                    for (var k = 0; k < counters.Length; k++) into[k] += t[counters[k]];
    }

    /// <summary>
    /// Hands every shard's edge traffic to <paramref name="visit"/> as (destination index, source index, traffic),
    /// while the mesh runs: a scrape, off the hot path. Like <see cref="Sum"/>, it reads what the owning threads have written so far.
    /// </summary>
    public void ReadEdges(Action<int, int, EdgeTraffic> visit)
    {
        foreach (var shard in _shards.Values)
        {
            var items = shard.Items;
            for (var to = 0; to < items.Length; to++)
            {
                if (items[to]?.EdgesFrom is not { } edges) continue;
                for (var from = 0; from < edges.Length; from++)
                    if (edges[from] is { } e) visit(to, from, e);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _shards.Dispose();

    private sealed class Shard
    {
        public ServiceTelemetry?[] Items = new ServiceTelemetry?[16];

        public ServiceTelemetry For(int index)
        {
            if (index >= Items.Length) Array.Resize(ref Items, Math.Max(index + 1, Items.Length * 2));
            return Items[index] ??= new ServiceTelemetry();
        }
    }
}

/// <summary>Service (and gateway) names mapped to dense indices, fixed for a run.</summary>
internal sealed class ServiceIndex
{
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    /// <summary>Indexes <paramref name="names"/> in order.</summary>
    public ServiceIndex(IEnumerable<string> names)
    {
        foreach (var n in names) Of(n);
    }

    /// <summary>Names, by index.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>A copy of the names, safe to read while others are added (a live read from another thread).</summary>
    public string[] Snapshot()
    {
        lock (_byName) return [.. _names];
    }

    /// <summary>The index of <paramref name="name"/>, adding it if new.</summary>
    public int Of(string name)
    {
        lock (_byName)
        {
            if (_byName.TryGetValue(name, out var i)) return i;
            i = _names.Count;
            _byName[name] = i;
            _names.Add(name);
            return i;
        }
    }
}
