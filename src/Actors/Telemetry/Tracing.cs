namespace ActorMesh.Telemetry;

/// <summary>The kind of hop a span covers.</summary>
public enum HopKind
{
    /// <summary>The client, from the intended send to the answer.</summary>
    Client,
    /// <summary>The API gateway, from the request to its answer.</summary>
    Gateway,
    /// <summary>The caller's sidecar, from the app's call to its result (all attempts).</summary>
    SidecarOut,
    /// <summary>One message crossing the network (a request or a response leg).</summary>
    Network,
    /// <summary>The destination's sidecar, from the request's arrival to the answer leaving.</summary>
    SidecarIn,
    /// <summary>The service instance, from the request reaching it to its answer.</summary>
    App,
}

/// <summary>One span of a sampled trace. Times are mesh-clock ticks.</summary>
/// <param name="TraceId">The request's trace.</param>
/// <param name="SpanId">This span (never 0).</param>
/// <param name="ParentId">The caller's span; 0 for the client's root span.</param>
/// <param name="Kind">The hop it covers.</param>
/// <param name="Service">The workload the hop belongs to.</param>
/// <param name="Start">Start, in mesh-clock ticks.</param>
/// <param name="Duration">Duration, in ticks.</param>
/// <param name="Status">Status the hop answered (0: a request leg of the network, which has none).</param>
/// <param name="Flags">Response flags the hop answered with, where it knows them.</param>
/// <param name="Attempt">Which attempt of its call a network leg carried (1 = the first try; 0 = not an attempt's leg).</param>
/// <param name="Upstream">The instance (pod) an attempt went to, where the hop knows it.</param>
internal readonly record struct Span(long TraceId, long SpanId, long ParentId, HopKind Kind, string Service, long Start, long Duration, int Status,
    ActorMesh.DataPlane.ResponseFlags Flags = ActorMesh.DataPlane.ResponseFlags.None, int Attempt = 0, string? Upstream = null);

/// <summary>
/// Spans of sampled requests (W3C trace context in spirit: every hop opens a span whose parent is
/// the caller's). Only sampled requests record anything, so tracing costs nothing on the rest; each
/// thread keeps its own bounded list (spans past the bound are counted, not kept).
/// </summary>
internal sealed class TraceCollector : IDisposable
{
    /// <summary>Spans kept per thread.</summary>
    public const int MaxSpansPerThread = 200_000;

    private readonly ThreadLocal<Shard> _shards = new(() => new Shard(), trackAllValues: true);

    /// <summary>A new span id (never 0).</summary>
    public static long NewSpanId(MeshRandom random) => (long)(random.NextUInt64() >> 1) | 1;

    /// <summary>Records a finished span.</summary>
    public void Record(long traceId, long spanId, long parentId, HopKind kind, string service, long start, long end, int status,
        ActorMesh.DataPlane.ResponseFlags flags = ActorMesh.DataPlane.ResponseFlags.None, int attempt = 0, string? upstream = null)
    {
        var shard = _shards.Value!;
        if (shard.Spans.Count < MaxSpansPerThread) shard.Spans.Add(new Span(traceId, spanId, parentId, kind, service, start, Math.Max(0, end - start), status, flags, attempt, upstream));
        else shard.Dropped++;
    }

    /// <summary>Every span recorded so far, and how many were dropped past the bound.</summary>
    public (List<Span> Spans, long Dropped) Collect()
    {
        var spans = new List<Span>();
        long dropped = 0;
        foreach (var shard in _shards.Values)
        {
            spans.AddRange(shard.Spans);
            dropped += shard.Dropped;
        }
        return (spans, dropped);
    }

    /// <inheritdoc />
    public void Dispose() => _shards.Dispose();

    private sealed class Shard
    {
        public readonly List<Span> Spans = [];
        public long Dropped;
    }
}

/// <summary>Turns spans into the report's tracing section: self time per hop kind, and one sample trace of an ok request and one of a failed one.</summary>
internal static class TraceAnalysis
{
    /// <summary>The tracing section for <paramref name="spans"/>.</summary>
    public static TracingReport Analyse(List<Span> spans, long dropped)
    {
        var traces = spans.GroupBy(s => s.TraceId).ToList();
        var self = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        List<SpanReport>? best = null, worst = null;
        foreach (var trace in traces)
        {
            var list = trace.ToList();
            var children = list.ToLookup(s => s.ParentId);
            foreach (var span in list)
            {
                var ms = SelfTicks(span, children[span.SpanId]) / (double)MeshClock.TicksPerMillisecond;
                var kind = KindName(span.Kind);
                if (span.Kind == HopKind.Client) continue;
                if (!self.TryGetValue(kind, out var values)) self[kind] = values = [];
                values.Add(ms);
            }
            // The sample of each outcome is its trace with the most spans: ok, and failed (any non-2xx answer, or a timeout).
            var root = list.FirstOrDefault(s => s.Kind == HopKind.Client);
            if (root.SpanId == 0) continue;
            ref var sample = ref root.Status is >= 200 and < 300 ? ref best : ref worst;
            if (sample is not null && list.Count <= sample.Count) continue;
            sample = [.. Ordered(root, children)];
        }
        return new TracingReport
        {
            Traces = traces.Count,
            Spans = spans.Count,
            Dropped = dropped,
            HopLatencyMs = new SortedDictionary<string, double>(self.ToDictionary(kv => kv.Key, kv => Math.Round(Median(kv.Value), 3)), StringComparer.Ordinal),
            Sample = best ?? [],
            FailedSample = worst ?? [],
        };
    }

    /// <summary>The report's name for a hop kind; both sidecar directions are "sidecar".</summary>
    public static string KindName(HopKind kind) => kind switch
    {
        HopKind.Client => "client",
        HopKind.Gateway => "gateway",
        HopKind.SidecarOut or HopKind.SidecarIn => "sidecar",
        HopKind.Network => "network",
        _ => "app",
    };

    /// <summary>A span's own time: its duration less the time its children cover (overlaps counted once).</summary>
    private static long SelfTicks(Span span, IEnumerable<Span> children)
    {
        var covered = 0L;
        var end = span.Start;
        foreach (var c in children.OrderBy(c => c.Start))
        {
            var from = Math.Max(c.Start, end);
            var to = Math.Min(c.Start + c.Duration, span.Start + span.Duration);
            if (to > from) covered += to - from;
            end = Math.Max(end, c.Start + c.Duration);
        }
        return Math.Max(0, span.Duration - covered);
    }

    private static IEnumerable<SpanReport> Ordered(Span root, ILookup<long, Span> children)
    {
        var stack = new Stack<(Span Span, int Depth)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (span, depth) = stack.Pop();
            var kids = children[span.SpanId].OrderBy(c => c.Start).ToList();
            yield return new SpanReport(KindName(span.Kind), span.Service,
                Math.Round((span.Start - root.Start) / (double)MeshClock.TicksPerMillisecond, 3),
                Math.Round(span.Duration / (double)MeshClock.TicksPerMillisecond, 3),
                Math.Round(SelfTicks(span, kids) / (double)MeshClock.TicksPerMillisecond, 3), depth, span.Status);
            for (var i = kids.Count - 1; i >= 0; i--) stack.Push((kids[i], depth + 1));
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : values[values.Count / 2];
    }
}
