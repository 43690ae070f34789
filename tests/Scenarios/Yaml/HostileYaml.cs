using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Yaml;
using CsCheck;

namespace ActorMesh.Tests.Scenarios.Yaml;

/// <summary>
/// Generators of hostile topology files for the reader's fuzz test: files shaped like topologies with
/// hostile values, names, cycles and self-calls; deep nesting; aliases and alias bombs; junk; and
/// mutations of the built-in scenario files and the isotope sample.
/// </summary>
internal static class HostileYaml
{
    private static readonly string[] HostileNumbers =
    [
        "1e308", "-1e308", "1e400", "NaN", ".nan", ".inf", "-.inf", "Infinity", "-0", "0x10", "١٢", "٣", "９",
        "9999999999999999999999", "2147483648", "-2147483649", "0.0000001", "1_000", "½", "1,5", "", "+", "-",
    ];

    private static readonly string[] Units = ["ns", "us", "µs", "ms", "s", "m", "h", "", " ms", "sec", "d", "١"];

    private static readonly string[] OddNames = ["", " ", "a b", "ünï", "😀", "-x", "a.b", "__", "\u0000", "١٢", "\t", "a:b", "#c", "[x]", "*y", "&z"];

    private static readonly string[] ServiceKeys =
    [
        "replicas", "workers", "queue", "serviceTime", "errors", "responseSize", "version", "entrypoint", "startupTime",
        "sidecar", "stores", "Replicas", "replicsa", "retries", "timeout", "unknown", "",
    ];

    private static readonly Gen<string> CleanName = Gen.OneOf("a", "b", "c", "d", "orders", "payments");
    private static readonly Gen<string> CleanNumber = Gen.Int[1, 200].Select(i => i.ToString(CultureInfo.InvariantCulture));
    private static readonly Gen<string> CleanDuration = Gen.Select(Gen.Int[1, 900], Gen.OneOf("us", "ms", "s"), (n, u) => $"{n}{u}");

    /// <summary>A few names, so that calls meet their targets, themselves and each other in cycles; now and then an odd one.</summary>
    private static readonly Gen<string> Name = Pick(
        (20, CleanName),
        (2, Gen.OneOf(OddNames)),
        (1, Gen.Int[60, 6000].Select(n => new string('n', n))),
        (1, Gen.Char["abcdefghij-._0123456789"].Array[1, 30].Select(c => new string(c))));

    private static readonly Gen<string> Number = Pick(
        (8, CleanNumber),
        (1, Gen.Int[-5, 0].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.OneOf(HostileNumbers)),
        (1, Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture))));

    private static readonly Gen<string> Duration = Pick(
        (8, CleanDuration),
        (2, Gen.Select(Number, Gen.OneOf(Units), (n, u) => n + u)),
        (1, Gen.OneOf("0", "50ns", "99ns", "100ns", "200000000h", "8761h", "1h1h1h", "1.5.5s", "--1s", "1m30s", "0s")));

    private static readonly Gen<string> Size = Gen.Select(Number, Gen.OneOf("", "", "%", " KB", "MiB", "G", "P", "XB"), (n, u) => n + u);

    private static readonly Gen<string> Value = Pick(
        (3, Duration),
        (3, Number),
        (1, Name),
        (1, Size),
        (1, Gen.OneOf("true", "off", "on", "null", "~", "{}", "[]", "[1, 2]", "{ type: uniform, min: 1ms, max: 0ms }", "{ type: pareto, scale: 1ms, shape: 0.5 }")));

    /// <summary>
    /// A file shaped like a topology: services calling each other (so in cycles and self-calls too), a
    /// load with weights, default policies. A third of the files take clean names and values, so that
    /// some are valid and the validator sees them whole; the rest take hostile ones, and unknown keys.
    /// </summary>
    public static readonly Gen<string> Topology = Pick(
        (1, TopologyOf(CleanName, CleanNumber, CleanDuration, CleanNumber, Gen.Const("replicas: 2"))),
        (2, TopologyOf(Name, Number, Duration, Size, Gen.Select(Gen.OneOf(ServiceKeys), Value, (k, v) => $"{k}: {Scalar(v)}"))));

    private static Gen<string> TopologyOf(Gen<string> name, Gen<string> number, Gen<string> duration, Gen<string> size, Gen<string> anyServiceSetting)
    {
        var serviceSetting = Pick(
            (2, number.Select(n => $"replicas: {Scalar(n)}")),
            (2, duration.Select(d => $"serviceTime: {Scalar(d)}")),
            (1, size.Select(n => $"responseSize: {Scalar(n)}")),
            (1, number.Select(n => $"workers: {Scalar(n)}")),
            (1, anyServiceSetting));
        var policySetting = Pick(
            (3, duration.Select(d => $"timeout: {Scalar(d)}")),
            (2, Gen.Select(number, duration, (n, d) => $"retries: {{ attempts: {Scalar(n)}, perTryTimeout: {Scalar(d)} }}")),
            (1, Gen.Select(number, duration, (n, d) => $"outlierDetection: {{ consecutive5xxErrors: {Scalar(n)}, interval: {Scalar(d)} }}")));
        var loadSetting = Pick(
            (2, number.Select(n => $"rps: {Scalar(n)}")),
            (2, duration.Select(d => $"duration: {Scalar(d)}")),
            (1, duration.Select(d => $"warmup: {Scalar(d)}")));
        var step = Pick(
            (8, name.Select(n => $"{{ call: {Scalar(n)} }}")),
            (2, duration.Select(d => $"{{ sleep: {Scalar(d)} }}")),
            (2, name.Array[1, 3].Select(ns => $"{{ parallel: [{string.Join(", ", ns.Select(Scalar))}] }}")));
        var service =
            from n in name
            from settings in serviceSetting.Array[0, 3]
            from script in step.Array[0, 4]
            select $"  - name: {Scalar(n)}\n" + string.Concat(settings.Select(s => $"    {s}\n")) + $"    script: [{string.Join(", ", script)}]\n";
        return
            from services in service.Array[1, 8]
            from policy in policySetting.Array[0, 3]
            from load in loadSetting.Array[0, 3]
            from weights in number.Array[0, 3]
            select "name: fuzz\n"
                + "services:\n" + string.Concat(services)
                + $"mesh: {{ defaults: {{ {string.Join(", ", policy)} }} }}\n"
                + $"load: {{ {string.Join(", ", load.Append($"requests: [{string.Join(", ", weights.Select((w, i) => $"{{ path: /{i}, weight: {Scalar(w)} }}"))}]"))} }}\n";
    }

    /// <summary>A chain of services, each calling the next; the last calls back to a service in the chain, or to itself, or to none.</summary>
    public static readonly Gen<string> Chain =
        from length in Gen.Int[1, 1500]
        from back in Pick((1, Gen.Const(-1)), (2, Gen.Int[0, 1500]))
        select ChainOf(length, back);

    /// <summary>Mappings and lists nested inside each other, flow or block style, closed or not.</summary>
    public static readonly Gen<string> Nesting =
        from depth in Gen.Int[1, 400]
        from style in Gen.Int[0, 3]
        from closed in Gen.Bool
        from anchored in Gen.Bool
        select Nest(depth, style, closed, anchored);

    /// <summary>Anchors and aliases: bombs (each level lists the one before several times), as a value or a complex key, self and forward references.</summary>
    public static readonly Gen<string> Aliases =
        from levels in Gen.Int[1, 40]
        from width in Gen.Int[2, 9]
        from use in Gen.Int[0, 5]
        select AliasBomb(levels, width, use);

    /// <summary>Text from YAML's indicators, whitespace, control characters and other scripts, or bytes of no encoding at all.</summary>
    public static readonly Gen<string> Junk = Pick(
        (3, Gen.Char["[]{}:-?&*!|>'\"%@`#,\t\n \r\\abc019١😀\u0000\u0085\u2028\uFEFF\uD800"].Array[0, 2000].Select(c => new string(c))),
        (1, Gen.Byte.Array[0, 2000].Select(b => Encoding.UTF8.GetString(b))),
        (1, Gen.Byte.Array[0, 2000].Select(b => Encoding.Latin1.GetString(b))));

    private static readonly string[] Originals =
        [.. ScenarioCatalog.All.Select(s => s.Yaml), Resource("ActorMesh.Scenarios.Isotope.sample-isotope.yaml")];

    private static readonly Gen<string> Insert = Pick(
        (3, Value),
        (1, Name),
        (2, Gen.OneOf("[", "]", "{", "}", ": ", "- ", "? ", "&a ", "*a", "!!str ", "|\n", "\t", "\n", "\n  ", "  ", "#", "'", "\"", "---\n", "...\n", "\u0000", "\uFEFF", "<<: *a\n")),
        (1, Gen.Int[30, 200].Select(n => new string('[', n))));

    /// <summary>A built-in scenario file or the isotope sample, with a few bytes deleted, repeated, replaced or inserted.</summary>
    public static readonly Gen<string> Mutation =
        from original in Gen.Int[0, Originals.Length - 1].Select(i => Originals[i])
        from edits in Gen.Select(Gen.Int[0, 4], Gen.Double[0, 1], Gen.Int[0, 40], Insert).Array[1, 6]
        select Mutate(original, edits);

    private static string Mutate(string text, (int Kind, double At, int Length, string Insert)[] edits)
    {
        var s = new StringBuilder(text);
        foreach (var (kind, at, length, insert) in edits)
        {
            var start = (int)(at * s.Length);
            var span = Math.Min(length, s.Length - start);
            switch (kind)
            {
                case 0: s.Remove(start, span); break;
                case 1: s.Insert(start, s.ToString(start, span)); break;
                case 2: s.Remove(start, span).Insert(start, insert); break;
                case 3: s.Insert(start, insert); break;
                default: s.Length = start; break;
            }
        }
        return s.ToString();
    }

    private static string ChainOf(int length, int back)
    {
        var yaml = new StringBuilder("name: chain\nservices:\n");
        for (var i = 0; i < length; i++)
        {
            var next = i + 1 < length ? $"s{i + 1}" : back >= 0 ? $"s{back % length}" : null;
            yaml.Append(next is null ? $"- {{ name: s{i} }}\n" : $"- {{ name: s{i}, script: [ {{ call: {next} }} ] }}\n");
        }
        return yaml.ToString();
    }

    private static string Nest(int depth, int style, bool closed, bool anchored)
    {
        var (open, close) = style switch
        {
            0 => ("[", "]"),
            1 => ("{a: ", "}"),
            2 => ("- ", ""),
            _ => ("services: [", "]"),
        };
        var yaml = new StringBuilder(style == 3 ? "name: deep\n" : "");
        for (var i = 0; i < depth; i++) yaml.Append(anchored ? $"&n{i} " : "").Append(open);
        yaml.Append('x');
        if (closed) for (var i = 0; i < depth; i++) yaml.Append(close);
        return yaml.Append('\n').ToString();
    }

    private static string AliasBomb(int levels, int width, int use)
    {
        var yaml = new StringBuilder("name: bomb\nservices: [ { name: a } ]\nx0: &a0 [x, x]\n");
        for (var i = 1; i <= levels; i++)
            yaml.Append($"x{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", width))}]\n");
        yaml.Append(use switch
        {
            0 => $"load: *a{levels}\n",
            1 => $"? *a{levels}\n: v\n",
            2 => $"? [*a{levels}, *a{levels}]\n: v\n",
            3 => "self: &s [*s]\n",
            4 => "early: [*later]\nlate: &later x\n",
            _ => $"mesh: {{ destinations: {{ a: *a{levels} }} }}\n",
        });
        return yaml.ToString();
    }

    /// <summary>A value as YAML: as it is when plain or a flow collection, else double-quoted with escapes (as JSON writes it).</summary>
    private static string Scalar(string value) =>
        value.StartsWith('{') || value.StartsWith('[') || value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+')
            ? value
            : JsonSerializer.Serialize(value);

    private static Gen<T> Pick<T>(params (int Weight, IGen<T> Gen)[] choices) => Gen.Frequency(choices);

    private static string Resource(string name)
    {
        using var stream = typeof(TopologyFile).Assembly.GetManifestResourceStream(name)!;
        return new StreamReader(stream).ReadToEnd();
    }
}
