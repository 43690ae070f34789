using System.Globalization;
using System.Text.RegularExpressions;
using ActorMesh.Scenarios.Yaml;

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
    private static readonly SleepStep StandIn = new(Distribution.Zero);
    private static readonly ServiceCall NoCall = new() { Service = "" };

    private readonly YamlReader _reader = new(file, KeyRules.Lenient);
    private readonly HashSet<int> _inheritsScript = [];
    private readonly List<(string Path, string Service, string Hostname, YamlNode At)> _hostnames = [];
    private string _defaultsKey = "defaults";

    [GeneratedRegex(@"\.parallel\[(\d+)\]")]
    private static partial Regex ParallelCall();

    [GeneratedRegex(@"^services\[(\d+)\]\.script(?=$|[.\[])")]
    private static partial Regex ServiceScript();

    /// <summary>Problems found while reading, in the order found.</summary>
    public IReadOnlyList<TopologyProblem> Problems => _reader.Problems;

    /// <summary>The topology in the stream's first document, or null when there is no mapping to read.</summary>
    public MeshTopology? Read(YamlStream stream)
    {
        if (_reader.Document(stream, "service graph", "'services'", "with 'defaults' and 'services'") is not { } root) return null;
        var top = _reader.Open(root, "", IsotopeKeys.TopLevel);
        if (top["defaults"] is not null && top["default"] is not null)
            _reader.Problem(top["default"], "default", "'default' and 'defaults' are the same section; keep one");
        if (top["defaults"] is null && top["default"] is not null) _defaultsKey = "default";
        var defaults = ReadDefaults(top[_defaultsKey], _defaultsKey);
        var index = 0;
        var raw = top["services"] is { } services
            ? _reader.List(services, "services", (node, path) => Service(node, path, index++, defaults), "a list of services")
            : [];

        var names = new HashSet<string>(raw.Select(r => r.Spec.Name), StringComparer.Ordinal);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in raw)
            if (r.Hostname is { } hostname) aliases.TryAdd(WithoutPort(hostname), r.Spec.Name);
        string Resolve(string target) => ResolveHost(target, names, aliases);

        foreach (var (path, service, hostname, at) in _hostnames)
        {
            var byHostname = Resolve(hostname);
            if (names.Contains(byHostname) && byHostname != Resolve(service))
                _reader.Problem(at, $"{path}.hostname", $"'{hostname}' names service '{byHostname}', not '{service}'");
        }

        var specs = raw.Select(r => r.Spec with
        {
            Script = [.. r.Spec.Script.Select(step => Finish(step, r.RequestBytes ?? defaults.RequestBytes, Resolve))],
        }).ToImmutableArray();
        var entrypoints = specs.Where(s => s.IsEntrypoint).ToList();
        var name = Path.GetFileNameWithoutExtension(file);
        return new MeshTopology
        {
            Name = name.Length > 0 ? name : "isotope",
            Description = Description(raw),
            Services = specs,
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
    public bool Reported(string path) => _reader.Reported(DisplayPath(path));

    /// <summary>Where the validator path <paramref name="path"/> (or failing that its nearest parent) is in the file; (0, 0) when nowhere.</summary>
    public (int Line, int Column) Locate(string path) => _reader.Locate(DisplayPath(path));

    private GraphDefaults ReadDefaults(YamlNode? node, string path)
    {
        var s = _reader.Open(node, path, IsotopeKeys.Defaults);
        var d = IsotopeKeys.Defaults.Build(s, IsotopeKeys.Defaults.Defaults);
        return s["script"] is { } script ? d with { Script = Script(script, s.PathOf("script")) } : d;
    }

    private RawService Service(YamlNode node, string path, int index, GraphDefaults d)
    {
        var s = _reader.Open(node, path, IsotopeKeys.Service);
        ImmutableArray<ScriptStep> script;
        if (s["script"] is { } steps) script = Script(steps, s.PathOf("script"));
        else
        {
            script = d.Script ?? [];
            if (d.Script is not null) _inheritsScript.Add(index);
        }
        var service = IsotopeKeys.Service.Build(s, IsotopeKeys.ServiceOver(d));
        return service with { Spec = service.Spec with { Script = script } };
    }

    private ImmutableArray<ScriptStep> Script(YamlNode node, string path) =>
        _reader.List(node, path, (step, stepPath) => step is YamlSequenceNode group ? Concurrent(group, stepPath) : Command(step, stepPath) ?? StandIn, "a list of steps");

    /// <summary>A list of calls made concurrently. Stand-ins keep the indices of the calls after a bad one.</summary>
    private ScriptStep Concurrent(YamlSequenceNode group, string path)
    {
        if (group.Children.Count == 0)
        {
            _reader.Problem(group, path, "a list of concurrent calls needs at least one call");
            return StandIn;
        }
        return new ParallelStep(_reader.List(group, path, (item, itemPath) =>
        {
            if (item is YamlSequenceNode)
            {
                _reader.Problem(item, itemPath, "concurrent calls may not be nested: a list in a script holds calls, not another list");
                return NoCall;
            }
            var command = Command(item, itemPath);
            if (command is SleepStep)
                _reader.Problem(item, itemPath, "a list of concurrent steps holds only calls here (ActorMesh runs no sleep alongside calls); give the sleep its own step");
            return command is CallStep call ? call.Call : NoCall;
        }));
    }

    /// <summary>A command: a mapping with exactly one key, <c>sleep</c> or <c>call</c>; null after a problem.</summary>
    private ScriptStep? Command(YamlNode node, string path)
    {
        if (node is not YamlMappingNode mapping || mapping.Children.Count == 0)
        {
            _reader.Problem(node, path, YamlReader.IsNull(node) || node is YamlMappingNode
                ? "a step needs 'sleep' or 'call'"
                : $"expected a step such as 'sleep: 10ms' or 'call: b', or a list of calls made concurrently, got {YamlReader.Describe(node)}");
            return null;
        }
        if (mapping.Children.Count > 1)
        {
            var keys = mapping.Children.Keys.Take(3).Select(k => YamlValues.Quote((k as YamlScalarNode)?.Value ?? ""));
            var more = mapping.Children.Count > 3 ? $" and {mapping.Children.Count - 3} more" : "";
            _reader.Problem(node, path, $"a step has exactly one key, not {string.Join(" and ", keys)}{more}; give each its own step");
            return null;
        }
        var (keyNode, value) = mapping.Children.First();
        var key = (keyNode as YamlScalarNode)?.Value ?? "";
        if (IsotopeKeys.Commands.Find(key)?.Name is not { } command)
        {
            _reader.Problem(keyNode, path, YamlValues.Unknown("step", key, IsotopeKeys.Commands.Names));
            return null;
        }
        var commandPath = $"{path}.{command}";
        _reader.Mark(commandPath, value is YamlScalarNode ? value.Start : keyNode.Start);
        if (command == "call") return new CallStep(Call(value, commandPath));
        if (value is not YamlScalarNode || YamlReader.IsNull(value))
        {
            _reader.Problem(value, commandPath, $"expected a Go duration like '10ms' or '1.5s', got {YamlReader.Describe(value)}");
            return null;
        }
        return IsotopeKeys.Sleep.TryRead(_reader, value, commandPath) is (true, var sleep) ? new SleepStep(sleep) : null;
    }

    /// <summary>A call: a service or host name, or a mapping with <c>service</c> (or <c>hostname</c>), <c>size</c> and <c>probability</c>.</summary>
    private ServiceCall Call(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value.Length: > 0 } && !YamlReader.IsNull(node))
            return IsotopeKeys.Call.Defaults with { Service = _reader.Scalar(node, path, "", t => t.Trim()) };
        if (YamlReader.IsNull(node))
        {
            _reader.Problem(node, path, "a call needs a service: 'call: b' or 'call: { service: b }'");
            return NoCall;
        }
        var s = _reader.Open(node, path, IsotopeKeys.Call);
        if (s.Mapping is null) return NoCall;
        var service = s.Get<string?>("service", null);
        var hostnameKey = s["hostname"] is not null ? "hostname" : "call-override";
        var hostname = s.Get<string?>(hostnameKey, null);
        if (service is null && hostname is null) _reader.Problem(node, path, "a call needs 'service' (or 'hostname')");
        if ((s["service"] ?? s[hostnameKey]) is { } named) _reader.Mark(path, named.Start);
        if (service is not null && hostname is not null) _hostnames.Add((path, service, hostname, s[hostnameKey]!));
        return IsotopeKeys.Call.Build(s, IsotopeKeys.Call.Defaults with { Service = (service ?? hostname ?? "").Trim() });
    }

    /// <summary>The step with its calls' names resolved and their unset sizes filled in.</summary>
    private static ScriptStep Finish(ScriptStep step, int requestBytes, Func<string, string> resolve)
    {
        ServiceCall Call(ServiceCall c) => c with
        {
            Service = c.Service.Length == 0 ? c.Service : resolve(c.Service),
            RequestBytes = c.RequestBytes == IsotopeKeys.UnsetSize ? requestBytes : c.RequestBytes,
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

    private static string Description(IEnumerable<RawService> services)
    {
        var grpc = services.Where(s => s.Type == "grpc").Select(s => s.Spec.Name).ToList();
        var note = grpc.Count == 0 ? "" : $"; gRPC services run as HTTP here: {string.Join(", ", grpc.Take(5))}{(grpc.Count > 5 ? $" and {grpc.Count - 5} more" : "")}";
        return $"isotope service graph{note}";
    }
}
