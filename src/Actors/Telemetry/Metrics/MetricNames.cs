using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ActorMesh.Telemetry.Metrics;

/// <summary>
/// Checks a metric name before any report exists: against the vocabulary of <see cref="ReportMetrics"/>
/// and the report's own shape (its record types and the counters <see cref="CounterSchema"/> shows), and,
/// given a topology, that the services and request kinds it names are the topology's. A figure cannot be
/// checked before the run: only the run says which figures it gives.
/// </summary>
public static class MetricNames
{
    /// <summary>What is wrong with <paramref name="metric"/> as a name; empty when it is one.</summary>
    public static IReadOnlyList<string> Problems(string metric) => Problems(metric, null);

    /// <summary>
    /// What is wrong with <paramref name="metric"/>; with a <paramref name="topology"/>, a service or request kind
    /// it names must also be one of the topology's. Empty when nothing is wrong.
    /// </summary>
    public static IReadOnlyList<string> Problems(string metric, MeshTopology? topology)
    {
        if (string.IsNullOrWhiteSpace(metric)) return ["no metric is named"];
        if (ReportMetrics.Find(ReportMetrics.Run, metric) is not null) return [];
        if (ReportMetrics.Under(metric, "services") is { } service)
            return EntryProblems(service, "service", IsServiceMetric, topology is null ? null : [.. topology.Services.Select(s => s.Name)], ServiceHint);
        if (ReportMetrics.Under(metric, "requestKinds") is { } kind)
            return EntryProblems(kind, "request kind", IsRequestKindMetric, topology is null ? null : KindNames(topology), KindHint);
        if (ReportMetrics.Under(metric, "figures") is not null) return [];
        switch (metric)
        {
            case "services": return ["'services' needs a service and a metric: services.<name>.<metric>, e.g. services.payments.errorRate"];
            case "requestKinds": return ["'requestKinds' needs a kind and a metric: requestKinds.<name>.<metric>, e.g. requestKinds.checkout.p99"];
            case "figures": return ["'figures' needs a figure's name: figures.<name>, e.g. figures.okRateDuringOutage"];
        }
        var first = metric.Split('.')[0];
        if (!Fields(typeof(RunReport)).ContainsKey(first))
        {
            var known = ReportMetrics.Run.Select(d => d.Name).Concat(Fields(typeof(RunReport)).Keys);
            return [$"unknown metric '{metric}'{TopologyValidator.Suggest(metric.Contains('.') ? first : metric, known)}: a metric of the run (okRate, errorRate, p99, ...), services.<name>.<metric>, requestKinds.<name>.<metric>, figures.<name>, or the path of a number in the report (mesh.retries)"];
        }
        return FieldProblem(typeof(RunReport), metric) is { } problem ? [problem] : [];
    }

    /// <summary>True when <paramref name="metric"/> names a number of a service: one of <see cref="ReportMetrics.Service"/>, a counter or a path of its section, or of its upstream section.</summary>
    internal static bool IsServiceMetric(string metric) =>
        ReportMetrics.Find(ReportMetrics.Service, metric) is not null
        || FieldProblem(typeof(ServiceReport), metric) is null
        || FieldProblem(typeof(UpstreamReport), metric) is null;

    /// <summary>True when <paramref name="metric"/> names a number of a request kind.</summary>
    internal static bool IsRequestKindMetric(string metric) =>
        ReportMetrics.Find(ReportMetrics.RequestKind, metric) is not null || FieldProblem(typeof(RequestKindReport), metric) is null;

    /// <summary>
    /// Splits "&lt;name&gt;.&lt;metric&gt;" (a name may hold dots) at the first dot that leaves a metric; failing that,
    /// at the last dot.
    /// </summary>
    internal static (string Name, string Metric) SplitEntry(string rest, Func<string, bool> isMetric)
    {
        for (var dot = rest.IndexOf('.'); dot > 0; dot = rest.IndexOf('.', dot + 1))
            if (isMetric(rest[(dot + 1)..])) return (rest[..dot], rest[(dot + 1)..]);
        var last = rest.LastIndexOf('.');
        return last < 0 ? (rest, "") : (rest[..last], rest[(last + 1)..]);
    }

    private static IReadOnlyList<string> KindNames(MeshTopology topology) =>
        RequestMix.KindNames(topology.Load.Requests.IsEmpty ? [new RequestMix("/")] : topology.Load.Requests);

    private static IReadOnlyList<string> EntryProblems(string rest, string what, Func<string, bool> isMetric, IReadOnlyList<string>? names, Func<string, string> hint)
    {
        if (names is not null)
        {
            foreach (var name in names.OrderByDescending(n => n.Length))
            {
                if (!ReportMetrics.Fits(rest, name)) continue;
                var metric = rest.Length > name.Length ? rest[(name.Length + 1)..] : "";
                return isMetric(metric) ? [] : [hint(metric)];
            }
            var (guess, guessed) = SplitEntry(rest, isMetric);
            var unknown = $"no {what} '{guess}' in the topology{TopologyValidator.Suggest(guess, names)}";
            return isMetric(guessed) ? [unknown] : [unknown, hint(guessed)];
        }
        var (_, split) = SplitEntry(rest, isMetric);
        return isMetric(split) ? [] : [hint(split)];
    }

    private static string ServiceHint(string metric)
    {
        if (metric.Length == 0) return "a service's metric is missing: services.<name>.<metric>, e.g. services.payments.errorRate";
        var counters = CounterSchema.In(ReportSections.Service | ReportSections.Upstream).Select(d => d.JsonName).ToList();
        var named = ReportMetrics.Service.Select(d => d.Name).Concat(counters).Append("instances");
        return $"'{metric}' is not a metric of a service{TopologyValidator.Suggest(metric, named)}: use {string.Join(", ", ReportMetrics.Service.Select(d => d.Name))}, instances, " +
            $"a counter ({string.Join(", ", counters)}) or a path in its section (upstream.retries, latencyMs.p99)";
    }

    private static string KindHint(string metric)
    {
        if (metric.Length == 0) return "a request kind's metric is missing: requestKinds.<name>.<metric>, e.g. requestKinds.checkout.p99";
        var named = ReportMetrics.RequestKind.Select(d => d.Name).ToList();
        return $"'{metric}' is not a metric of a request kind{TopologyValidator.Suggest(metric, named)}: use {string.Join(", ", named)}, or a path in its section (requests.sent, partialFailures)";
    }

    /// <summary>Why <paramref name="path"/> does not name a number of a <paramref name="type"/> as the report's JSON writes it; null when it does.</summary>
    internal static string? FieldProblem(Type type, string path)
    {
        var at = "";
        while (true)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (IsNumber(type)) return path.Length == 0 ? null : $"'{at}' is a number; it has no '{path}'";
            if (type == typeof(JsonObject)) return path.Length == 0 ? $"'{at}' is a section, not a number" : null;
            if (path.Length == 0)
                return Kind(type) is { } kind ? $"'{at}' is {kind}, not a number" : $"'{at}' is a section, not a number: name one of its numbers ({string.Join(", ", Fields(type).Keys)})";
            if (Kind(type) is { } leaf) return $"'{at}' is {leaf}; it has no '{path}'";
            var prefix = at.Length == 0 ? "" : at + ".";
            if (DictionaryValue(type) is { } value)
            {
                // The key is the user's name, which may hold dots: any split that leaves a number of the value will do.
                if (IsNumber(value)) return null;
                for (var dot = path.IndexOf('.'); dot > 0; dot = path.IndexOf('.', dot + 1))
                    if (FieldProblem(value, path[(dot + 1)..]) is null) return null;
                return $"'{prefix}{path}' is not <name>.<number>: each entry of '{at}' has {string.Join(", ", Fields(value).Keys)}";
            }
            var fields = Fields(type);
            var end = path.IndexOf('.');
            var name = end < 0 ? path : path[..end];
            if (!fields.TryGetValue(name, out var next))
                return $"'{at}' has no '{name}'{TopologyValidator.Suggest(name, fields.Keys)}; it has {string.Join(", ", fields.Keys)}";
            at = prefix + name;
            path = end < 0 ? "" : path[(end + 1)..];
            type = next;
        }
    }

    private static string? Kind(Type type) =>
        type == typeof(string) ? "text"
        : type == typeof(bool) ? "true or false"
        : type.IsEnum ? "a name"
        : DictionaryValue(type) is null && typeof(IEnumerable).IsAssignableFrom(type) ? "a list"
        : null;

    private static bool IsNumber(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(float) || type == typeof(decimal);

    private static Type? DictionaryValue(Type type)
    {
        foreach (var i in type.GetInterfaces())
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && i.GetGenericArguments()[0] == typeof(string))
                return i.GetGenericArguments()[1];
        return null;
    }

    /// <summary>The JSON names of <paramref name="type"/>'s fields and their types, counters included, as the report writes them.</summary>
    private static Dictionary<string, Type> Fields(Type type)
    {
        var fields = new Dictionary<string, Type>(StringComparer.Ordinal);
        if (type.IsSubclassOf(typeof(CounterSection)) && Activator.CreateInstance(type) is CounterSection section)
            foreach (var d in CounterSchema.In(section.Section)) fields[d.JsonName] = typeof(long);
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always }) continue;
            fields[p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name)] = p.PropertyType;
        }
        return fields;
    }
}
