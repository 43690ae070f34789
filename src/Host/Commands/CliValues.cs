using System.Globalization;
using ActorMesh.Scenarios.Metrics;
using ActorMesh.Scenarios.Yaml;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Host.Commands;

/// <summary>Option factories whose values are checked while parsing, so a bad value exits with code 2 and a clear message.</summary>
internal static class CliValues
{
    /// <summary>
    /// A duration option: "10s", "500ms", "2m", read as in topology files, so a bare number is refused
    /// the same way (<see cref="YamlValues.BareDuration"/>). Positive; or 0 too, where <paramref name="allowZero"/>.
    /// </summary>
    public static Option<TimeSpan?> Duration(string name, string description, bool allowZero = false) => new(name)
    {
        Description = description,
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            var parsed = YamlValues.Duration(text);
            if (parsed.Error is null && (parsed.Value > TimeSpan.Zero || allowZero && parsed.Value == TimeSpan.Zero)) return parsed.Value;
            // Text that starts like a number was meant as a duration: its own problem (no unit, too long, ...) says more.
            var meant = text.TrimStart('-', '+');
            result.AddError(parsed.Error is { } error && meant.Length > 0 && (char.IsAsciiDigit(meant[0]) || meant[0] == '.')
                ? $"{name}: {error}"
                : $"{name}: '{text}' is not a {(allowZero ? "duration of 0 or more" : "positive duration")} (e.g. 10s, 500ms, 2m)");
            return null;
        },
    };

    /// <summary>A positive number option.</summary>
    public static Option<double?> PositiveNumber(string name, string description, string helpName) => Checked<double?>(name, description, helpName,
        text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v) ? v : null,
        "a positive number");

    /// <summary>A positive integer option.</summary>
    public static Option<int?> PositiveInteger(string name, string description, string helpName) => Checked<int?>(name, description, helpName,
        text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null,
        "a positive whole number");

    /// <summary>A whole-number option between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static Option<int?> IntegerBetween(string name, string description, string helpName, int min, int max) => Checked<int?>(name, description, helpName,
        text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v : null,
        $"a whole number from {min} to {max}");

    /// <summary>An integer option (any sign).</summary>
    public static Option<long?> Integer(string name, string description, string helpName) => Checked<long?>(name, description, helpName,
        text => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null,
        "a whole number");

    /// <summary>A host:port option; the value is the cluster address akka.tcp://actormesh@host:port.</summary>
    public static Option<string?> Endpoint(string name, string description) => Checked<string?>(name, description, "host:port",
        text =>
        {
            var colon = text.LastIndexOf(':');
            return colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                && Uri.CheckHostName(text[..colon]) != UriHostNameType.Unknown
                ? ActorMesh.Clustering.MeshClusterConfig.Address(text[..colon], port)
                : null;
        },
        "host:port (e.g. 127.0.0.1:4053)");

    /// <summary>The clock option: "real" or "virtual" (any case).</summary>
    public static Option<ActorMesh.Topology.ClockMode?> Clock(string name, string description) => Checked<ActorMesh.Topology.ClockMode?>(name, description, "real|virtual",
        text => string.Equals(text, "real", StringComparison.OrdinalIgnoreCase) ? ActorMesh.Topology.ClockMode.Real
            : string.Equals(text, "virtual", StringComparison.OrdinalIgnoreCase) ? ActorMesh.Topology.ClockMode.Virtual
            : null,
        "a clock: use real or virtual");

    /// <summary>An option whose value is one of <paramref name="values"/> (any case; read in lower case).</summary>
    public static Option<string?> OneOf(string name, string description, string[] values) => Checked<string?>(name, description, string.Join('|', values),
        text => Array.Find(values, v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase)),
        $"one of: {string.Join(", ", values)}");

    /// <summary>A TCP port option (0 picks a free one).</summary>
    public static Option<int?> Port(string name, string description) => Checked<int?>(name, description, "port",
        text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and < 65536 ? port : null,
        "a port number (0 to 65535)");

    /// <summary>A repeatable option of SLO thresholds (<c>--assert 'p99&lt;=50ms'</c>); every problem of every one is reported.</summary>
    public static Option<SloThreshold[]> Thresholds(string name, string description) => Expressions(name, description, "expression", text => MetricExpressions.Threshold(text));

    /// <summary>A repeatable option of regression rules (<c>--fail-on 'p99:+10%'</c>); every problem of every one is reported.</summary>
    public static Option<RegressionRule[]> Regressions(string name, string description) => Expressions(name, description, "metric:change", text => MetricExpressions.Regression(text));

    private static Option<T[]> Expressions<T>(string name, string description, string helpName, Func<string, ExpressionResult<T>> read) where T : class => new(name)
    {
        Description = description,
        HelpName = helpName,
        DefaultValueFactory = _ => [],
        CustomParser = result =>
        {
            var values = new List<T>();
            foreach (var token in result.Tokens)
            {
                var expression = read(token.Value);
                if (expression.Value is { } value) values.Add(value);
                foreach (var problem in expression.Problems) result.AddError($"{name} '{token.Value}': {problem}");
            }
            return [.. values];
        },
    };

    /// <summary>
    /// An option of one value: <paramref name="read"/> gives it, or null when the text is not one, which is refused
    /// as "name: 'text' is not <paramref name="expected"/>".
    /// </summary>
    private static Option<T> Checked<T>(string name, string description, string helpName, Func<string, T> read, string expected) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (read(text) is { } value) return value;
            result.AddError($"{name}: '{text}' is not {expected}");
            return default;
        },
    };
}
