using System.Text.Json.Nodes;

namespace ActorMesh.Host.Output;

/// <summary>A lesson's figure as text a person reads: no braces or quotes.</summary>
internal static class FigureText
{
    /// <summary>A string as is; a number or flag as JSON writes it; an object as <c>key: value</c> pairs; a list one item per line.</summary>
    public static string Of(JsonNode? value) => value switch
    {
        null => "-",
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonValue v => v.ToJsonString(),
        JsonArray list => string.Join(Environment.NewLine, list.Select(Of)),
        JsonObject o => string.Join(", ", o.Select(kv => $"{kv.Key}: {Of(kv.Value)}")),
        _ => value.ToJsonString(),
    };
}
