using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ActorMesh.Telemetry;

/// <summary>How a report is written as JSON and read back.</summary>
public sealed partial record RunReport
{
    /// <summary>How reports (and the sections other files reuse, such as a comparison) are written.</summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // The report's types from metadata generated at compile time (precompiled with the console: no reflection and no
        // emitted accessors to JIT at the end of a run); anything else (a comparison's types) by reflection.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ReportJsonContext.Default, new DefaultJsonTypeInfoResolver())
            .WithAddedModifier(CounterSection.AddCounterProperties),
        // Readable as written: '+' in a version, '→' and '…' in event outcomes stay as they are (a report is a file, not HTML).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    public static RunReport? FromJson(string json) => JsonSerializer.Deserialize<RunReport>(json, Json);

    /// <summary>
    /// Builds the serializer's metadata for every type a report holds (the properties' accessors, the converters),
    /// so that <see cref="ToJson"/> at the end of a run does not pay for it: the console calls it on another
    /// thread while the run goes on. Safe to call concurrently with anything; it writes nothing. Returns the types it prepared.
    /// </summary>
    internal static IReadOnlySet<Type> WarmUpJson()
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>();
        pending.Push(typeof(RunReport));
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type) || type.IsPrimitive || type == typeof(string)) continue;
            var info = Json.GetTypeInfo(type);
            if (info.ElementType is { } element) pending.Push(element);
            if (info.KeyType is { } key) pending.Push(key);
            if (info.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object) continue;
            foreach (var property in info.Properties) pending.Push(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
        }
        return seen;
    }
}

/// <summary>The serializer metadata of a report's types, generated at compile time (see <see cref="RunReport.Json"/>).</summary>
[JsonSerializable(typeof(RunReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
