using System.Reflection;
using System.Text.Json;

namespace ActorMesh.Telemetry;

/// <summary>One service counter as the schema describes it (for reports and exports).</summary>
/// <param name="Counter">The counter.</param>
/// <param name="Name">Its member name (PascalCase).</param>
/// <param name="JsonName">Its name in the report's JSON (camelCase unless the schema names it).</param>
/// <param name="Direction">Who reports it: the destination (inbound) or the sources (outbound).</param>
/// <param name="Sections">The report sections that show it.</param>
/// <param name="Doc">What it counts, in one sentence.</param>
public sealed record CounterDescriptor(ServiceCounter Counter, string Name, string JsonName, CounterDirection Direction, ReportSections Sections, string Doc)
{
    /// <summary>Its position in a counter array (<see cref="ServiceTelemetry.Counters"/>, a node snapshot).</summary>
    public int Index => (int)Counter;
}

/// <summary>
/// The descriptors of every <see cref="ServiceCounter"/>, read once from the enum's attributes:
/// nothing reflects per increment or per report.
/// </summary>
public static class CounterSchema
{
    private static readonly CounterDescriptor[] Descriptors = Read();

    /// <summary>How many counters there are (the length of every counter array).</summary>
    public static int Count => Descriptors.Length;

    /// <summary>Every counter, in schema order (<see cref="CounterDescriptor.Index"/> = position).</summary>
    public static IReadOnlyList<CounterDescriptor> All => Descriptors;

    /// <summary>The descriptor of <paramref name="counter"/>.</summary>
    public static CounterDescriptor Of(ServiceCounter counter) => Descriptors[(int)counter];

    /// <summary>The counters <paramref name="section"/> shows, in schema order.</summary>
    public static IReadOnlyList<CounterDescriptor> In(ReportSections section) => [.. Descriptors.Where(d => (d.Sections & section) != 0)];

    /// <summary>Checks that <paramref name="counters"/> (from a node snapshot) has one value per counter of this schema.</summary>
    /// <exception cref="InvalidDataException">It has another length: the sender and this node run different schemas.</exception>
    public static void CheckLength(long[] counters, string what)
    {
        if (counters.Length != Count)
            throw new InvalidDataException(
                $"{what} carries {counters.Length} counters but this node's {nameof(ServiceCounter)} schema has {Count}: the nodes run different builds");
    }

    private static CounterDescriptor[] Read()
    {
        var fields = typeof(ServiceCounter).GetFields(BindingFlags.Public | BindingFlags.Static);
        var descriptors = new CounterDescriptor[fields.Length];
        foreach (var field in fields)
        {
            var counter = (ServiceCounter)field.GetValue(null)!;
            var index = (int)counter;
            if (index < 0 || index >= fields.Length || descriptors[index] is not null)
                throw new InvalidOperationException($"{nameof(ServiceCounter)}.{field.Name} = {index}: counters must be numbered 0..{fields.Length - 1}, each once (leave the values implicit)");
            var attribute = field.GetCustomAttribute<CounterAttribute>()
                ?? throw new InvalidOperationException($"{nameof(ServiceCounter)}.{field.Name} has no [Counter(direction, sections, doc)]");
            if (string.IsNullOrWhiteSpace(attribute.Doc))
                throw new InvalidOperationException($"{nameof(ServiceCounter)}.{field.Name} has no doc line");
            var json = attribute.Json ?? JsonNamingPolicy.CamelCase.ConvertName(field.Name);
            descriptors[index] = new CounterDescriptor(counter, field.Name, json, attribute.Direction, attribute.Sections, attribute.Doc);
        }
        return descriptors;
    }
}
