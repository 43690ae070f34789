using System.Text;
using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Yaml;

/// <summary>
/// The reader's limits (<see cref="TopologyLimits"/>), each met by the smallest file that once crashed,
/// hung or ate the machine's memory, or that was silently changed: each now ends in one problem that
/// names the limit or the mistake. The files that took the whole process down are also run through the
/// console itself (tests/Host/HostileFileCommandLineTests).
/// </summary>
public class ReaderLimitsTests
{
    /// <summary>30,000 nested '[': YamlDotNet's tree recursed until the stack overflowed, which no catch survives.</summary>
    internal static readonly string DeepNesting = new string('[', 30_000) + new string(']', 30_000);

    /// <summary>
    /// An alias bomb with a complex key, under 500 bytes: each level lists the one before nine times, so the
    /// key stands for 9^9 nodes. Hashing the key walked every one of them; the process hung.
    /// </summary>
    internal static readonly string AliasBomb = "name: bomb\nservices: [ { name: a } ]\nl0: &a0 [x]\n"
        + string.Concat(Enumerable.Range(1, 9).Select(i => $"l{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 9))}]\n"))
        + "? *a9\n: v\n";

    private const long MiB = 1024 * 1024;

    [Fact]
    public void Thirty_thousand_nested_brackets_are_refused_at_the_nesting_limit_before_the_tree_is_built() =>
        Assert.Equal(["deep.yaml:1:65: mappings and lists are nested more than 64 deep (the limit)"], Problems(DeepNesting, "deep.yaml"));

    [Fact]
    public void An_alias_bomb_with_a_complex_key_is_refused_at_the_node_limit()
    {
        Assert.InRange(AliasBomb.Length, 400, 700);
        Assert.Equal(["bomb.yaml:9:34: the file holds more than 1,000,000 YAML nodes, counting each alias as the nodes it stands for (the limit)"],
            Problems(AliasBomb, "bomb.yaml"));
    }

    [Fact]
    public void An_alias_inside_the_node_it_names_is_refused_as_a_value_without_end() =>
        Assert.Equal(["self.yaml:3:12: alias '*s' is inside the node '&s' it names, so that value would never end"],
            Problems("name: self\nservices: [ { name: a } ]\nself: &s [ *s ]\n", "self.yaml"));

    [Fact]
    public void An_alias_before_its_anchor_is_refused() =>
        Assert.Equal(["early.yaml:3:9: alias '*later' comes before any anchor '&later'; an anchor must come first"],
            Problems("name: early\nservices: [ { name: a } ]\nearly: [*later]\nlate: &later x\n", "early.yaml"));

    [Fact]
    public void A_text_larger_than_16_MiB_is_refused() =>
        Assert.Equal(["big.yaml: the file is larger than 16 MiB (the limit); reading stopped there"],
            Problems("# " + new string('x', TopologyLimits.MaxFileBytes), "big.yaml"));

    [Fact]
    public void Reading_dev_zero_stops_at_the_size_limit()
    {
        if (!OperatingSystem.IsLinux()) return;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = TopologyFile.Load("/dev/zero");
        Assert.Equal(["/dev/zero: the file is larger than 16 MiB (the limit); reading stopped there"], result.Problems.Select(p => p.ToString()));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 80 * MiB); // not the 4.3 GB it once read
    }

    [Fact]
    public void A_20000_character_service_name_with_a_near_miss_call_is_refused_without_a_costly_suggestion()
    {
        var name = new string('a', 20_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var problems = Problems($"name: x\nservices:\n- name: {name}\n- name: b\n  script: [ {{ call: {name}b }} ]\n");
        Assert.Equal(
            [
                "x.yaml:3:9: services[0].name: the value is 20,000 characters long; a value has at most 4,096 (the limit)",
                "x.yaml:5:21: services[1].script[0].call: the value is 20,001 characters long; a value has at most 4,096 (the limit)",
            ],
            problems);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16 * MiB); // the suggestion once took 1.6 GB
    }

    [Fact]
    public void A_name_past_253_characters_is_refused_and_gets_no_suggestion()
    {
        var name = new string('a', 4_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var problems = Problems($"name: x\nservices:\n- name: {name}\n- name: b\n  script: [ {{ call: {name}b }} ]\n");
        Assert.Equal("x.yaml:3:9: services[0].name: is 4,000 characters long; a name has at most 253 (the limit)", problems[0]);
        Assert.Equal($"x.yaml:5:21: services[1].script[0].call: no service named '{name}b'", problems[1]);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16 * MiB);
    }

    [Fact]
    public void A_key_past_253_characters_is_refused() =>
        Assert.Equal([$"x.yaml:1:1: a key is 300 characters long; a key has at most 253 (the limit)"],
            Problems($"{new string('k', 300)}: 1\nname: x\nservices: [ {{ name: a }} ]\n"));

    [Fact]
    public void Many_near_miss_calls_spend_a_bounded_budget_on_suggestions()
    {
        var yaml = new StringBuilder("name: x\nservices:\n");
        for (var i = 0; i < 2_000; i++) yaml.Append($"- {{ name: service-with-a-long-name-of-sixty-characters-{i:00000000} }}\n");
        yaml.Append("- name: caller\n  script:\n");
        for (var i = 0; i < 2_000; i++) yaml.Append($"  - call: service-with-a-long-name-of-sixty-characterz-{i:00000000}\n");
        var problems = Problems(yaml.ToString());
        Assert.Equal(2_000, problems.Count);
        Assert.EndsWith("(did you mean 'service-with-a-long-name-of-sixty-characters-00000000'?)", problems[0]);
        Assert.DoesNotContain("did you mean", problems[^1]); // the budget was spent long before
    }

    [Theory]
    [InlineData("load: { duration: 200000000h }", "x.yaml:3:19: load.duration: '200000000h' is longer than 8760h (a year, the limit)")]
    [InlineData("mesh: { defaults: { timeout: 50ns } }", "x.yaml:3:30: mesh.defaults.timeout: '50ns' is shorter than the clock's resolution (100ns) and would round to 0, which turns a timeout or delay off; write 0 for that, or at least 100ns")]
    [InlineData("load: { rps: NaN }", "x.yaml:3:14: load.rps: 'NaN' is not a finite number")]
    [InlineData("load: { rps: .inf }", "x.yaml:3:14: load.rps: '.inf' is not a finite number")]
    [InlineData("load: { rps: -Infinity }", "x.yaml:3:14: load.rps: '-Infinity' is not a finite number")]
    [InlineData("load: { rps: 1e400 }", "x.yaml:3:14: load.rps: '1e400' is not a finite number")]
    [InlineData("load: { requests: [ { path: /a, weight: 1e308 }, { path: /b, weight: 1e308 } ] }", "x.yaml:3:9: load.requests: the weights add up to infinity, so no share of the mix can be drawn; only their ratios matter: use smaller ones (e.g. 1 and 3)")]
    [InlineData("nodes: 99999999999", "x.yaml:3:8: nodes: '99999999999' is out of range; a whole number here is from -2147483648 to 2147483647")]
    [InlineData("load: { users: ١٢, mode: closed }", "x.yaml:3:16: load.users: '١٢' has digits other than 0-9; write numbers with the digits 0-9")]
    [InlineData("mesh: { defaults: { timeout: 10 } }", "x.yaml:3:30: mesh.defaults.timeout: '10' needs a unit, e.g. '10ms' or '10s': a duration always carries its unit (ns, us, ms, s, m, h); only 0 may stand alone")]
    public void A_value_that_would_overflow_or_be_silently_changed_is_a_named_problem(string section, string problem) =>
        Assert.Equal([problem], Problems($"name: x\nservices: [ {{ name: a }} ]\n{section}\n"));

    [Theory]
    [InlineData("responseSize: ١٢", "x.yaml:3:28: services[0].responseSize: '١٢' has digits other than 0-9; write numbers with the digits 0-9")]
    [InlineData("serviceTime: 5", "x.yaml:3:27: services[0].serviceTime: '5' needs a unit, e.g. '5ms' or '5s': a duration always carries its unit (ns, us, ms, s, m, h); only 0 may stand alone")]
    [InlineData("serviceTime: { type: normal, mean: 1s, stddev: 100 }", "x.yaml:3:61: services[0].serviceTime.stddev: '100' needs a unit, e.g. '100ms' or '100s': a duration always carries its unit (ns, us, ms, s, m, h); only 0 may stand alone")]
    [InlineData("replicas: .nan", "x.yaml:3:24: services[0].replicas: '.nan' is not a finite number")]
    public void A_service_value_that_would_crash_or_mean_something_else_is_a_named_problem(string setting, string problem) =>
        Assert.Equal([problem], Problems($"name: x\nservices:\n- {{ name: a, {setting} }}\n"));

    [Theory]
    [InlineData("services: [ { name: a, script: [ { sleep: 200000000h } ] } ]", "graph.yaml:1:43: services[0].script[0].sleep: '200000000h' is longer than 8760h (a year, the limit)")]
    [InlineData("services: [ { name: a, numReplicas: ١٢ } ]", "graph.yaml:1:37: services[0].numReplicas: '١٢' has digits other than 0-9; write numbers with the digits 0-9")]
    [InlineData("services: [ { name: a, script: [ { sleep: 10 } ] } ]", "graph.yaml:1:43: services[0].script[0].sleep: '10' needs a unit, e.g. '10ms' or '10s': a duration always carries its unit (ns, us, ms, s, m, h); only 0 may stand alone")]
    [InlineData("defaults: { numReplicas: 1 }\nservices: [ { name: a, x: &b [*b] } ]", "graph.yaml:2:31: alias '*b' is inside the node '&b' it names, so that value would never end")]
    public void An_isotope_graph_meets_the_same_limits(string yaml, string problem) =>
        Assert.Equal([problem], Problems(yaml, "graph.yaml"));

    [Fact]
    public void An_isotope_graph_nested_too_deep_meets_the_nesting_limit() =>
        Assert.Equal(["graph.yaml:1:93: mappings and lists are nested more than 64 deep (the limit)"],
            Problems("services: [ { name: a, labels: " + new string('[', 1_000) + " } ]", "graph.yaml"));

    [Fact]
    public void A_call_chain_of_five_thousand_services_is_checked_for_cycles_without_recursion()
    {
        var yaml = new StringBuilder("name: chain\nservices:\n");
        for (var i = 0; i < 5_000; i++) yaml.Append($"- {{ name: s{i}, script: [ {{ call: s{(i + 1) % 5_000} }} ] }}\n");
        IReadOnlyList<string> problems = [];
        // A small stack: a recursive search would overflow it long before the chain's end (and take the test run with it).
        var thread = new Thread(() => problems = Problems(yaml.ToString()), maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Equal(["x.yaml:5002:18: services[4999].script: calls form a cycle: s0 → s1 → s2 → s3 → s4 → … 4990 more … → s4995 → s4996 → s4997 → s4998 → s4999 → s0; every request would recurse until workers run out"], problems);
    }

    private static List<string> Problems(string yaml, string file = "x.yaml") =>
        [.. TopologyFile.Parse(yaml, file).Problems.Select(p => p.ToString())];
}
