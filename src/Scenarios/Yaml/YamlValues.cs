using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using ActorMesh.DataPlane.Resilience.Retry;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>A value parsed from text, or why the text is not one.</summary>
internal readonly record struct Parsed<T>(T Value, string? Error)
{
    public static implicit operator Parsed<T>(T value) => new(value, null);

    public static Parsed<T> Fail(string error) => new(default!, error);
}

/// <summary>
/// Parsers for the scalar syntaxes of topology files: durations, sizes, ratios, percentages,
/// numbers, booleans and kebab-case enum names. Each returns the value or a message for the user.
/// </summary>
internal static partial class YamlValues
{
    private static readonly (string Unit, double Milliseconds)[] DurationUnits =
    [
        ("ns", 1e-6), ("us", 1e-3), ("µs", 1e-3), ("μs", 1e-3), ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000),
    ];

    private static readonly double MaxMilliseconds = TopologyLimits.MaxDuration.TotalMilliseconds;
    private static readonly double ResolutionMilliseconds = TopologyLimits.Resolution.TotalMilliseconds;

    // go-units RAMInBytes: binary multiples, "K", "KB", "KiB" all mean 1024. [0-9], as \d also matches other scripts' digits.
    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?) ?([kmgtp]i?)?b?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();

    /// <summary>
    /// The rule for bare numbers, in files and flags alike: a number without a unit is read only where it
    /// can mean one thing (a count, a ratio, a size in bytes); a duration always carries its unit, and only
    /// 0 may stand alone. Said in every problem about a bare duration.
    /// </summary>
    public static string BareDuration(string text) =>
        $"'{text}' needs a unit, e.g. '{text}ms' or '{text}s': a duration always carries its unit (ns, us, ms, s, m, h); only 0 may stand alone";

    /// <summary>
    /// A Go-style duration ("10ms", "1.5s", "1m30s", "500us"), or "0", in milliseconds; at most
    /// <see cref="TopologyLimits.MaxDuration"/> either way, and zero or at least the clock's resolution.
    /// </summary>
    public static Parsed<double> DurationMilliseconds(string text)
    {
        var s = text.Trim();
        var signed = s.StartsWith('-') || s.StartsWith('+');
        var sign = s.StartsWith('-') ? -1 : 1;
        var body = signed ? s[1..] : s;
        var notADuration = Parsed<double>.Fail($"expected a duration like '500ms', '1.5s' or '1m30s', got {Quote(s)}");
        if (body == "0") return 0.0;
        if (body.Length == 0) return notADuration;
        if (NumberProblem(s) is { } problem) return Parsed<double>.Fail(problem);
        if (IsNumber(body)) return Parsed<double>.Fail(BareDuration(s));

        var total = 0.0;
        var i = 0;
        while (i < body.Length)
        {
            var start = i;
            while (i < body.Length && (char.IsAsciiDigit(body[i]) || body[i] == '.')) i++;
            if (!double.TryParse(body.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
                return notADuration;
            start = i;
            while (i < body.Length && !char.IsAsciiDigit(body[i]) && body[i] != '.') i++;
            var unit = body[start..i];
            var (_, factor) = Array.Find(DurationUnits, u => u.Unit == unit);
            if (factor == 0) return Parsed<double>.Fail($"{Quote(s)} has an unknown unit {Quote(unit)} (use ns, us, ms, s, m or h)");
            total += amount * factor;
        }
        if (!(total <= MaxMilliseconds))
            return Parsed<double>.Fail($"{Quote(s)} is longer than {TopologyLimits.MaxDuration.TotalHours:0}h (a year, the limit)");
        if (total > 0 && total < ResolutionMilliseconds * 0.999_999) // "100ns" sums to a hair below one tick
            return Parsed<double>.Fail($"{Quote(s)} is shorter than the clock's resolution (100ns) and would round to 0, which turns a timeout or delay off; write 0 for that, or at least 100ns");
        return sign * total;
    }

    /// <summary>A Go-style duration (see <see cref="DurationMilliseconds"/>), to the tick.</summary>
    public static Parsed<TimeSpan> Duration(string text)
    {
        var ms = DurationMilliseconds(text);
        if (ms.Error is { } error) return Parsed<TimeSpan>.Fail(error);
        return TimeSpan.FromTicks((long)Math.Round(ms.Value * TimeSpan.TicksPerMillisecond));
    }

    /// <summary>A constant distribution written as a duration.</summary>
    public static Parsed<Distribution> ConstantDistribution(string text)
    {
        var ms = DurationMilliseconds(text);
        if (ms.Error is null) return Distribution.Constant(ms.Value);
        // Text that starts like a number was meant as a duration: its own problem says more.
        var s = text.Trim().TrimStart('-', '+');
        return s.Length > 0 && (char.IsDigit(s[0]) || s[0] == '.')
            ? Parsed<Distribution>.Fail(ms.Error)
            : Parsed<Distribution>.Fail($"expected a duration like '2ms', or a mapping with a 'type', got {Quote(text.Trim())}");
    }

    /// <summary>A size in bytes, go-units binary style: "512", "16KB", "10K", "1 KB", "1 MiB" (1 KB = 1024).</summary>
    public static Parsed<int> Size(string text)
    {
        var s = text.Trim();
        var match = SizePattern().Match(s);
        if (!match.Success) return Parsed<int>.Fail(NumberProblem(s) ?? $"expected a size like '512', '16KB' or '1 MiB', got {Quote(s)}");
        var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var power = match.Groups[2].Success ? "kmgtp".IndexOf(char.ToLowerInvariant(match.Groups[2].Value[0])) + 1 : 0;
        var bytes = Math.Floor(amount * Math.Pow(1024, power));
        if (bytes > int.MaxValue) return Parsed<int>.Fail($"{Quote(s)} is too large; the limit is {int.MaxValue} bytes");
        return (int)bytes;
    }

    /// <summary>A share: "30%" is 0.3, "0.1%" is 0.001; a bare number is the share itself (0..1).</summary>
    public static Parsed<double> Ratio(string text)
    {
        var s = text.Trim();
        var percent = s.EndsWith('%');
        var parsed = Number(percent ? s[..^1] : s);
        if (parsed.Error is not null) return Parsed<double>.Fail(NumberProblem(s) ?? $"expected a percentage like '30%' or a number from 0 to 1, got {Quote(s)}");
        return percent ? parsed.Value / 100 : parsed.Value;
    }

    /// <summary>A percentage: "20%" and 20 are both 20.</summary>
    public static Parsed<double> Percent(string text)
    {
        var s = text.Trim();
        var parsed = Number(s.EndsWith('%') ? s[..^1] : s);
        if (parsed.Error is not null) return Parsed<double>.Fail(NumberProblem(s) ?? $"expected a percentage like '20%' or a number from 0 to 100, got {Quote(s)}");
        return parsed;
    }

    /// <summary>A finite number, invariant culture.</summary>
    public static Parsed<double> Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : Parsed<double>.Fail(NumberProblem(text.Trim()) ?? $"expected a number, got {Quote(text.Trim())}");

    /// <summary>A whole number (<see cref="int"/>, <see cref="long"/>), invariant culture.</summary>
    public static Parsed<T> Integer<T>(string text) where T : IBinaryInteger<T>, IMinMaxValue<T>
    {
        var s = text.Trim();
        if (T.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        if (NumberProblem(s) is { } problem) return Parsed<T>.Fail(problem);
        var digits = s.AsSpan(s.StartsWith('-') || s.StartsWith('+') ? 1 : 0);
        return Parsed<T>.Fail(digits.Length > 0 && digits.IndexOfAnyExceptInRange('0', '9') < 0
            ? $"{Quote(s)} is out of range; a whole number here is from {T.MinValue} to {T.MaxValue}"
            : $"expected a whole number, got {Quote(s)}");
    }

    /// <summary>
    /// What is wrong with text meant as a number when it is not a mistake of form: digits of another
    /// script ('١٢'), or a value that is not finite (NaN, ∞, '.inf', or too large for a number).
    /// </summary>
    public static string? NumberProblem(string text)
    {
        foreach (var c in text)
            if (char.IsDigit(c) && !char.IsAsciiDigit(c))
                return $"{Quote(text)} has digits other than 0-9; write numbers with the digits 0-9";
        var s = text.TrimEnd('%');
        var yamlSpecial = s.TrimStart('-', '+').ToLowerInvariant() is ".inf" or ".nan";
        return yamlSpecial || double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && !double.IsFinite(value)
            ? $"{Quote(text)} is not a finite number"
            : null;
    }

    /// <summary><c>true</c> or <c>false</c>, any case.</summary>
    public static Parsed<bool> Boolean(string text) =>
        bool.TryParse(text.Trim(), out var value) ? value : Parsed<bool>.Fail($"expected true or false, got '{text.Trim()}'");

    /// <summary>An enum member by its kebab-case name ("least-request" for <c>LeastRequest</c>), any case.</summary>
    public static Parsed<T> Enum<T>(string text) where T : struct, Enum
    {
        var values = System.Enum.GetValues<T>();
        foreach (var value in values)
            if (string.Equals(KebabCase(value.ToString()), text.Trim(), StringComparison.OrdinalIgnoreCase)) return value;
        return Parsed<T>.Fail(Unknown("value", text.Trim(), values.Select(v => KebabCase(v.ToString()))));
    }

    /// <summary>
    /// Retry conditions, comma separated as in Envoy's <c>x-envoy-retry-on</c>: "5xx,gateway-error"; a bare
    /// status such as "503" as Istio accepts it; "none" or "" for none (<see cref="RetryOnNames.TryParseList"/>).
    /// </summary>
    public static Parsed<RetryConditions> RetryConditions(string text) =>
        RetryOnNames.TryParseList(text, out var conditions, out var unknown)
            ? conditions
            : Parsed<RetryConditions>.Fail(Unknown("retry condition", unknown!, RetryOnNames.All));

    /// <summary>"unknown key 'retires' (did you mean 'retries'?)", or the accepted names when none is close.</summary>
    public static string Unknown(string what, string name, IEnumerable<string> accepted)
    {
        var suggestion = TopologyValidator.Suggest(name, accepted);
        return suggestion.Length > 0
            ? $"unknown {what} {Quote(name)}{suggestion}"
            : $"unknown {what} {Quote(name)}; expected one of: {string.Join(", ", accepted)}";
    }

    /// <summary>Text quoted for a message: 'text', or its start and its length when it is long.</summary>
    public static string Quote(string text) =>
        text.Length <= 80 ? $"'{text}'" : $"'{text[..40]}…' ({text.Length:N0} characters)";

    private static bool IsNumber(string text) => Number(text).Error is null;

    private static string KebabCase(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));
}
