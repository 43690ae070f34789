using System.Globalization;
using ActorMesh.Hosting;
using Prometheus;

namespace ActorMesh.Telemetry;

/// <summary>
/// Istio's standard metrics (<c>istio_requests_total</c>, <c>istio_request_duration_milliseconds</c>,
/// <c>istio_request_bytes</c>, <c>istio_response_bytes</c>) with Istio's labels, so the queries of Istio's
/// dashboards work, through prometheus-net. Fed from the aggregated edge traffic (<see cref="EdgeTraffic"/>, recorded at the source)
/// when collected (a scrape, or <see cref="WriteAsync"/>), never per request: each collection adds what the
/// telemetry grew by since the previous one. Every workload is in namespace <see cref="Namespace"/>.
/// </summary>
internal sealed class IstioMetrics
{
    /// <summary>The namespace every workload and service is reported in.</summary>
    public const string Namespace = "default";

    /// <summary>The labels of every metric, in order.</summary>
    public static readonly string[] Labels =
    [
        "reporter", "source_workload", "source_workload_namespace", "source_app", "destination_workload", "destination_workload_namespace",
        "destination_app", "destination_service", "destination_service_name", "destination_service_namespace",
        "response_code", "response_flags", "connection_security_policy", "request_protocol",
    ];

    private readonly TelemetryTap _tap;
    private readonly Lock _gate = new();
    private readonly Dictionary<EdgeKey, EdgeCell> _applied = [];
    private readonly Counter _requests;
    private readonly Histogram _duration, _requestBytes, _responseBytes;

    /// <summary>Metrics of the runs <paramref name="tap"/> hands over, in a registry of their own.</summary>
    public IstioMetrics(TelemetryTap tap)
    {
        _tap = tap;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter("istio_requests_total", "Requests, as Istio's standard metrics count them.", Labels);
        _duration = factory.CreateHistogram("istio_request_duration_milliseconds", "Request duration, ms.",
            new HistogramConfiguration { LabelNames = Labels, Buckets = EdgeBuckets.DurationBoundsMs });
        _requestBytes = factory.CreateHistogram("istio_request_bytes", "Request sizes, bytes.", new HistogramConfiguration { LabelNames = Labels, Buckets = EdgeBuckets.ByteBounds });
        _responseBytes = factory.CreateHistogram("istio_response_bytes", "Response sizes, bytes.", new HistogramConfiguration { LabelNames = Labels, Buckets = EdgeBuckets.ByteBounds });
        Registry.AddBeforeCollectCallback(Update);
    }

    /// <summary>The registry the metrics are in (serve it, or export it).</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Serves <c>/metrics</c> on <paramref name="host"/>:<paramref name="port"/> until disposed.</summary>
    public IDisposable Serve(string host, int port) => new MetricServer(host, port, "metrics/", Registry).Start();

    /// <summary>Writes the current snapshot in Prometheus's text format.</summary>
    public Task WriteAsync(Stream stream, CancellationToken cancellation = default) => Registry.CollectAndExportAsTextAsync(stream, cancellation);

    /// <summary>The label values of <paramref name="key"/>, in <see cref="Labels"/> order.</summary>
    public static string[] LabelValues(EdgeKey key) =>
    [
        key.Reporter == EdgeReporter.Source ? "source" : "destination", key.Source, Namespace, key.Source, key.Destination, Namespace,
        key.Destination, $"{key.Destination}.{Namespace}.svc.cluster.local", key.Destination, Namespace,
        key.Status.ToString(CultureInfo.InvariantCulture), ResponseFlagNames.Format(key.Flags),
        // As Istio: the source cannot know the destination's policy.
        key.Reporter == EdgeReporter.Source ? "unknown" : key.Mtls ? "mutual_tls" : "none", "http",
    ];

    /// <summary>Adds what the telemetry grew by since the last collection.</summary>
    private void Update()
    {
        var totals = new EdgeTotals();
        foreach (var view in _tap.Completed) totals.Add(view.Edges);
        foreach (var runtime in _tap.Live) totals.Add(runtime);
        lock (_gate)
        {
            foreach (var (key, cell) in totals.Cells)
            {
                if (!_applied.TryGetValue(key, out var applied)) _applied[key] = applied = new EdgeCell();
                if (cell.Count <= applied.Count) continue;
                var labels = LabelValues(key);
                _requests.WithLabels(labels).Inc(cell.Count - applied.Count);
                Observe(_duration.WithLabels(labels), EdgeBuckets.DurationBoundsMs, cell.Duration, cell.DurationSumTicks, applied.Duration, applied.DurationSumTicks, 1.0 / TimeSpan.TicksPerMillisecond);
                Observe(_requestBytes.WithLabels(labels), EdgeBuckets.ByteBounds, cell.RequestBytes, cell.RequestBytesSum, applied.RequestBytes, applied.RequestBytesSum, 1);
                Observe(_responseBytes.WithLabels(labels), EdgeBuckets.ByteBounds, cell.ResponseBytes, cell.ResponseBytesSum, applied.ResponseBytes, applied.ResponseBytesSum, 1);
                var delta = new EdgeCell();
                delta.Add(cell);
                _applied[key] = delta;
            }
        }
    }

    // scale: a sum's unit in the histogram's (ticks to ms for durations).
    private static void Observe(IHistogram histogram, double[] bounds, long[] counts, long[] sums, long[] appliedCounts, long[] appliedSums, double scale)
    {
        for (var b = 0; b < counts.Length; b++)
        {
            var n = counts[b] - appliedCounts[b];
            if (n > 0) histogram.Observe(InBucket(bounds, b, (sums[b] - appliedSums[b]) * scale / n), n);
        }
    }

    /// <summary>
    /// The mean of the values a bucket gained, which lies in the bucket: observed n times, it puts them in the
    /// same bucket and keeps the sum exact (rounding kept inside the bucket's bounds).
    /// </summary>
    private static double InBucket(double[] bounds, int bucket, double mean)
    {
        if (bucket < bounds.Length && mean > bounds[bucket]) mean = bounds[bucket];
        if (bucket > 0 && mean <= bounds[bucket - 1]) mean = Math.BitIncrement(bounds[bucket - 1]);
        return mean;
    }
}
