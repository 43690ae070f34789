namespace ActorMesh.Scenarios.Yaml;

/// <summary>
/// How a value is written: a scalar syntax (a duration, a size, ...), a mapping of a schema's keys, a
/// list of values, or a reader of its own. Reading reports what is wrong; a value that could not be read
/// is not ok, and the key keeps its default.
/// </summary>
/// <param name="name">As the reference names it in its "Type" columns: "duration", "whole number".</param>
internal abstract class Syntax(string name)
{
    public string Name => name;

    public static readonly Syntax<string> Text = Scalar("text", t => t, standIn: "");
    public static readonly Syntax<int> Integer = Scalar("whole number", YamlValues.Integer<int>);
    public static readonly Syntax<long> Long = Scalar("whole number", YamlValues.Integer<long>);
    public static readonly Syntax<double> Number = Scalar("number", YamlValues.Number);
    public static readonly Syntax<double> Ratio = Scalar("ratio", YamlValues.Ratio);
    public static readonly Syntax<double> Percent = Scalar("percentage", YamlValues.Percent);
    public static readonly Syntax<TimeSpan> Duration = Scalar("duration", YamlValues.Duration);
    public static readonly Syntax<double> Milliseconds = Scalar("duration", YamlValues.DurationMilliseconds);
    public static readonly Syntax<int> Size = Scalar("size", YamlValues.Size);
    public static readonly Syntax<bool> Boolean = Scalar("boolean", YamlValues.Boolean);

    /// <summary>An enum member by its kebab-case name (<see cref="YamlValues.Enum{T}"/>).</summary>
    public static Syntax<T> Choice<T>() where T : struct, Enum => Scalar("choice", YamlValues.Enum<T>);

    /// <summary>A single value parsed by <paramref name="parse"/>; <paramref name="standIn"/> stands for a bad one in a list.</summary>
    public static Syntax<T> Scalar<T>(string name, Func<string, Parsed<T>> parse, T standIn = default!) =>
        new(name, (r, node, path) => r.TryScalar(node, path, parse), standIn);

    /// <summary>A value read by <paramref name="read"/>, which reports problems and returns a stand-in itself.</summary>
    public static Syntax<T> Of<T>(string name, Func<YamlReader, YamlNode, string, T> read) =>
        new(name, (r, node, path) => (true, read(r, node, path)), default!);

    /// <summary>A mapping of <paramref name="schema"/>'s keys, built from its defaults.</summary>
    public static Syntax<T> Mapping<T>(Schema<T> schema, string name = "mapping") => Of(name, (r, node, path) => schema.Read(r, node, path));

    /// <summary>A mapping of <paramref name="schema"/>'s keys, built from <paramref name="basis"/> (a profile's defaults).</summary>
    public static Syntax<T> Mapping<T>(Schema<T> schema, T basis) => Of("mapping", (r, node, path) => schema.Read(r, node, path, basis));

    /// <summary>A list of values; a bad item keeps its place as a stand-in, so later items keep their indices.</summary>
    public static Syntax<ImmutableArray<T>> List<T>(Syntax<T> item, string name = "list") =>
        Of(name, (r, node, path) => r.List(node, path, (n, p) => item.TryRead(r, n, p) is (true, var value) ? value : item.StandIn));

    /// <summary>A list of values, or one value for a list of one.</summary>
    public static Syntax<ImmutableArray<T>> OneOrList<T>(Syntax<T> item, string name)
    {
        var list = List(item, name);
        return Of(name, (r, node, path) => node is YamlScalarNode && !YamlReader.IsNull(node)
            ? [item.TryRead(r, node, path) is (true, var value) ? value : item.StandIn]
            : list.Read(r, node, path, []));
    }

    /// <summary>
    /// A feature that can be switched off: a mapping of <paramref name="schema"/>'s options; <c>off</c>,
    /// <c>false</c>, <c>none</c> or null for none; and, for a feature whose every option has a default
    /// (<paramref name="hasDefaults"/>), <c>on</c> or <c>true</c> for its defaults: <paramref name="basis"/>'s when given, else the schema's.
    /// </summary>
    public static Syntax<T?> Switchable<T>(Schema<T> schema, bool hasDefaults = true, T? basis = null) where T : class =>
        new(hasDefaults ? "mapping, on or off" : "mapping or off", (r, node, path) =>
        {
            if (YamlReader.IsNull(node)) return (true, null);
            if (node is YamlMappingNode) return (true, schema.Read(r, node, path, basis ?? schema.Defaults));
            var value = (node as YamlScalarNode)?.Value?.Trim();
            if (value is not null && (Is(value, "off") || Is(value, "false") || Is(value, "none"))) return (true, null);
            if (hasDefaults && value is not null && (Is(value, "on") || Is(value, "true"))) return (true, schema.Read(r, new YamlMappingNode(), path, basis ?? schema.Defaults));
            r.Problem(node, path, hasDefaults
                ? $"expected a mapping of options, 'on' for the defaults or 'off' for none, got {YamlReader.Describe(node)}"
                : $"expected a mapping of options (some have no default), or 'off' for none, got {YamlReader.Describe(node)}");
            return (false, null);
        }, null);

    private static bool Is(string value, string word) => value.Equals(word, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A syntax whose values are <typeparamref name="T"/>.</summary>
internal sealed class Syntax<T>(string name, Func<YamlReader, YamlNode, string, (bool Ok, T Value)> read, T standIn) : Syntax(name)
{
    /// <summary>What stands for a value that could not be read where something must stand (an item of a list).</summary>
    public T StandIn => standIn;

    public (bool Ok, T Value) TryRead(YamlReader r, YamlNode node, string path) => read(r, node, path);

    public T Read(YamlReader r, YamlNode node, string path, T fallback) => read(r, node, path) is (true, var value) ? value : fallback;
}
