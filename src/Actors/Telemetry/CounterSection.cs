using System.Text;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ActorMesh.Telemetry;

/// <summary>
/// A report section made of service counters: it shows every <see cref="ServiceCounter"/> whose
/// <see cref="CounterAttribute"/> names its <see cref="Section"/>, read with the indexer
/// (<c>report.Mesh[ServiceCounter.Retries]</c>) and written to JSON under the counters' names.
/// </summary>
public abstract record CounterSection
{
    private readonly long[] _values = new long[CounterSchema.Count];

    /// <summary>An empty section.</summary>
    protected CounterSection() { }

    /// <summary>A copy of <paramref name="original"/> (for <c>with</c>): the copy has its own counters.</summary>
    protected CounterSection(CounterSection original) => _values = (long[])original._values.Clone();

    /// <summary>The report section this is: it shows the counters that name it.</summary>
    internal abstract ReportSections Section { get; }

    /// <summary>The value of <paramref name="counter"/>.</summary>
    /// <exception cref="ArgumentException">The section does not show <paramref name="counter"/>.</exception>
    public long this[ServiceCounter counter]
    {
        get => _values[Shown(counter)];
        init => _values[Shown(counter)] = value;
    }

    /// <summary>A section of type <typeparamref name="T"/> showing its counters of <paramref name="telemetry"/>.</summary>
    internal static T Of<T>(ServiceTelemetry telemetry) where T : CounterSection, new()
    {
        var section = new T();
        foreach (var d in CounterSchema.In(section.Section)) section._values[d.Index] = telemetry[d.Counter];
        return section;
    }

    private int Shown(ServiceCounter counter) =>
        (CounterSchema.Of(counter).Sections & Section) != 0
            ? (int)counter
            : throw new ArgumentException($"the {Section} section does not show {counter} (see its [Counter] in {nameof(ServiceCounter)})", nameof(counter));

    /// <inheritdoc />
    public virtual bool Equals(CounterSection? other) =>
        ReferenceEquals(this, other) || (other is not null && EqualityContract == other.EqualityContract && _values.AsSpan().SequenceEqual(other._values));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(EqualityContract);
        foreach (var v in _values) hash.Add(v);
        return hash.ToHashCode();
    }

    /// <summary>Prints the shown counters (records print their members).</summary>
    protected virtual bool PrintMembers(StringBuilder builder)
    {
        var first = true;
        foreach (var d in CounterSchema.In(Section))
        {
            builder.Append(first ? "" : ", ").Append(d.Name).Append(" = ").Append(_values[d.Index]);
            first = false;
        }
        return !first;
    }

    /// <summary>
    /// A JSON contract modifier: each section type gets one property per counter it shows, named as
    /// the schema says, in schema order, before its other properties (unless those have a negative
    /// <see cref="JsonPropertyOrderAttribute"/>).
    /// </summary>
    internal static void AddCounterProperties(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || !info.Type.IsSubclassOf(typeof(CounterSection))) return;
        // Which section the type shows, from an instance (metadata generated at compile time may give no CreateObject).
        var section = ((CounterSection)Activator.CreateInstance(info.Type)!).Section;
        var at = 0;
        foreach (var d in CounterSchema.In(section))
        {
            var index = d.Index;
            var property = info.CreateJsonPropertyInfo(typeof(long), d.JsonName);
            property.Get = o => ((CounterSection)o)._values[index];
            property.Set = (o, v) => ((CounterSection)o)._values[index] = (long)v!;
            info.Properties.Insert(at++, property);
        }
    }
}
