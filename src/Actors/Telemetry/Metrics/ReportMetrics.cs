using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorMesh.Telemetry.Metrics;

/// <summary>What a metric's number is: it decides which values a threshold may give and how the number prints.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseNames<MetricUnit>))]
public enum MetricUnit
{
    /// <summary>A plain number: a count, a version, a figure without a unit.</summary>
    Number,
    /// <summary>A ratio from 0 to 1 (<c>okRate</c>); a threshold may write it as a percentage (<c>99%</c>).</summary>
    Ratio,
    /// <summary>Milliseconds (latencies); a threshold may write a duration (<c>50ms</c>, <c>1.5s</c>).</summary>
    Milliseconds,
    /// <summary>Seconds (<c>controlPlane.downSeconds</c>); a threshold may write a duration.</summary>
    Seconds,
    /// <summary>Per second (<c>throughputRps</c>).</summary>
    PerSecond,
}

/// <summary>Writes an enum's members by their camelCase names, as the report writes its fields.</summary>
internal sealed class CamelCaseNames<T>() : System.Text.Json.Serialization.JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase) where T : struct, Enum;

/// <summary>A metric's value in one report, or why that report has none.</summary>
/// <param name="Value">The value, in the metric's unit; null when not measured.</param>
/// <param name="Missing">Why there is no value ("no service 'x' in the report"); null when there is one.</param>
public readonly record struct Measurement(double? Value, string? Missing)
{
    /// <summary>A value.</summary>
    public static Measurement Of(double value) => new(value, null);

    /// <summary>No value, and why.</summary>
    public static Measurement None(string why) => new(null, why);
}

/// <summary>A named metric of the vocabulary: its name within its scope, its unit and what it measures.</summary>
/// <param name="Name">The name within its scope: <c>okRate</c> (of the run), <c>errorRate</c> (of <c>services.&lt;name&gt;</c>).</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Doc">What it measures, in one line.</param>
public sealed record MetricDefinition(string Name, MetricUnit Unit, string Doc)
{
    internal Func<JsonNode, Measurement> Measure { get; init; } = _ => Measurement.None("not defined");
}

/// <summary>
/// The names <c>--assert</c>, <c>slo:</c> and <c>compare --fail-on</c> use for a report's numbers. A name is one of:
/// <list type="bullet">
/// <item><description>a metric of the run (<see cref="Run"/>): <c>okRate</c>, <c>errorRate</c>, <c>p99</c>, <c>throughputRps</c>, ...;</description></item>
/// <item><description><c>services.&lt;name&gt;.&lt;m&gt;</c>: <c>m</c> one of <see cref="Service"/> (<c>errorRate</c>, <c>p99</c>, ...), any counter the
/// service's section or its <c>upstream</c> section shows (<c>requests</c>, <c>retries</c>, <c>timeouts</c>, ...), or a path in the service's section;</description></item>
/// <item><description><c>requestKinds.&lt;name&gt;.&lt;m&gt;</c>: <c>m</c> one of <see cref="RequestKind"/>, or a path in the kind's section;</description></item>
/// <item><description><c>figures.&lt;name&gt;</c>: a lesson's figure (nested figures by path: <c>figures.hopLatencyMs.sidecar</c>);</description></item>
/// <item><description>any other number of the JSON report by its path: <c>mesh.retries</c>, <c>controlPlane.downSeconds</c>, <c>gateway.rateLimited</c>.</description></item>
/// </list>
/// Values are read from the report's JSON, so any report file can be measured, and a field a newer
/// report adds (<c>failedLatencyMs</c>) is measurable as soon as it is there.
/// </summary>
public static class ReportMetrics
{
    private static readonly (string Name, string Label)[] Percentiles =
        [("p50", "median"), ("p90", "90th percentile"), ("p99", "99th percentile"), ("p999", "99.9th percentile"), ("max", "largest"), ("mean", "mean")];

    /// <summary>Metrics of the whole run (the measured window), by name.</summary>
    public static IReadOnlyList<MetricDefinition> Run { get; } =
    [
        .. Outcomes("outcomes.degraded", "the run's"),
        Field("throughputRps", MetricUnit.PerSecond, "throughputRps", "Answered requests per second of the measured window (any outcome)."),
        Field("goodputRps", MetricUnit.PerSecond, "goodputRps", "Ok requests per second of the measured window."),
    ];

    /// <summary>Metrics of one service (<c>services.&lt;name&gt;.&lt;m&gt;</c>), beside its counters, by name.</summary>
    public static IReadOnlyList<MetricDefinition> Service { get; } =
    [
        Rate("okRate", ["ok"], "requests", "Of the requests that reached the service, those it answered 2xx."),
        Rate("errorRate", ["errors"], "requests", "Of the requests that reached the service, those it answered with an error (overloaded and denied included)."),
        .. Latencies("", "latencyMs", "the service's latency at its sidecar (inbound)"),
    ];

    /// <summary>Metrics of one kind of request of the load mix (<c>requestKinds.&lt;name&gt;.&lt;m&gt;</c>), by name.</summary>
    public static IReadOnlyList<MetricDefinition> RequestKind { get; } = Outcomes("degraded", "the kind's");

    /// <summary>
    /// The value of <paramref name="metric"/> in <paramref name="report"/> (a report's JSON, as <see cref="RunReport.ToJson"/> writes it),
    /// or why it has none.
    /// </summary>
    public static Measurement Measure(JsonNode report, string metric)
    {
        if (Find(Run, metric) is { } run) return run.Measure(report);
        if (Under(metric, "services") is { } service) return InEntry(report, "services", service, "service", Service, fallback: "upstream");
        if (Under(metric, "requestKinds") is { } kind) return InEntry(report, "requestKinds", kind, "request kind", RequestKind, fallback: null);
        if (Under(metric, "figures") is { } figure)
            return Navigate(Child(report, "figures"), figure) is { } node ? Number(node, metric) : Measurement.None($"the run has no figure '{figure}'");
        return Navigate(report, metric) is { } field ? Number(field, metric) : Measurement.None($"the report has no '{metric}'");
    }

    /// <summary>A report as the JSON the metrics are measured on.</summary>
    public static JsonNode Json(RunReport report) => JsonNode.Parse(report.ToJson())!;

    /// <summary>The unit of <paramref name="metric"/> (a name <see cref="MetricNames.Problems(string)"/> accepts).</summary>
    public static MetricUnit UnitOf(string metric)
    {
        if (Find(Run, metric) is { } run) return run.Unit;
        if (Under(metric, "services") is { } service) return UnitIn(MetricNames.SplitEntry(service, MetricNames.IsServiceMetric).Metric, Service);
        if (Under(metric, "requestKinds") is { } kind) return UnitIn(MetricNames.SplitEntry(kind, MetricNames.IsRequestKindMetric).Metric, RequestKind);
        return UnitOfPath(metric);
    }

    /// <summary>The definition named <paramref name="name"/> in <paramref name="scope"/>, or null.</summary>
    internal static MetricDefinition? Find(IReadOnlyList<MetricDefinition> scope, string name)
    {
        foreach (var d in scope) if (d.Name == name) return d;
        return null;
    }

    /// <summary>What follows "<paramref name="section"/>." in <paramref name="metric"/>, or null when it is not under that section.</summary>
    internal static string? Under(string metric, string section) =>
        metric.Length > section.Length + 1 && metric.StartsWith(section, StringComparison.Ordinal) && metric[section.Length] == '.' ? metric[(section.Length + 1)..] : null;

    /// <summary>The node at a dotted <paramref name="path"/>; at each level the longest key that fits wins, so names may hold dots.</summary>
    internal static JsonNode? Navigate(JsonNode? node, string path)
    {
        while (node is JsonObject o)
        {
            string? best = null;
            foreach (var (key, _) in o)
                if ((best is null || key.Length > best.Length) && Fits(path, key)) best = key;
            if (best is null) return null;
            node = o[best];
            if (best.Length == path.Length) return node;
            path = path[(best.Length + 1)..];
        }
        return null;
    }

    /// <summary>The value at <paramref name="key"/> when <paramref name="node"/> is an object, else null.</summary>
    internal static JsonNode? Child(JsonNode? node, string key) => node is JsonObject o ? o[key] : null;

    /// <summary>True when <paramref name="path"/> is <paramref name="key"/> or starts with it and a dot.</summary>
    internal static bool Fits(string path, string key) =>
        path.StartsWith(key, StringComparison.Ordinal) && (path.Length == key.Length || path[key.Length] == '.');

    /// <summary>A path's unit from its names: a last name ending in Rate, Ratio or Share (or a rate During, Before, After or With something) is a ratio; a name ending in Ms, milliseconds; Seconds, seconds; Rps, per second.</summary>
    internal static MetricUnit UnitOfPath(string path)
    {
        var names = path.Split('.');
        var leaf = names[^1];
        if (IsRate(leaf) || EndsWith(leaf, "Ratio") || EndsWith(leaf, "Share") || leaf is "share" or "ratio") return MetricUnit.Ratio;
        if (EndsWith(leaf, "Seconds") || leaf == "seconds") return MetricUnit.Seconds;
        if (EndsWith(leaf, "Rps")) return MetricUnit.PerSecond;
        foreach (var name in names) if (EndsWith(name, "Ms") || name.Contains("MsM", StringComparison.Ordinal)) return MetricUnit.Milliseconds; // convergenceMsMax
        return MetricUnit.Number;
    }

    /// <summary>A name ending in Rate, or a rate and when it was measured: okRateDuringOutage, okRateWithMesh.</summary>
    private static bool IsRate(string name)
    {
        if (EndsWith(name, "Rate")) return true;
        var at = name.IndexOf("Rate", StringComparison.Ordinal);
        if (at <= 0) return false;
        var rest = name[(at + 4)..];
        foreach (var when in RateQualifiers) if (rest.StartsWith(when, StringComparison.Ordinal)) return true;
        return false;
    }

    private static readonly string[] RateQualifiers = ["During", "Before", "After", "With"];

    private static bool EndsWith(string name, string suffix) => name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal);

    private static MetricUnit UnitIn(string metric, IReadOnlyList<MetricDefinition> scope) => Find(scope, metric)?.Unit ?? UnitOfPath(metric);

    private static Measurement InEntry(JsonNode report, string section, string rest, string what, IReadOnlyList<MetricDefinition> scope, string? fallback)
    {
        if (Child(report, section) is not JsonObject entries) return Measurement.None($"the report has no '{section}' section");
        string? name = null;
        foreach (var (key, _) in entries)
            if ((name is null || key.Length > name.Length) && rest.Length > key.Length && Fits(rest, key)) name = key;
        if (name is null) return Measurement.None($"no {what} '{MetricNames.SplitEntry(rest, _ => true).Name}' in the report");
        var entry = entries[name]!;
        var metric = rest[(name.Length + 1)..];
        if (Find(scope, metric) is { } defined) return defined.Measure(entry);
        var node = Navigate(entry, metric) ?? (fallback is null ? null : Navigate(Child(entry, fallback), metric));
        return node is null ? Measurement.None($"the {what} '{name}' has no '{metric}' in the report") : Number(node, $"{section}.{rest}");
    }

    private static Measurement Number(JsonNode node, string metric)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
        {
            if (value.TryGetValue<double>(out var d)) return Measurement.Of(d);
            if (value.TryGetValue<long>(out var l)) return Measurement.Of(l);
            if (value.TryGetValue<int>(out var i)) return Measurement.Of(i);
            if (value.TryGetValue<decimal>(out var m)) return Measurement.Of((double)m);
        }
        return node.GetValueKind() == JsonValueKind.Null
            ? Measurement.None($"'{metric}' is null: the run gave no measurement")
            : Measurement.None($"'{metric}' is {Describe(node)}, not a number");
    }

    private static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => "a section",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "text",
        _ => node.ToJsonString(),
    };

    private static double? Read(JsonNode scope, string path) =>
        Navigate(scope, path) is { } node && Number(node, path) is { Value: { } v } ? v : null;

    private static MetricDefinition Field(string name, MetricUnit unit, string path, string doc) => new(name, unit, doc)
    {
        Measure = scope => Navigate(scope, path) is { } node ? Number(node, path) : Measurement.None($"the report has no '{path}'"),
    };

    /// <summary>The sum of <paramref name="numerators"/> over <paramref name="denominator"/>; not measured when that is 0.</summary>
    private static MetricDefinition Rate(string name, string[] numerators, string denominator, string doc) => new(name, MetricUnit.Ratio, doc)
    {
        Measure = scope =>
        {
            if (Read(scope, denominator) is not { } total) return Measurement.None($"the report has no '{denominator}'");
            if (total == 0) return Measurement.None($"no {denominator.Split('.')[^1]}: a rate of nothing");
            double sum = 0;
            foreach (var n in numerators)
            {
                if (Read(scope, n) is not { } part) return Measurement.None($"the report has no '{n}'");
                sum += part;
            }
            return Measurement.Of(sum / total);
        },
    };

    private static IEnumerable<MetricDefinition> Latencies(string prefix, string section, string what)
    {
        foreach (var (p, label) in Percentiles)
        {
            var name = prefix.Length == 0 ? p : prefix + char.ToUpperInvariant(p[0]) + p[1..];
            yield return Field(name, MetricUnit.Milliseconds, $"{section}.{p}", $"The {label} of {what}, in ms (`{section}.{p}`).");
        }
    }

    /// <summary>The outcome metrics of the run or of a request kind; <paramref name="degraded"/> is where its degraded count is.</summary>
    private static MetricDefinition[] Outcomes(string degraded, string whose) =>
    [
        Field("sent", MetricUnit.Number, "requests.sent", $"Requests sent in {whose} measured window (`requests.sent`)."),
        Field("ok", MetricUnit.Number, "requests.ok", "Of those, answered 2xx."),
        Field("failed", MetricUnit.Number, "requests.failed", "Of those, answered with an error status."),
        Field("timedOut", MetricUnit.Number, "requests.timedOut", "Of those, timed out (the edge's route timeout or the client's)."),
        Field("rejected", MetricUnit.Number, "requests.rejected", "Of those, refused before being handled."),
        Field("inFlight", MetricUnit.Number, "requests.inFlight", "Of those, still unanswered when the drain ended."),
        Field("degraded", MetricUnit.Number, degraded, "Of the ok, answered degraded (flag DG)."),
        Rate("okRate", ["requests.ok"], "requests.sent", "ok ÷ sent."),
        Rate("errorRate", ["requests.failed", "requests.timedOut"], "requests.sent", "(failed + timedOut) ÷ sent."),
        Rate("failedRate", ["requests.failed"], "requests.sent", "failed ÷ sent."),
        Rate("timedOutRate", ["requests.timedOut"], "requests.sent", "timedOut ÷ sent."),
        Rate("rejectedRate", ["requests.rejected"], "requests.sent", "rejected ÷ sent."),
        Rate("degradedRate", [degraded], "requests.sent", "degraded ÷ sent: answered ok, but in part."),
        .. Latencies("", "latencyMs", "ok requests' end-to-end latency (from the intended send time)"),
        .. Latencies("failed", "failedLatencyMs", "failed requests' latency, when the report has `failedLatencyMs`"),
    ];
}
