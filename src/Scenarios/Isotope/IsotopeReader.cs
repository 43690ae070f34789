using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using ActorMesh.Scenarios.Yaml;
using ActorMesh.Topology;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorMesh.Scenarios.Isotope;

/// <summary>
/// Reads an Istio isotope service graph (the format of Istio's performance tests) into a
/// <see cref="MeshTopology"/>, reporting every problem at once with its line and field path.
/// </summary>
/// <remarks>
/// <code>
/// apiVersion: v1alpha1            # ignored, as is kind
/// defaults:                       # for services that do not set them; isotope's own defaults in brackets
///   type: http                    # http | grpc [http]; both run as HTTP here
///   numReplicas: 1                # [1]
///   errorRate: 0.1%               # "N%" or a number 0..1 [0]; failed requests answer 500
///   requestSize: 1 KB             # size of calls without their own [0]; go-units, 1 KB = 1024
///   responseSize: 1 KB            # [0]
///   script: []                    # for services without one [none]
/// services:
/// - name: a                       # required
///   isEntrypoint: true            # the load generator calls the entrypoints (the first when there is none)
///   numReplicas: 2
///   errorRate: 1%
///   requestSize: 2 KB             # an ActorMesh extension: this service's calls without a size
///   responseSize: 16 KB
///   namespace: ns1                # accepted; no effect (one cluster, one network)
///   cluster: c1                   # accepted; no effect
///   labels: { app: a }            # accepted; no effect
///   hostname: a.global            # an alias: calls to a.global:8080 reach a
///   script:
///   - sleep: 10ms                 # a Go duration
///   - call: b                     # a service name or host name ("b.ns.svc.cluster.local:8080" names b)
///   - call: { service: b, hostname: "b.ns:8080", size: 10K, probability: 60 }   # probability: whole percent
///   - - call: c                   # a list: calls made concurrently (one level; calls only)
///     - call: d
/// </code>
/// <para>
/// As in isotope, keys match ignoring case, unknown keys are ignored and a null value counts as
/// absent; a step has exactly one key. A host name names the service that declares it as its
/// <c>hostname</c>, else the service named by its first DNS label; a port is ignored. The topology
/// is named after the file, and everything isotope does not describe (mesh policies, network,
/// workers, load) has ActorMesh's defaults; with several entrypoints the load is spread evenly
/// over them. Paths in problems are the file's: <c>services[0].script[2][1].call</c>.
/// </para>
/// </remarks>
internal sealed partial class IsotopeReader(string file)
{
    /// <summary>Request size not given by the call: filled in from the calling service, then the defaults.</summary>
    private const int UnsetSize = -1;

    private static readonly string[] TopLevelKeys = ["defaults", "default", "services"];
    private static readonly string[] DefaultsKeys = ["type", "numReplicas", "errorRate", "requestSize", "responseSize", "script"];
    private static readonly string[] ServiceKeys =
        ["name", "type", "numReplicas", "isEntrypoint", "errorRate", "requestSize", "responseSize", "script", "hostname"];
    private static readonly string[] CallKeys = ["service", "hostname", "call-override", "size", "probability"];
    private static readonly string[] Commands = ["sleep", "call"];

    private static readonly SleepStep StandIn = new(Distribution.Zero);

    private readonly Dictionary<string, Mark> _marks = new(StringComparer.Ordinal);
    private readonly List<TopologyProblem> _problems = [];
    private readonly HashSet<int> _inheritsScript = [];
    private readonly List<(string Path, string Service, string Hostname, YamlNode At)> _hostnames = [];
    private string _defaultsKey = "defaults";

    [GeneratedRegex(@"\.parallel\[(\d+)\]")]
    private static partial Regex ParallelCall();

    [GeneratedRegex(@"^services\[(\d+)\]\.script(?=$|[.\[])")]
    private static partial Regex ServiceScript();

    /// <summary>Problems found while reading, in the order found.</summary>
    public IReadOnlyList<TopologyProblem> Problems => _problems;

    /// <summary>The topology in the stream's first document, or null when there is no mapping to read.</summary>
    public MeshTopology? Read(YamlStream stream)
    {
        if (stream.Documents.Count > 1)
            Problem(stream.Documents[1].RootNode, "", "a service graph file holds one YAML document; remove the '---' and what follows");
        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        if (root is null || IsNull(root))
        {
            Problem(null, "", "the file is empty; a service graph needs 'services'");
            return null;
        }
        if (root is not YamlMappingNode)
        {
            Problem(root, "", $"expected a mapping with 'defaults' and 'services', got {Describe(root)}");
            return null;
        }

        var top = Open(root, "", TopLevelKeys);
        if (top["defaults"] is not null && top["default"] is not null)
            Problem(top["default"], "default", "'default' and 'defaults' are the same section; keep one");
        if (top["defaults"] is null && top["default"] is not null) _defaultsKey = "default";
        var defaults = ReadDefaults(top[_defaultsKey], _defaultsKey);

        var raw = new List<RawService>();
        if (top["services"] is not { } servicesNode) Problem(root, "services", "required key 'services' is missing");
        else if (servicesNode is not YamlSequenceNode list) Problem(servicesNode, "services", $"expected a list of services, got {Describe(servicesNode)}");
        else
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                var path = $"services[{i}]";
                _marks[path] = list.Children[i].Start;
                raw.Add(Service(list.Children[i], path, i, defaults));
            }
        }

        var names = new HashSet<string>(raw.Select(r => r.Spec.Name), StringComparer.Ordinal);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in raw)
            if (r.Hostname is { } hostname) aliases.TryAdd(WithoutPort(hostname), r.Spec.Name);
        string Resolve(string target) => ResolveHost(target, names, aliases);

        foreach (var (path, service, hostname, at) in _hostnames)
        {
            var byHostname = Resolve(hostname);
            if (names.Contains(byHostname) && byHostname != Resolve(service))
                Problem(at, $"{path}.hostname", $"'{hostname}' names service '{byHostname}', not '{service}'");
        }

        var services = raw.Select(r => r.Spec with
        {
            Script = [.. r.Spec.Script.Select(step => Finish(step, r.RequestBytes ?? defaults.RequestBytes, Resolve))],
        }).ToImmutableArray();
        var entrypoints = services.Where(s => s.IsEntrypoint).ToList();
        var name = Path.GetFileNameWithoutExtension(file);
        return new MeshTopology
        {
            Name = name.Length > 0 ? name : "isotope",
            Description = Description(raw),
            Services = services,
            // Isotope's client calls the entrypoints; the implicit gateway routes /<name> to each.
            Load = new LoadProfile { Requests = entrypoints.Count > 1 ? [.. entrypoints.Select(e => new RequestMix("/" + e.Name))] : [] },
        };
    }

    /// <summary>
    /// The file's path for a validator path: <c>services[0].script[2].parallel[1]</c> is
    /// <c>services[0].script[2][1].call</c>, <c>replicas</c> is <c>numReplicas</c>, and the script of
    /// a service that runs the defaults' script is the defaults' (<c>defaults.script[0].call</c>).
    /// </summary>
    public string DisplayPath(string path)
    {
        var p = ParallelCall().Replace(path, "[$1].call");
        if (p.EndsWith(".parallel", StringComparison.Ordinal)) p = p[..^".parallel".Length];
        if (p.EndsWith(".replicas", StringComparison.Ordinal)) p = p[..^"replicas".Length] + "numReplicas";
        if (p.EndsWith(".errors.rate", StringComparison.Ordinal)) p = p[..^"errors.rate".Length] + "errorRate";
        return ServiceScript().Replace(p, m => _inheritsScript.Contains(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)) ? $"{_defaultsKey}.script" : m.Value);
    }

    /// <summary>True when a problem was reported at the validator path <paramref name="path"/> or above it, so the value there is a stand-in.</summary>
    public bool Reported(string path)
    {
        var p = DisplayPath(path);
        foreach (var problem in _problems)
        {
            var q = problem.Path;
            if (p == q || p.StartsWith(q + ".", StringComparison.Ordinal) || p.StartsWith(q + "[", StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>Where the validator path <paramref name="path"/> (or failing that its nearest parent) is in the file; (0, 0) when nowhere.</summary>
    public (int Line, int Column) Locate(string path)
    {
        for (var p = DisplayPath(path); p.Length > 0; p = p[..Math.Max(0, p.LastIndexOfAny(['.', '[']))])
            if (_marks.TryGetValue(p, out var mark)) return ((int)mark.Line, (int)mark.Column);
        return (0, 0);
    }

    /// <summary>A service as read, before its calls are resolved against every service's name and host name.</summary>
    private sealed record RawService(ServiceSpec Spec, string Type, string? Hostname, int? RequestBytes);

    /// <summary>The <c>defaults</c> section, over isotope's own defaults.</summary>
    private sealed record GraphDefaults(string Type, int Replicas, double ErrorRate, int RequestBytes, int ResponseBytes, ImmutableArray<ScriptStep>? Script);

    private GraphDefaults ReadDefaults(YamlNode? node, string path)
    {
        var s = Open(node, path, DefaultsKeys);
        var d = new GraphDefaults("http", 1, 0, 0, 0, null);
        return d with
        {
            Type = Value(s, "type", d.Type, ServiceType),
            Replicas = Value(s, "numReplicas", d.Replicas, Replicas),
            ErrorRate = Value(s, "errorRate", d.ErrorRate, ErrorRate),
            RequestBytes = Value(s, "requestSize", d.RequestBytes, YamlValues.Size),
            ResponseBytes = Value(s, "responseSize", d.ResponseBytes, YamlValues.Size),
            Script = s["script"] is { } script ? Script(script, s.PathOf("script")) : null,
        };
    }

    private RawService Service(YamlNode node, string path, int index, GraphDefaults d)
    {
        var s = Open(node, path, ServiceKeys);
        if (s.Mapping is not null && s["name"] is null) Problem(s.Mapping, s.PathOf("name"), "required key 'name' is missing");
        ImmutableArray<ScriptStep> script;
        if (s["script"] is { } steps) script = Script(steps, s.PathOf("script"));
        else
        {
            script = d.Script ?? [];
            if (d.Script is not null) _inheritsScript.Add(index);
        }
        var spec = new ServiceSpec
        {
            Name = Text(s, "name") ?? "",
            Replicas = Value(s, "numReplicas", d.Replicas, Replicas),
            IsEntrypoint = Value(s, "isEntrypoint", false, YamlValues.Boolean),
            Errors = new ErrorInjection(Value(s, "errorRate", d.ErrorRate, ErrorRate), 500),
            ResponseBytes = Value(s, "responseSize", d.ResponseBytes, YamlValues.Size),
            Script = script,
        };
        var requestBytes = s["requestSize"] is null ? (int?)null : Value(s, "requestSize", d.RequestBytes, YamlValues.Size);
        return new RawService(spec, Value(s, "type", d.Type, ServiceType), Text(s, "hostname"), requestBytes);
    }

    private ImmutableArray<ScriptStep> Script(YamlNode node, string path)
    {
        if (node is not YamlSequenceNode list)
        {
            Problem(node, path, $"expected a list of steps, got {Describe(node)}");
            return [];
        }
        var steps = ImmutableArray.CreateBuilder<ScriptStep>(list.Children.Count);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var stepPath = $"{path}[{i}]";
            _marks[stepPath] = list.Children[i].Start;
            steps.Add(list.Children[i] is YamlSequenceNode group ? Concurrent(group, stepPath) : Command(list.Children[i], stepPath) ?? StandIn);
        }
        return steps.MoveToImmutable();
    }

    /// <summary>A list of calls made concurrently. Stand-ins keep the indices of the calls after a bad one.</summary>
    private ScriptStep Concurrent(YamlSequenceNode group, string path)
    {
        if (group.Children.Count == 0)
        {
            Problem(group, path, "a list of concurrent calls needs at least one call");
            return StandIn;
        }
        var calls = ImmutableArray.CreateBuilder<ServiceCall>(group.Children.Count);
        for (var i = 0; i < group.Children.Count; i++)
        {
            var item = group.Children[i];
            var itemPath = $"{path}[{i}]";
            _marks[itemPath] = item.Start;
            if (item is YamlSequenceNode)
            {
                Problem(item, itemPath, "concurrent calls may not be nested: a list in a script holds calls, not another list");
                calls.Add(new ServiceCall { Service = "" });
                continue;
            }
            switch (Command(item, itemPath))
            {
                case CallStep call:
                    calls.Add(call.Call);
                    break;
                case SleepStep:
                    Problem(item, itemPath, "a list of concurrent steps holds only calls here (ActorMesh runs no sleep alongside calls); give the sleep its own step");
                    calls.Add(new ServiceCall { Service = "" });
                    break;
                default:
                    calls.Add(new ServiceCall { Service = "" });
                    break;
            }
        }
        return new ParallelStep(calls.MoveToImmutable());
    }

    /// <summary>A command: a mapping with exactly one key, <c>sleep</c> or <c>call</c>; null after a problem.</summary>
    private ScriptStep? Command(YamlNode node, string path)
    {
        if (node is not YamlMappingNode mapping || mapping.Children.Count == 0)
        {
            Problem(node, path, IsNull(node) || node is YamlMappingNode
                ? "a step needs 'sleep' or 'call'"
                : $"expected a step such as 'sleep: 10ms' or 'call: b', or a list of calls made concurrently, got {Describe(node)}");
            return null;
        }
        if (mapping.Children.Count > 1)
        {
            var keys = mapping.Children.Keys.Select(k => $"'{(k as YamlScalarNode)?.Value}'");
            Problem(node, path, $"a step has exactly one key, not {string.Join(" and ", keys)}; give each its own step");
            return null;
        }
        var (keyNode, value) = mapping.Children.First();
        var key = (keyNode as YamlScalarNode)?.Value ?? "";
        var command = Array.Find(Commands, c => c.Equals(key, StringComparison.OrdinalIgnoreCase));
        if (command is null)
        {
            Problem(keyNode, path, YamlValues.Unknown("step", key, Commands));
            return null;
        }
        var commandPath = $"{path}.{command}";
        _marks[commandPath] = value is YamlScalarNode ? value.Start : keyNode.Start;
        if (command == "call") return new CallStep(Call(value, commandPath));
        if (value is not YamlScalarNode { Value: { } text } || IsNull(value))
        {
            Problem(value, commandPath, $"expected a Go duration like '10ms' or '1.5s', got {Describe(value)}");
            return null;
        }
        var duration = YamlValues.Duration(text);
        var error = duration.Error ?? (duration.Value < TimeSpan.Zero ? "must not be negative" : null);
        if (error is null) return new SleepStep(Distribution.Constant(duration.Value.TotalMilliseconds));
        Problem(value, commandPath, error);
        return null;
    }

    /// <summary>A call: a service or host name, or a mapping with <c>service</c> (or <c>hostname</c>), <c>size</c> and <c>probability</c>.</summary>
    private ServiceCall Call(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } target } && !IsNull(node))
            return new ServiceCall { Service = target.Trim(), RequestBytes = UnsetSize };
        if (IsNull(node))
        {
            Problem(node, path, "a call needs a service: 'call: b' or 'call: { service: b }'");
            return new ServiceCall { Service = "" };
        }
        var s = Open(node, path, CallKeys);
        if (s.Mapping is null) return new ServiceCall { Service = "" };
        var service = Text(s, "service");
        var hostnameKey = s["hostname"] is not null ? "hostname" : "call-override";
        var hostname = Text(s, hostnameKey);
        if (service is null && hostname is null) Problem(node, path, "a call needs 'service' (or 'hostname')");
        if ((s["service"] ?? s[hostnameKey]) is { } named) _marks[path] = named.Start;
        if (service is not null && hostname is not null) _hostnames.Add((path, service, hostname, s[hostnameKey]!));
        return new ServiceCall
        {
            Service = (service ?? hostname ?? "").Trim(),
            RequestBytes = Value(s, "size", UnsetSize, YamlValues.Size),
            Probability = Value(s, "probability", 1.0, ProbabilityPercent),
        };
    }

    /// <summary>The step with its calls' names resolved and their unset sizes filled in.</summary>
    private static ScriptStep Finish(ScriptStep step, int requestBytes, Func<string, string> resolve)
    {
        ServiceCall Call(ServiceCall c) => c with
        {
            Service = c.Service.Length == 0 ? c.Service : resolve(c.Service),
            RequestBytes = c.RequestBytes == UnsetSize ? requestBytes : c.RequestBytes,
        };
        return step switch
        {
            CallStep call => new CallStep(Call(call.Call)),
            ParallelStep parallel => new ParallelStep([.. parallel.Calls.Select(Call)]),
            _ => step,
        };
    }

    /// <summary>
    /// The service a call target names: a service name; a host name a service declares; or a host
    /// name whose first DNS label is a service name (<c>b.ns.svc.cluster.local:8080</c> is b). A port
    /// is ignored. Otherwise the target as given, which validation reports as an unknown service.
    /// </summary>
    internal static string ResolveHost(string target, IReadOnlySet<string> names, IReadOnlyDictionary<string, string> aliases)
    {
        if (names.Contains(target)) return target;
        var host = WithoutPort(target);
        if (names.Contains(host)) return host;
        if (aliases.TryGetValue(host, out var aliased)) return aliased;
        var dot = host.IndexOf('.');
        return dot > 0 && names.Contains(host[..dot]) ? host[..dot] : target;
    }

    private static string WithoutPort(string host)
    {
        var colon = host.LastIndexOf(':');
        return colon > 0 && colon < host.Length - 1 && host.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0 ? host[..colon] : host;
    }

    private static string Description(List<RawService> services)
    {
        var grpc = services.Where(s => s.Type == "grpc").Select(s => s.Spec.Name).ToList();
        var note = grpc.Count == 0 ? "" : $"; gRPC services run as HTTP here: {string.Join(", ", grpc.Take(5))}{(grpc.Count > 5 ? $" and {grpc.Count - 5} more" : "")}";
        return $"isotope service graph{note}";
    }

    // ---- values ----------------------------------------------------------------------------

    private static Parsed<string> ServiceType(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        return t is "http" or "grpc" ? t : Parsed<string>.Fail($"expected 'http' or 'grpc', got '{text.Trim()}'");
    }

    private static Parsed<int> Replicas(string text)
    {
        var n = YamlValues.Integer<int>(text);
        return n.Error is null && n.Value < 0 ? Parsed<int>.Fail("must not be negative") : n;
    }

    /// <summary>isotope's percentage: "0.1%" or a number from 0 to 1.</summary>
    private static Parsed<double> ErrorRate(string text)
    {
        var rate = YamlValues.Ratio(text);
        return rate.Error is null && rate.Value is < 0 or > 1
            ? Parsed<double>.Fail($"must be between 0 and 1, or a percentage from '0%' to '100%'; got '{text.Trim()}'")
            : rate;
    }

    /// <summary>isotope's call probability: a whole percentage, 0 to 100 ("60" or "60%"), as a share 0..1.</summary>
    private static Parsed<double> ProbabilityPercent(string text)
    {
        var s = text.Trim();
        if (!int.TryParse(s.EndsWith('%') ? s[..^1] : s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent))
            return Parsed<double>.Fail($"expected a whole percentage from 0 to 100 such as 60 (isotope's probability is in percent), got '{s}'");
        if (percent is < 0 or > 100) return Parsed<double>.Fail($"must be between 0 and 100 (a percentage), got {percent}");
        return percent / 100.0;
    }

    // ---- reading primitives: each reports what is wrong and returns a stand-in so reading goes on.

    /// <summary>The entries of one mapping by known key; keys match ignoring case.</summary>
    private sealed class Section(string path, YamlMappingNode? mapping, Dictionary<string, YamlNode> entries)
    {
        /// <summary>The mapping, or null when the section was absent, null or not a mapping.</summary>
        public YamlMappingNode? Mapping => mapping;

        public YamlNode? this[string key] => entries.GetValueOrDefault(key);

        public string PathOf(string key) => path.Length == 0 ? key : $"{path}.{key}";
    }

    /// <summary>
    /// Opens the mapping at <paramref name="path"/>. Unknown keys are ignored and null values count as
    /// absent, as in isotope (Go's encoding/json); a known key given twice in different case is a problem.
    /// </summary>
    private Section Open(YamlNode? node, string path, params string[] keys)
    {
        var entries = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (node is null || IsNull(node)) return new Section(path, null, entries);
        if (node is not YamlMappingNode mapping)
        {
            Problem(node, path, $"expected a mapping, got {Describe(node)}");
            return new Section(path, null, entries);
        }
        var section = new Section(path, mapping, entries);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name }) continue;
            var key = Array.Find(keys, k => k.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (key is null || IsNull(value)) continue;
            if (!entries.TryAdd(key, value)) Problem(keyNode, section.PathOf(key), $"'{key}' is given twice (keys ignore case)");
            else _marks[section.PathOf(key)] = value is YamlScalarNode ? value.Start : keyNode.Start;
        }
        return section;
    }

    /// <summary>The text at <paramref name="key"/>, or null when absent or not a single value.</summary>
    private string? Text(Section s, string key) => Value<string?>(s, key, null, t => t.Trim());

    private T Value<T>(Section s, string key, T fallback, Func<string, Parsed<T>> parse)
    {
        if (s[key] is not { } node) return fallback;
        if (node is not YamlScalarNode { Value: { } text })
        {
            Problem(node, s.PathOf(key), $"expected a single value, got {Describe(node)}");
            return fallback;
        }
        return Check(parse(text), node, s.PathOf(key), fallback);
    }

    private T Check<T>(Parsed<T> parsed, YamlNode node, string path, T fallback)
    {
        if (parsed.Error is null) return parsed.Value;
        Problem(node, path, parsed.Error);
        return fallback;
    }

    private void Problem(YamlNode? node, string path, string message) =>
        _problems.Add(new TopologyProblem(file, path, (int)(node?.Start.Line ?? 0), (int)(node?.Start.Column ?? 0), message));

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } && (string.IsNullOrEmpty(v) || v == "~" || v.Equals("null", StringComparison.OrdinalIgnoreCase));

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "something else",
    };
}
