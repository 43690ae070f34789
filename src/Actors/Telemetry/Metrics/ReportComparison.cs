using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorMesh.Telemetry.Metrics;

/// <summary>
/// Two reports side by side: A (the baseline) and B, metric by metric, with B − A and (B − A) ÷ |A|, and the
/// verdicts of any regression rules. Built from the reports' JSON, so any two report files compare; a
/// metric one of them lacks has no value there (the console shows "—").
/// </summary>
public sealed record ReportComparison
{
    /// <summary>What A is: a file name, or "without mesh".</summary>
    public required string A { get; init; }
    /// <summary>What B is.</summary>
    public required string B { get; init; }
    /// <summary>The compared metrics, in groups: <c>run</c>, then <c>services.&lt;name&gt;</c> by name, <c>requestKinds.&lt;name&gt;</c>, and <c>figures</c>.</summary>
    public IReadOnlyList<ComparedMetric> Metrics { get; init; } = [];
    /// <summary>Each regression rule's verdict, in order; empty when none was given.</summary>
    public IReadOnlyList<RegressionResult> Regressions { get; init; } = [];
    /// <summary>True when no rule found a regression, false when one did; null when no rule was given.</summary>
    public bool? Passed { get; init; }

    /// <summary>Compares <paramref name="a"/> with <paramref name="b"/> (two reports' JSON) and checks <paramref name="rules"/>.</summary>
    public static ReportComparison Of(JsonNode a, JsonNode b, string aLabel, string bLabel, IReadOnlyList<RegressionRule>? rules = null)
    {
        var regressions = (rules ?? []).Select(r => r.Check(a, b)).ToList();
        return new ReportComparison
        {
            A = aLabel,
            B = bLabel,
            Metrics = ComparisonRows.Of(a, b),
            Regressions = regressions,
            Passed = regressions.Count == 0 ? null : regressions.All(r => !r.Regressed),
        };
    }

    /// <summary>The comparison as indented JSON (what <c>compare --json</c> writes).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, RunReport.Json);
}

/// <summary>One metric in both reports.</summary>
/// <param name="Group"><c>run</c>, <c>services.&lt;name&gt;</c>, <c>requestKinds.&lt;name&gt;</c> or <c>figures</c>.</param>
/// <param name="Metric">Its full name, as <c>--fail-on</c> and <c>--assert</c> take it.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="A">Its value in A, or null when A does not have it.</param>
/// <param name="B">Its value in B, or null.</param>
/// <param name="Delta">B − A, when both have it.</param>
/// <param name="RelativeDelta">(B − A) ÷ |A|, when both have it and A is not 0.</param>
public sealed record ComparedMetric(string Group, string Metric, MetricUnit Unit,
    double? A, double? B, double? Delta, double? RelativeDelta);

/// <summary>Which metrics a comparison shows: the headline ones always, the others when either report has them above 0.</summary>
internal static class ComparisonRows
{
    private static readonly string[] Headline =
        ["sent", "ok", "failed", "timedOut", "rejected", "inFlight", "degraded", "okRate", "errorRate", "rejectedRate", "degradedRate",
         "p50", "p90", "p99", "p999", "max", "mean"];
    private static readonly string[] FailedLatency = ["failedP50", "failedP90", "failedP99", "failedMax"];
    private static readonly string[] Throughput = ["throughputRps", "goodputRps"];
    private static readonly string[] MeshCore = ["retries", "timeouts", "perTryTimeouts", "circuitOpened", "rejectedByCircuit", "ejections", "overflows"];
    private static readonly string[] SectionsWhenNonZero = ["mesh", "controlPlane", "gateway", "security"];
    private static readonly string[] ServiceCore = ["instances", "requests", "errors", "errorRate", "p50", "p99", "retries", "timeouts", "rejectedByCircuit", "ejections"];
    private static readonly string[] KindCore = ["sent", "okRate", "errorRate", "p50", "p99"];

    public static List<ComparedMetric> Of(JsonNode a, JsonNode b)
    {
        var rows = new List<ComparedMetric>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string group, string metric, bool always)
        {
            if (!seen.Add(metric)) return;
            var va = ReportMetrics.Measure(a, metric).Value;
            var vb = ReportMetrics.Measure(b, metric).Value;
            if (!always && (va ?? 0) == 0 && (vb ?? 0) == 0) return;
            rows.Add(new ComparedMetric(group, metric, ReportMetrics.UnitOf(metric), va, vb,
                va is { } x && vb is { } y ? y - x : null,
                va is { } p && vb is { } q && p != 0 ? (q - p) / Math.Abs(p) : null));
        }

        foreach (var m in Headline) Add("run", m, always: true);
        if (Child(a, "failedLatencyMs") is not null || Child(b, "failedLatencyMs") is not null)
            foreach (var m in FailedLatency) Add("run", m, always: true);
        foreach (var m in Throughput) Add("run", m, always: true);
        foreach (var m in MeshCore) Add("run", $"mesh.{m}", always: true);
        foreach (var section in SectionsWhenNonZero)
            foreach (var field in NumberFields(Child(a, section), Child(b, section))) Add("run", $"{section}.{field}", always: false);

        foreach (var service in Keys(Child(a, "services"), Child(b, "services")))
        {
            var group = $"services.{service}";
            JsonNode? sa = Child(Child(a, "services"), service), sb = Child(Child(b, "services"), service);
            foreach (var m in ServiceCore) Add(group, $"{group}.{m}", always: true);
            foreach (var field in NumberFields(sa, sb)) Add(group, $"{group}.{field}", always: false);
            // An upstream counter goes by its own name (as the service's metrics do), unless the service's section has one of that name.
            foreach (var field in NumberFields(Child(sa, "upstream"), Child(sb, "upstream")))
                Add(group, Child(sa, field) is null && Child(sb, field) is null ? $"{group}.{field}" : $"{group}.upstream.{field}", always: false);
        }

        var kinds = Keys(Child(a, "requestKinds"), Child(b, "requestKinds"));
        if (kinds.Count > 1)
            foreach (var kind in kinds)
                foreach (var m in KindCore) Add($"requestKinds.{kind}", $"requestKinds.{kind}.{m}", always: true);

        foreach (var figure in NumberLeaves(Child(a, "figures"), Child(b, "figures"))) Add("figures", $"figures.{figure}", always: true);
        return rows;
    }

    /// <summary>The keys of two objects: A's in order, then B's others.</summary>
    private static List<string> Keys(JsonNode? a, JsonNode? b)
    {
        var keys = new List<string>();
        foreach (var node in new[] { a, b })
            if (node is JsonObject o)
                foreach (var (key, _) in o)
                    if (!keys.Contains(key)) keys.Add(key);
        return keys;
    }

    /// <summary>The keys of two objects whose values are numbers in either.</summary>
    private static IEnumerable<string> NumberFields(JsonNode? a, JsonNode? b) =>
        Keys(a, b).Where(k => IsNumber(Child(a, k)) || IsNumber(Child(b, k)));

    /// <summary>The dotted paths of every number in two objects, nested objects included (lists and text are not compared).</summary>
    private static List<string> NumberLeaves(JsonNode? a, JsonNode? b)
    {
        var paths = new List<string>();
        void Walk(JsonNode? node, string prefix)
        {
            if (node is not JsonObject o) return;
            foreach (var (key, value) in o)
            {
                var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
                if (IsNumber(value) || value is null) { if (!paths.Contains(path)) paths.Add(path); }
                else Walk(value, path);
            }
        }
        Walk(a, "");
        Walk(b, "");
        return paths;
    }

    private static JsonNode? Child(JsonNode? node, string key) => ReportMetrics.Child(node, key);

    private static bool IsNumber(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number;
}
