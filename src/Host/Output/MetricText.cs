using System.Globalization;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Host.Output;

/// <summary>A metric's value and its changes as the console prints them, in the metric's unit; "—" for none.</summary>
internal static class MetricText
{
    public const string None = "—";

    /// <summary>The value: a ratio as a percentage, a time with its unit, a count as it is.</summary>
    public static string Value(double? value, MetricUnit unit) => value is not { } v ? None : Format(v, unit, signed: false);

    /// <summary>B − A with its sign: a ratio's change in percentage points.</summary>
    public static string Delta(double? delta, MetricUnit unit) => delta is not { } d ? None : Format(d, unit, signed: true);

    /// <summary>(B − A) ÷ |A| as a signed percentage.</summary>
    public static string Relative(double? relative) => relative is not { } r ? None : Invariant($"{r * 100:+0.#;-0.#;0}%");

    // A unit's scale, digits and suffix; signed, as a change: "+" or "-" before it, and a ratio in percentage points.
    private static string Format(double v, MetricUnit unit, bool signed)
    {
        var (scale, digits, suffix) = unit switch
        {
            MetricUnit.Ratio => (100d, "0.##", signed ? " pp" : "%"),
            MetricUnit.Milliseconds => (1d, "0.###", " ms"),
            MetricUnit.Seconds => (1d, "0.###", " s"),
            MetricUnit.PerSecond => (1d, "0.#", "/s"),
            _ => (1d, "0.###", ""),
        };
        var format = signed ? $"+{digits};-{digits};0" : digits;
        return (v * scale).ToString(format, CultureInfo.InvariantCulture) + suffix;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
