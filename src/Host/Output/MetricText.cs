using System.Globalization;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Host.Output;

/// <summary>A metric's value and its changes as the console prints them, in the metric's unit; "—" for none.</summary>
internal static class MetricText
{
    public const string None = "—";

    /// <summary>The value: a ratio as a percentage, a time with its unit, a count as it is.</summary>
    public static string Value(double? value, MetricUnit unit) => value is not { } v ? None : unit switch
    {
        MetricUnit.Ratio => Invariant($"{v * 100:0.##}%"),
        MetricUnit.Milliseconds => Invariant($"{v:0.###} ms"),
        MetricUnit.Seconds => Invariant($"{v:0.###} s"),
        MetricUnit.PerSecond => Invariant($"{v:0.#}/s"),
        _ => Invariant($"{v:0.###}"),
    };

    /// <summary>B − A with its sign: a ratio's change in percentage points.</summary>
    public static string Delta(double? delta, MetricUnit unit) => delta is not { } d ? None : unit switch
    {
        MetricUnit.Ratio => Invariant($"{d * 100:+0.##;-0.##;0} pp"),
        MetricUnit.Milliseconds => Invariant($"{d:+0.###;-0.###;0} ms"),
        MetricUnit.Seconds => Invariant($"{d:+0.###;-0.###;0} s"),
        MetricUnit.PerSecond => Invariant($"{d:+0.#;-0.#;0}/s"),
        _ => Invariant($"{d:+0.###;-0.###;0}"),
    };

    /// <summary>(B − A) ÷ |A| as a signed percentage.</summary>
    public static string Relative(double? relative) => relative is not { } r ? None : Invariant($"{r * 100:+0.#;-0.#;0}%");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
