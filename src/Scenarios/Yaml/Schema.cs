using System.Collections;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>Whether a key must be given.</summary>
internal enum Need
{
    Optional,
    Required,
}

/// <summary>One key of a mapping: its name, how its value is written, whether it must be given, and what it means.</summary>
/// <param name="Name">The key as documented; files may write it in any case.</param>
/// <param name="Type">How the value is written, as the reference names it: "duration", "whole number", "list of calls".</param>
/// <param name="Syntax">How its value is read; null for a key its section reads by hand.</param>
/// <param name="Need">Whether it must be given.</param>
/// <param name="Doc">One line on what it means.</param>
internal sealed record Key(string Name, string Type, Syntax? Syntax, Need Need, string Doc);

/// <summary>
/// The keys one kind of mapping accepts, each declared once. Opening a mapping with it
/// (<see cref="YamlReader.Open"/>) reports the keys it does not declare, listing those it does in
/// declaration order, with a "did you mean" when one is close.
/// </summary>
/// <remarks>
/// Written as a collection initializer, one key a line:
/// <c>{ "timeout", Syntax.Duration, (p, v) =&gt; p with { Timeout = v }, "Route timeout over all attempts." }</c>.
/// A key given without a setter is read by its section's own code, through <see cref="Section"/>,
/// which refuses any name the schema does not declare.
/// </remarks>
internal class Schema : IEnumerable<Key>
{
    private readonly List<Key> _keys = [];

    public IReadOnlyList<Key> Keys => _keys;

    /// <summary>The names, in declaration order.</summary>
    public IEnumerable<string> Names => _keys.Select(k => k.Name);

    /// <summary>The names of the keys that must be given.</summary>
    public IEnumerable<string> Required => _keys.Where(k => k.Need == Need.Required).Select(k => k.Name);

    /// <summary>The key named <paramref name="name"/> in any case, or null.</summary>
    public Key? Find(string name)
    {
        foreach (var key in _keys)
            if (key.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return key;
        return null;
    }

    /// <summary>A key read by its section's own code with its <paramref name="syntax"/> (<see cref="Section.Get{T}"/>).</summary>
    public void Add(string name, Syntax syntax, string doc, Need need = Need.Optional) => Declare(new Key(name, syntax.Name, syntax, need, doc));

    /// <summary>A key read by its section's own code, its value written as <paramref name="type"/> says.</summary>
    public void Add(string name, string type, string doc, Need need = Need.Optional) => Declare(new Key(name, type, null, need, doc));

    protected void Declare(Key key)
    {
        if (Find(key.Name) is not null) throw new InvalidOperationException($"'{key.Name}' is declared twice");
        _keys.Add(key);
    }

    public IEnumerator<Key> GetEnumerator() => _keys.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A schema that also builds its value: each key that has a setter is read with its syntax and set on
/// a record that starts as the schema's defaults (or a basis given), so a key left out keeps that
/// value, and so does a key whose value was reported as wrong.
/// </summary>
/// <param name="defaults">The value of a mapping that gives no key: the model's documented defaults.</param>
internal sealed class Schema<T>(T defaults) : Schema
{
    private readonly List<(string Key, Func<YamlReader, YamlNode, string, T, T> Apply)> _fields = [];

    public T Defaults => defaults;

    /// <summary>A key whose value <paramref name="set"/> puts into the record.</summary>
    public void Add<TValue>(string name, Syntax<TValue> syntax, Func<T, TValue, T> set, string doc, Need need = Need.Optional)
    {
        Declare(new Key(name, syntax.Name, syntax, need, doc));
        _fields.Add((name, (r, node, path, record) => syntax.TryRead(r, node, path) is (true, var value) ? set(record, value) : record));
    }

    /// <summary>A key whose reading needs the keys declared before it (<paramref name="apply"/> gets the record so far).</summary>
    public void Add(string name, string type, Func<YamlReader, YamlNode, string, T, T> apply, string doc, Need need = Need.Optional)
    {
        Declare(new Key(name, type, null, need, doc));
        _fields.Add((name, apply));
    }

    /// <summary>The mapping at <paramref name="path"/> as a <typeparamref name="T"/>, from the defaults.</summary>
    public T Read(YamlReader r, YamlNode? node, string path) => Read(r, node, path, defaults);

    /// <summary>The mapping at <paramref name="path"/> as a <typeparamref name="T"/>: the keys given replace those of <paramref name="basis"/>.</summary>
    public T Read(YamlReader r, YamlNode? node, string path, T basis) => Build(r.Open(node, path, this), basis);

    /// <summary>The record an opened section gives, over <paramref name="basis"/>; for sections that check more than their keys.</summary>
    public T Build(Section s, T basis)
    {
        var record = basis;
        foreach (var (key, apply) in _fields)
            if (s[key] is { } node) record = apply(s.Reader, node, s.PathOf(key), record);
        return record;
    }
}

/// <summary>One opened mapping: its entries by declared key name, and the paths of its keys.</summary>
internal sealed class Section(YamlReader reader, Schema schema, string path, YamlMappingNode? mapping, Dictionary<string, YamlNode> entries)
{
    public YamlReader Reader => reader;

    /// <summary>The mapping, or null when the section was absent, null or not a mapping.</summary>
    public YamlMappingNode? Mapping => mapping;

    /// <summary>The value given for <paramref name="key"/>, or null; <paramref name="key"/> must be one the schema declares.</summary>
    public YamlNode? this[string key] => entries.GetValueOrDefault(Declared(key).Name);

    public string PathOf(string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>The value of <paramref name="key"/> read with its declared syntax, or <paramref name="fallback"/> when absent or wrong.</summary>
    public T Get<T>(string key, T fallback)
    {
        if (Declared(key).Syntax is not Syntax<T> syntax) throw new InvalidOperationException($"'{key}' is not declared as a {typeof(T).Name}");
        return this[key] is { } node && syntax.TryRead(reader, node, PathOf(key)) is (true, var value) ? value : fallback;
    }

    /// <summary>The single value at <paramref name="key"/> as text, or null when absent or not a single value.</summary>
    public string? Text(string key) =>
        this[key] is { } node && reader.TryScalar<string>(node, PathOf(key), t => t) is (true, var text) ? text : null;

    private Key Declared(string key) =>
        schema.Find(key) is { } declared && declared.Name == key ? declared : throw new InvalidOperationException($"the schema declares no key '{key}'");
}
