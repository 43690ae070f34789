using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Yaml;

public class YamlValuesTests
{
    [Theory]
    [InlineData("10ms", 10)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("500us", 0.5)]
    [InlineData("500µs", 0.5)]
    [InlineData("100ns", 0.0001)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h2m3s4ms", 3_723_004)]
    [InlineData(".5s", 500)]
    [InlineData("-1s", -1_000)]
    [InlineData("0", 0)]
    [InlineData(" 10ms ", 10)]
    public void Durations_are_read_Go_style(string text, double expectedMs)
    {
        var parsed = YamlValues.DurationMilliseconds(text);
        Assert.Null(parsed.Error);
        Assert.Equal(expectedMs, parsed.Value, 9);
    }

    [Theory]
    [InlineData("10", "'10' needs a unit, e.g. '10ms' or '10s': a duration always carries its unit (ns, us, ms, s, m, h); only 0 may stand alone")]
    [InlineData("1.5", "'1.5' needs a unit, e.g. '1.5ms' or '1.5s': a duration always carries its unit (ns, us, ms, s, m, h); only 0 may stand alone")]
    [InlineData("200000000h", "'200000000h' is longer than 8760h (a year, the limit)")]
    [InlineData("-200000000h", "'-200000000h' is longer than 8760h (a year, the limit)")]
    [InlineData("50ns", "'50ns' is shorter than the clock's resolution (100ns) and would round to 0, which turns a timeout or delay off; write 0 for that, or at least 100ns")]
    [InlineData("١٢ms", "'١٢ms' has digits other than 0-9; write numbers with the digits 0-9")]
    [InlineData("10sec", "'10sec' has an unknown unit 'sec' (use ns, us, ms, s, m or h)")]
    [InlineData("10 ms", "'10 ms' has an unknown unit ' ms' (use ns, us, ms, s, m or h)")]
    [InlineData("fast", "expected a duration like '500ms', '1.5s' or '1m30s', got 'fast'")]
    [InlineData("", "expected a duration like '500ms', '1.5s' or '1m30s', got ''")]
    [InlineData("ms", "expected a duration like '500ms', '1.5s' or '1m30s', got 'ms'")]
    public void Bad_durations_say_what_is_wrong(string text, string error) =>
        Assert.Equal(error, YamlValues.DurationMilliseconds(text).Error);

    [Fact]
    public void A_duration_becomes_a_time_span_to_the_tick()
    {
        Assert.Equal(TimeSpan.FromTicks(1), YamlValues.Duration("100ns").Value);
        Assert.Equal(TimeSpan.FromSeconds(90), YamlValues.Duration("1m30s").Value);
        Assert.Equal(TimeSpan.FromDays(365), YamlValues.Duration("8760h").Value);
        Assert.Equal("'1000000000h' is longer than 8760h (a year, the limit)", YamlValues.Duration("1000000000h").Error);
    }

    [Theory]
    [InlineData("1ms", 1)]
    [InlineData("2.5ms", 2.5)]
    [InlineData("0", 0)]
    [InlineData("1s", 1_000)]
    public void A_scalar_distribution_is_a_constant_duration(string text, double ms) =>
        Assert.Equal(Distribution.Constant(ms), YamlValues.ConstantDistribution(text).Value);

    [Fact]
    public void A_bad_scalar_distribution_mentions_the_mapping_form() =>
        Assert.Equal("expected a duration like '2ms', or a mapping with a 'type', got 'slow'",
            YamlValues.ConstantDistribution("slow").Error);

    [Fact]
    public void A_bare_number_is_no_duration_in_a_distribution_either() =>
        Assert.Equal(YamlValues.BareDuration("2.5"), YamlValues.ConstantDistribution("2.5").Error);

    [Theory]
    [InlineData("512", 512)]
    [InlineData("1 KB", 1024)]
    [InlineData("16KB", 16 * 1024)]
    [InlineData("10K", 10 * 1024)]
    [InlineData("1 KiB", 1024)]
    [InlineData("1 MiB", 1024 * 1024)]
    [InlineData("2MB", 2 * 1024 * 1024)]
    [InlineData("1.5kb", 1536)]
    [InlineData("1G", 1024 * 1024 * 1024)]
    [InlineData("100B", 100)]
    public void Sizes_are_binary_like_go_units(string text, int bytes) => Assert.Equal(bytes, YamlValues.Size(text).Value);

    [Theory]
    [InlineData("big", "expected a size like '512', '16KB' or '1 MiB', got 'big'")]
    [InlineData("-1", "expected a size like '512', '16KB' or '1 MiB', got '-1'")]
    [InlineData("1 XB", "expected a size like '512', '16KB' or '1 MiB', got '1 XB'")]
    [InlineData("2GB", "'2GB' is too large; the limit is 2147483647 bytes")]
    [InlineData("١٢", "'١٢' has digits other than 0-9; write numbers with the digits 0-9")]
    public void Bad_sizes_say_what_is_wrong(string text, string error) => Assert.Equal(error, YamlValues.Size(text).Error);

    [Theory]
    [InlineData("30%", 0.3)]
    [InlineData("0.1%", 0.001)]
    [InlineData("100%", 1)]
    [InlineData("0.25", 0.25)]
    [InlineData("1", 1)]
    public void Ratios_are_percentages_or_shares(string text, double share) => Assert.Equal(share, YamlValues.Ratio(text).Value, 12);

    [Theory]
    [InlineData("lots")]
    [InlineData("%")]
    [InlineData("30%%")]
    public void Bad_ratios_show_both_forms(string text) =>
        Assert.Equal($"expected a percentage like '30%' or a number from 0 to 1, got '{text}'", YamlValues.Ratio(text).Error);

    [Theory]
    [InlineData("20", 20)]
    [InlineData("20%", 20)]
    [InlineData("0.5", 0.5)]
    public void Percentages_are_the_percent_itself_with_or_without_the_sign(string text, double percent) =>
        Assert.Equal(percent, YamlValues.Percent(text).Value);

    [Fact]
    public void A_bad_percentage_shows_both_forms() =>
        Assert.Equal("expected a percentage like '20%' or a number from 0 to 100, got 'half'", YamlValues.Percent("half").Error);

    [Fact]
    public void Numbers_are_invariant_and_finite()
    {
        Assert.Equal(2000.5, YamlValues.Number("2000.5").Value);
        Assert.Equal(2000, YamlValues.Number("2e3").Value);
        Assert.Equal("expected a number, got '1,5'", YamlValues.Number("1,5").Error);
        Assert.Equal("'Infinity' is not a finite number", YamlValues.Number("Infinity").Error);
        Assert.Equal("'NaN' is not a finite number", YamlValues.Number("NaN").Error);
        Assert.Equal("'-.inf' is not a finite number", YamlValues.Number("-.inf").Error);
        Assert.Equal("'1e400' is not a finite number", YamlValues.Number("1e400").Error);
        Assert.Equal("'١٢' has digits other than 0-9; write numbers with the digits 0-9", YamlValues.Number("١٢").Error);
        Assert.Equal("'.nan%' is not a finite number", YamlValues.Ratio(".nan%").Error);
    }

    [Fact]
    public void Whole_numbers_reject_fractions_and_overflow()
    {
        Assert.Equal(64, YamlValues.Integer<int>("64").Value);
        Assert.Equal(-3L, YamlValues.Integer<long>("-3").Value);
        Assert.Equal("expected a whole number, got '1.5'", YamlValues.Integer<int>("1.5").Error);
        Assert.Equal("'3000000000' is out of range; a whole number here is from -2147483648 to 2147483647", YamlValues.Integer<int>("3000000000").Error);
        Assert.Equal("'٣' has digits other than 0-9; write numbers with the digits 0-9", YamlValues.Integer<int>("٣").Error);
    }

    [Fact]
    public void Booleans_are_true_or_false_in_any_case()
    {
        Assert.True(YamlValues.Boolean("True").Value);
        Assert.False(YamlValues.Boolean("false").Value);
        Assert.Equal("expected true or false, got 'yes'", YamlValues.Boolean("yes").Error);
    }

    [Fact]
    public void Enum_names_are_kebab_case_in_any_case()
    {
        Assert.Equal(LoadBalancerKind.LeastRequest, YamlValues.Enum<LoadBalancerKind>("least-request").Value);
        Assert.Equal(LoadBalancerKind.RoundRobin, YamlValues.Enum<LoadBalancerKind>("Round-Robin").Value);
        Assert.Equal(BreakOn.ConsecutiveFailures, YamlValues.Enum<BreakOn>("consecutive-failures").Value);
        Assert.Equal(LoadMode.Closed, YamlValues.Enum<LoadMode>("CLOSED").Value);
    }

    [Fact]
    public void An_unknown_enum_name_gets_a_suggestion_or_the_list_of_names()
    {
        Assert.Equal("unknown value 'least-requests' (did you mean 'least-request'?)", YamlValues.Enum<LoadBalancerKind>("least-requests").Error);
        Assert.Equal("unknown value 'LeastRequest' (did you mean 'least-request'?)", YamlValues.Enum<LoadBalancerKind>("LeastRequest").Error);
        Assert.Equal("unknown value 'fastest'; expected one of: round-robin, random, least-request", YamlValues.Enum<LoadBalancerKind>("fastest").Error);
        Assert.Equal("unknown value '1'; expected one of: round-robin, random, least-request", YamlValues.Enum<LoadBalancerKind>("1").Error);
    }

    [Fact]
    public void Retry_conditions_are_comma_separated_names()
    {
        Assert.Equal(RetryOn.FiveXx | RetryOn.GatewayError, YamlValues.RetryConditions("5xx, gateway-error").Value.On);
        Assert.Equal(RetryOn.None, YamlValues.RetryConditions("none").Value.On);
        Assert.Equal(RetryOn.None, YamlValues.RetryConditions("").Value.On);
        // What Istio's retryOn accepts besides: a bare status (retried under retriable-status-codes), Envoy's other conditions.
        var istio = YamlValues.RetryConditions("503,reset-before-request,envoy-ratelimited,deadline-exceeded").Value;
        Assert.Equal(RetryOn.RetriableStatusCodes | RetryOn.ResetBeforeRequest | RetryOn.EnvoyRateLimited | RetryOn.DeadlineExceeded, istio.On);
        Assert.Equal([503], istio.StatusCodes.ToArray());
        Assert.StartsWith("unknown retry condition '999'", YamlValues.RetryConditions("999").Error);
        Assert.Equal("unknown retry condition 'gateway-eror' (did you mean 'gateway-error'?)", YamlValues.RetryConditions("5xx,gateway-eror").Error);
    }
}
