using System.Globalization;
using ActorMesh.Scenarios.Yaml;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Scenarios.Metrics;

/// <summary>What reading an expression gave: the value, or every problem found in it.</summary>
/// <typeparam name="T">A threshold or a regression rule.</typeparam>
/// <param name="Value">The value; null when there is a problem.</param>
/// <param name="Problems">Every problem, each naming what is wrong; empty when the value was read.</param>
public sealed record ExpressionResult<T>(T? Value, IReadOnlyList<string> Problems) where T : class;

/// <summary>
/// Reads the expressions that gate a run on its metrics (names as <see cref="ReportMetrics"/> defines them), reporting
/// every problem of one expression at once:
/// <list type="bullet">
/// <item><description>an SLO threshold, <c>metric operator value</c>: <c>okRate &gt;= 0.99</c>, <c>p99 &lt;= 50ms</c>,
/// <c>services.payments.errorRate &lt; 5%</c>, with <c>&lt; &lt;= &gt; &gt;= == !=</c>;</description></item>
/// <item><description>a regression rule of <c>compare --fail-on</c>, <c>metric:change</c>: <c>p99:+10%</c>, <c>okRate:-1%</c>, <c>p99:+5ms</c>.</description></item>
/// </list>
/// A value is a number; for a ratio, a number from 0 to 1 or a percentage (<c>99%</c> = 0.99); for a time (latencies
/// in milliseconds, <c>...Seconds</c> metrics), a duration with its unit (<c>50ms</c>, <c>1.5s</c>; a bare <c>50</c> is
/// refused, as everywhere), converted to the metric's unit.
/// </summary>
public static class MetricExpressions
{
    private const string ThresholdExample = "write metric, operator (<, <=, >, >=, ==, !=) and value, e.g. 'p99 <= 50ms' or 'okRate >= 99%'";
    private const string RegressionExample = "write metric:change, e.g. 'p99:+10%' (more than 10 % up is a regression), 'okRate:-1%' or 'p99:+5ms'";

    /// <summary>
    /// Reads an SLO threshold. With a <paramref name="topology"/>, a service or request kind it names must be the
    /// topology's (without one, only its shape is checked).
    /// </summary>
    public static ExpressionResult<SloThreshold> Threshold(string text, MeshTopology? topology = null)
    {
        var s = text.Trim();
        if (s.Length == 0) return new(null, [$"the threshold is empty: {ThresholdExample}"]);
        var at = s.IndexOfAny(['<', '>', '=', '!']);
        if (at < 0) return new(null, [$"no comparison: {ThresholdExample}"]);
        var problems = new List<string>();
        var metric = s[..at].Trim();
        var operatorText = new string([.. s[at..].TakeWhile(c => c is '<' or '>' or '=' or '!')]);
        var op = SloThreshold.Symbols.FirstOrDefault(x => x.Symbol == operatorText);
        if (op.Symbol is null) problems.Add(OperatorProblem(operatorText));
        var valueText = s[(at + operatorText.Length)..].Trim();
        if (metric.Length == 0) problems.Add($"no metric before '{operatorText}': {ThresholdExample}");
        else problems.AddRange(MetricNames.Problems(metric, topology));
        double value = 0;
        if (valueText.Length == 0) problems.Add($"no value after '{operatorText}': {ThresholdExample}");
        else if (Named(metric))
        {
            var (v, problem) = Value(valueText, metric);
            if (problem is not null) problems.Add(problem);
            value = v;
        }
        return problems.Count > 0 ? new(null, problems) : new(new SloThreshold(s, metric, op.Operator, value), []);
    }

    /// <summary>Reads a regression rule of <c>compare --fail-on</c>.</summary>
    public static ExpressionResult<RegressionRule> Regression(string text)
    {
        var s = text.Trim();
        var colon = s.LastIndexOf(':');
        if (colon < 0) return new(null, [$"no change: {RegressionExample}"]);
        var problems = new List<string>();
        var metric = s[..colon].Trim();
        var change = s[(colon + 1)..].Trim();
        if (metric.Length == 0) problems.Add($"no metric before ':': {RegressionExample}");
        else problems.AddRange(MetricNames.Problems(metric));
        if (change.Length == 0)
        {
            problems.Add($"no change after ':': {RegressionExample}");
            return new(null, problems);
        }
        if (change[0] is not ('+' or '-'))
        {
            problems.Add($"'{change}' needs a sign: '+' when an increase is the regression ({metric}:+{change}), '-' when a decrease is ({metric}:-{change})");
            return new(null, problems);
        }
        var increase = change[0] == '+';
        var amount = change[1..].Trim();
        double limit = 0;
        var relative = amount.EndsWith('%');
        if (relative)
        {
            if (YamlValues.Number(amount[..^1]) is { Error: null, Value: >= 0 and var percent }) limit = percent / 100;
            else problems.Add($"'{change}' is not a change: after the sign, a percentage (10%), a number or a duration (5ms)");
        }
        else if (Named(metric))
        {
            var (v, problem) = Value(amount, metric);
            if (problem is not null) problems.Add(problem);
            else if (v < 0) problems.Add($"'{change}' has two signs: the first says which way is worse, the amount follows it");
            limit = v;
        }
        return problems.Count > 0 ? new(null, problems) : new(new RegressionRule(s, metric, increase, limit, relative), []);
    }

    /// <summary>A threshold for a topology file's <c>slo</c> list: its problems in one message (the validator checks the names against the topology).</summary>
    internal static Parsed<SloThreshold> ThresholdValue(string text)
    {
        var read = Threshold(text);
        return read.Value is { } threshold ? threshold : Parsed<SloThreshold>.Fail(string.Join("; ", read.Problems));
    }

    /// <summary>True when <paramref name="metric"/> is a name of the vocabulary, so it has a unit to read a value in.</summary>
    private static bool Named(string metric) => metric.Length > 0 && MetricNames.Problems(metric).Count == 0;

    private static string OperatorProblem(string written) => written switch
    {
        "=" => "'=' is not an operator: use '==' to compare (or '<=', '>=')",
        "=<" => "'=<' is not an operator: did you mean '<='?",
        "=>" => "'=>' is not an operator: did you mean '>='?",
        "!" => "'!' is not an operator: did you mean '!='?",
        _ => $"'{written}' is not an operator: use <, <=, >, >=, == or !=",
    };

    /// <summary>A value in <paramref name="metric"/>'s unit: a number, a percentage for a ratio, a duration for a time.</summary>
    private static (double Value, string? Problem) Value(string text, string metric)
    {
        var unit = ReportMetrics.UnitOf(metric);
        if (text.EndsWith('%'))
        {
            if (unit != MetricUnit.Ratio)
                return (0, $"'{text}' is a percentage, but '{metric}' is {Describe(unit)}: a percentage is for ratios (okRate, errorRate, ...)");
            if (YamlValues.Number(text[..^1]) is not { Error: null, Value: var percent }) return (0, $"'{text}' is not a percentage");
            return percent is < 0 or > 100 ? (0, $"'{text}': a ratio is from 0% to 100%") : (percent / 100, null);
        }
        if (unit is MetricUnit.Milliseconds or MetricUnit.Seconds)
        {
            // A time carries its unit, as every duration does: '50' alone is refused (the bare-number rule).
            var ms = YamlValues.DurationMilliseconds(text);
            if (ms.Error is { } error) return (0, $"'{metric}' is {Describe(unit)}, so its value is a duration (50ms, 1.5s): {error}");
            return (unit == MetricUnit.Milliseconds ? ms.Value : ms.Value / 1000, null);
        }
        if (YamlValues.Number(text) is { Error: null, Value: var number })
            return unit == MetricUnit.Ratio && number is < 0 or > 1
                ? (0, string.Create(CultureInfo.InvariantCulture, $"'{metric}' is a ratio from 0 to 1: write {number / 100:0.####} or {number:0.####}%"))
                : (number, null);
        if (YamlValues.DurationMilliseconds(text).Error is null)
            return (0, $"'{text}' is a duration, but '{metric}' is {Describe(unit)}: a duration is for latencies (p99, services.<name>.p99, ...) and times in seconds");
        return (0, $"'{text}' is not a value: {(unit == MetricUnit.Ratio ? "a number from 0 to 1 or a percentage (99%)" : "a number")}");
    }

    private static string Describe(MetricUnit unit) => unit switch
    {
        MetricUnit.Ratio => "a ratio",
        MetricUnit.Milliseconds => "a time in milliseconds",
        MetricUnit.Seconds => "a time in seconds",
        MetricUnit.PerSecond => "a rate per second",
        _ => "a number",
    };
}
