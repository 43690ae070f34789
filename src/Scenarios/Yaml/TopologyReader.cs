using System.Collections.Immutable;
using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Logs;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.DataPlane.Resilience.Retry;
using ActorMesh.DataPlane.Settings;
using ActorMesh.Topology;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>
/// Reads one YAML document into a <see cref="MeshTopology"/> in a single pass. A bad value is
/// reported and replaced by the field's default, so reading goes on and every problem is found.
/// Paths are the validator's (<c>services[2].script[1].call</c>), and the reader remembers where
/// each path is in the file so that validation errors can be located as well.
/// </summary>
internal sealed class TopologyReader(string file)
{
    private static readonly (string Type, DistributionKind Kind, string A, string? B, bool BUnitless)[] DistributionShapes =
    [
        ("constant", DistributionKind.Constant, "value", null, false),
        ("uniform", DistributionKind.Uniform, "min", "max", false),
        ("normal", DistributionKind.Normal, "mean", "stddev", false),
        ("lognormal", DistributionKind.LogNormal, "median", "sigma", true),
        ("exponential", DistributionKind.Exponential, "mean", null, false),
        ("pareto", DistributionKind.Pareto, "scale", "shape", true),
    ];

    private static readonly string[] DistributionKeys =
        ["type", .. DistributionShapes.SelectMany(s => new[] { s.A, s.B }).OfType<string>().Distinct()];

    private static readonly string[] StepKinds = ["call", "sleep", "parallel", "module", "read", "write"];

    private readonly Dictionary<string, Mark> _marks = new(StringComparer.Ordinal);
    private readonly List<TopologyProblem> _problems = [];
    private readonly List<string> _destinations = [];

    /// <summary>Problems found while reading, in the order found.</summary>
    public IReadOnlyList<TopologyProblem> Problems => _problems;

    /// <summary>The topology in the stream's one document, or null when there is no mapping to read.</summary>
    public MeshTopology? Read(YamlStream stream)
    {
        if (stream.Documents.Count > 1)
            Problem(stream.Documents[1].RootNode, "", "a topology file holds one YAML document; remove the '---' and what follows");
        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        if (root is null || IsNull(root))
        {
            Problem(null, "", "the file is empty; a topology needs at least 'name' and 'services'");
            return null;
        }
        if (root is not YamlMappingNode)
        {
            Problem(root, "", $"expected a mapping of topology keys (name, services, ...), got {Describe(root)}");
            return null;
        }
        var s = Open(root, "", "name", "description", "seed", "nodes", "network", "mesh", "services", "gateways", "load", "timeline");
        Require(s, "name");
        var d = new MeshTopology { Name = "" };
        var mesh = Mesh(s["mesh"], "mesh");
        return d with
        {
            Name = Text(s, "name") ?? "",
            Description = Text(s, "description"),
            Seed = Value(s, "seed", d.Seed, YamlValues.Integer<long>),
            Nodes = Value(s, "nodes", d.Nodes, YamlValues.Integer<int>),
            Network = Network(s["network"], "network"),
            Mesh = mesh,
            Services = List(s, "services", Service),
            Gateways = List(s, "gateways", Gateway),
            Load = Load(s["load"], "load"),
            Timeline = List(s, "timeline", (node, path) => TimelineEntry(node, path, mesh)),
        };
    }

    /// <summary>True when a problem was reported at <paramref name="path"/> or above it, so the value there is a stand-in.</summary>
    public bool Reported(string path)
    {
        foreach (var p in _problems)
            if (path == p.Path || path.StartsWith(p.Path + ".", StringComparison.Ordinal) || path.StartsWith(p.Path + "[", StringComparison.Ordinal))
                return true;
        return false;
    }

    /// <summary>
    /// True when <paramref name="path"/> lies in a section that a destination's policy took from
    /// <c>mesh.defaults</c> because the file does not give it there: a problem there is the defaults' own,
    /// already reported at <c>mesh.defaults</c>, and the file has nothing at this path to point at.
    /// </summary>
    public bool Inherited(string path)
    {
        // The longest destination that holds the path: service names may contain '.'.
        var destination = _destinations.Where(d => path.StartsWith(d + ".", StringComparison.Ordinal)).MaxBy(d => d.Length);
        if (destination is null) return false;
        var rest = path[(destination.Length + 1)..];
        var end = rest.IndexOfAny(['.', '[']);
        return !_marks.ContainsKey($"{destination}.{(end < 0 ? rest : rest[..end])}");
    }

    /// <summary>Where <paramref name="path"/> (or failing that its nearest parent) is in the file; (0, 0) when nowhere.</summary>
    public (int Line, int Column) Locate(string path)
    {
        for (var p = path; p.Length > 0; p = p[..Math.Max(0, p.LastIndexOfAny(['.', '[']))])
            if (_marks.TryGetValue(p, out var mark)) return ((int)mark.Line, (int)mark.Column);
        return (0, 0);
    }

    private NetworkSpec Network(YamlNode? node, string path)
    {
        var s = Open(node, path, "latency", "edges");
        var d = new NetworkSpec();
        return d with
        {
            Latency = Nested(s, "latency", d.Latency, Distribution),
            Edges = List(s, "edges", Edge),
        };
    }

    private EdgeLatency Edge(YamlNode node, string path)
    {
        var s = Open(node, path, "from", "to", "latency");
        Require(s, "from", "to", "latency");
        return new EdgeLatency(Text(s, "from") ?? "", Text(s, "to") ?? "", Nested(s, "latency", Topology.Distribution.Zero, Distribution));
    }

    private MeshSpec Mesh(YamlNode? node, string path)
    {
        var s = Open(node, path, "sidecars", "proxyLatency", "defaults", "destinations", "security");
        var d = new MeshSpec();
        var defaults = Policy(s["defaults"], s.PathOf("defaults"), d.Defaults);
        // Destinations are keyed by service name, so they are read as a plain mapping rather than a section.
        var destinations = ImmutableDictionary.CreateBuilder<string, TrafficPolicy>();
        var destinationsPath = s.PathOf("destinations");
        if (s["destinations"] is { } listed && !IsNull(listed) && Mapping(listed, destinationsPath) is { } mapping)
        {
            foreach (var (key, value) in mapping.Children)
            {
                if (Name(key, destinationsPath) is not { } service) continue;
                var destinationPath = $"{destinationsPath}.{service}";
                Remember(destinationPath, key, value);
                _destinations.Add(destinationPath);
                destinations[service] = Policy(value, destinationPath, defaults);
            }
        }
        return d with
        {
            Sidecars = Value(s, "sidecars", d.Sidecars, YamlValues.Boolean),
            ProxyLatency = Nested(s, "proxyLatency", d.ProxyLatency, Distribution),
            Defaults = defaults,
            Destinations = destinations.ToImmutable(),
            Security = Nested(s, "security", d.Security, Security),
        };
    }

    /// <summary>
    /// A policy: each section given is built from its record's defaults and replaces that section of
    /// <paramref name="basis"/>; sections not given keep <paramref name="basis"/>'s.
    /// </summary>
    private TrafficPolicy Policy(YamlNode? node, string path, TrafficPolicy basis)
    {
        var s = Open(node, path, "timeout", "retries", "connectionPool", "circuitBreaker", "outlierDetection", "loadBalancer");
        return basis with
        {
            Timeout = Value(s, "timeout", basis.Timeout, YamlValues.Duration),
            Retries = Nested(s, "retries", basis.Retries, Retries),
            Limits = Nested(s, "connectionPool", basis.Limits, ConnectionPool),
            CircuitBreaker = Switchable(s, "circuitBreaker", basis.CircuitBreaker, CircuitBreaker),
            OutlierDetection = Switchable(s, "outlierDetection", basis.OutlierDetection, OutlierDetection),
            LoadBalancer = Value(s, "loadBalancer", basis.LoadBalancer, YamlValues.Enum<LoadBalancerKind>),
        };
    }

    private RetryOptions Retries(YamlNode node, string path)
    {
        var s = Open(node, path, "attempts", "retryOn", "retriableStatusCodes", "perTryTimeout", "backoff", "budget");
        var backoff = Open(s["backoff"], s.PathOf("backoff"), "base", "max");
        var d = new RetryOptions();
        return d with
        {
            Attempts = Value(s, "attempts", d.Attempts, YamlValues.Integer<int>),
            RetryOn = Nested(s, "retryOn", d.RetryOn, RetryConditions),
            RetriableStatusCodes = List(s, "retriableStatusCodes", (n, p) => Scalar(n, p, 0, YamlValues.Integer<int>)),
            PerTryTimeout = s["perTryTimeout"] is null ? d.PerTryTimeout : Value(s, "perTryTimeout", TimeSpan.Zero, YamlValues.Duration),
            BackoffBase = Value(backoff, "base", d.BackoffBase, YamlValues.Duration),
            BackoffMax = Value(backoff, "max", d.BackoffMax, YamlValues.Duration),
            Budget = Switchable(s, "budget", d.Budget, RetryBudget),
        };
    }

    /// <summary>Retry conditions as a comma-separated string or as a list.</summary>
    private RetryOn RetryConditions(YamlNode node, string path)
    {
        var text = node is YamlSequenceNode list
            ? string.Join(",", list.Children.Select((item, i) => Scalar(item, $"{path}[{i}]", "", t => t)))
            : Scalar(node, path, "", t => t);
        return Check(YamlValues.RetryConditions(text), node, path, RetryConstants.DefaultRetryOn);
    }

    private RetryBudgetOptions RetryBudget(YamlNode node, string path)
    {
        var s = Open(node, path, "percent", "minRetryConcurrency");
        var d = new RetryBudgetOptions();
        return d with
        {
            Percent = Value(s, "percent", d.Percent, YamlValues.Percent),
            MinRetryConcurrency = Value(s, "minRetryConcurrency", d.MinRetryConcurrency, YamlValues.Integer<int>),
        };
    }

    private ConnectionLimits ConnectionPool(YamlNode node, string path)
    {
        var s = Open(node, path, "maxRequests", "maxPendingRequests", "maxRetries");
        var d = new ConnectionLimits();
        return d with
        {
            MaxRequests = Value(s, "maxRequests", d.MaxRequests, YamlValues.Integer<int>),
            MaxPendingRequests = Value(s, "maxPendingRequests", d.MaxPendingRequests, YamlValues.Integer<int>),
            MaxRetries = Value(s, "maxRetries", d.MaxRetries, YamlValues.Integer<int>),
        };
    }

    private CircuitBreakerOptions CircuitBreaker(YamlNode node, string path)
    {
        var s = Open(node, path, "mode", "consecutiveFailures", "failureRatio", "minimumThroughput", "samplingDuration", "breakDuration", "halfOpenProbes");
        var d = new CircuitBreakerOptions();
        return d with
        {
            Mode = Value(s, "mode", d.Mode, YamlValues.Enum<BreakOn>),
            ConsecutiveFailures = Value(s, "consecutiveFailures", d.ConsecutiveFailures, YamlValues.Integer<int>),
            FailureRatio = Value(s, "failureRatio", d.FailureRatio, YamlValues.Ratio),
            MinimumThroughput = Value(s, "minimumThroughput", d.MinimumThroughput, YamlValues.Integer<int>),
            SamplingDuration = Value(s, "samplingDuration", d.SamplingDuration, YamlValues.Duration),
            BreakDuration = Value(s, "breakDuration", d.BreakDuration, YamlValues.Duration),
            HalfOpenProbes = Value(s, "halfOpenProbes", d.HalfOpenProbes, YamlValues.Integer<int>),
        };
    }

    private OutlierDetectionOptions OutlierDetection(YamlNode node, string path)
    {
        var s = Open(node, path, "consecutive5xxErrors", "interval", "baseEjectionTime", "maxEjectionTime", "maxEjectionPercent", "panicThresholdPercent");
        var d = new OutlierDetectionOptions();
        return d with
        {
            Consecutive5xx = Value(s, "consecutive5xxErrors", d.Consecutive5xx, YamlValues.Integer<int>),
            Interval = Value(s, "interval", d.Interval, YamlValues.Duration),
            BaseEjectionTime = Value(s, "baseEjectionTime", d.BaseEjectionTime, YamlValues.Duration),
            MaxEjectionTime = Value(s, "maxEjectionTime", d.MaxEjectionTime, YamlValues.Duration),
            MaxEjectionPercent = Value(s, "maxEjectionPercent", d.MaxEjectionPercent, YamlValues.Percent),
            PanicThresholdPercent = Value(s, "panicThresholdPercent", d.PanicThresholdPercent, YamlValues.Percent),
        };
    }

    private ServiceSpec Service(YamlNode node, string path)
    {
        var s = Open(node, path, "name", "replicas", "workers", "queue", "serviceTime", "errors", "responseSize", "version", "entrypoint", "script", "instances", "sidecars", "settings", "sidecar", "stores", "modules", "startupTime");
        Require(s, "name");
        var sidecars = Open(s["sidecars"], s.PathOf("sidecars"), "logCollector", "configSync");
        var d = new ServiceSpec { Name = "" };
        return d with
        {
            Name = Text(s, "name") ?? "",
            Replicas = Value(s, "replicas", d.Replicas, YamlValues.Integer<int>),
            Workers = Value(s, "workers", d.Workers, YamlValues.Integer<int>),
            QueueCapacity = Value(s, "queue", d.QueueCapacity, YamlValues.Integer<int>),
            ServiceTime = Nested(s, "serviceTime", d.ServiceTime, Distribution),
            Errors = Nested(s, "errors", d.Errors, Errors),
            ResponseBytes = Value(s, "responseSize", d.ResponseBytes, YamlValues.Size),
            Version = Text(s, "version") ?? d.Version,
            IsEntrypoint = Value(s, "entrypoint", d.IsEntrypoint, YamlValues.Boolean),
            Script = List(s, "script", Step),
            Instances = List(s, "instances", Instance),
            LogCollector = Sidecar(sidecars, "logCollector", new LogCollectorOptions(), LogCollector),
            ConfigSync = Sidecar(sidecars, "configSync", new ConfigSyncOptions(), ConfigSync),
            Settings = Nested(s, "settings", d.Settings, Settings),
            Sidecar = s["sidecar"] is null ? d.Sidecar : Value(s, "sidecar", true, YamlValues.Boolean),
            Stores = List(s, "stores", (n, p) => Scalar(n, p, "", t => t)),
            Modules = List(s, "modules", Module),
            StartupTime = Nested(s, "startupTime", d.StartupTime, Distribution),
        };
    }

    /// <summary>A sidecar: a mapping of its options, <c>on</c> or <c>true</c> for its defaults; absent, <c>off</c>, <c>false</c>, <c>none</c> or null for none.</summary>
    private T? Sidecar<T>(Section s, string key, T defaults, Func<YamlNode, string, T> read) where T : class
    {
        if (s[key] is not { } node || IsNull(node)) return null;
        if (node is YamlMappingNode) return read(node, s.PathOf(key));
        var value = (node as YamlScalarNode)?.Value?.Trim();
        if (value is not null && (value.Equals("on", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase))) return defaults;
        if (value is not null && (value.Equals("off", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase) || value.Equals("none", StringComparison.OrdinalIgnoreCase))) return null;
        Problem(node, s.PathOf(key), $"expected a mapping of options, 'on' for the defaults or 'off' for none, got {Describe(node)}");
        return null;
    }

    private LogCollectorOptions LogCollector(YamlNode node, string path)
    {
        var s = Open(node, path, "bufferSize", "batchSize", "flushInterval", "restartDelay", "sampleRate");
        var d = new LogCollectorOptions();
        return d with
        {
            BufferSize = Value(s, "bufferSize", d.BufferSize, YamlValues.Integer<int>),
            BatchSize = Value(s, "batchSize", d.BatchSize, YamlValues.Integer<int>),
            FlushInterval = Value(s, "flushInterval", d.FlushInterval, YamlValues.Duration),
            RestartDelay = Value(s, "restartDelay", d.RestartDelay, YamlValues.Duration),
            SampleRate = Value(s, "sampleRate", d.SampleRate, YamlValues.Ratio),
        };
    }

    private ConfigSyncOptions ConfigSync(YamlNode node, string path)
    {
        var s = Open(node, path, "applyDelay");
        var d = new ConfigSyncOptions();
        return d with { ApplyDelay = Value(s, "applyDelay", d.ApplyDelay, YamlValues.Duration) };
    }

    /// <summary>The app's settings: a mapping of keys (the user's own, case kept) to single values, read as text; version 1.</summary>
    private AppSettings Settings(YamlNode node, string path)
    {
        if (IsNull(node) || Mapping(node, path) is not { } mapping) return AppSettings.None;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Children)
        {
            if (Name(key, path) is not { } name) continue;
            var settingPath = $"{path}.{name}";
            Remember(settingPath, key, value);
            var text = Scalar<string?>(value, settingPath, null, t => t);
            if (text is null) continue;
            if (!values.TryAdd(name, text)) Problem(key, settingPath, $"'{name}' is given twice");
        }
        return AppSettings.Initial(values);
    }

    private ErrorInjection Errors(YamlNode node, string path)
    {
        var s = Open(node, path, "rate", "status");
        Require(s, "rate");
        var d = ErrorInjection.None;
        return new ErrorInjection(Value(s, "rate", d.Rate, YamlValues.Ratio), Value(s, "status", d.Status, YamlValues.Integer<int>));
    }

    private InstanceOverride Instance(YamlNode node, string path)
    {
        var s = Open(node, path, "index", "errors", "serviceTime");
        Require(s, "index");
        return new InstanceOverride
        {
            Index = Value(s, "index", 0, YamlValues.Integer<int>),
            Errors = Nested<ErrorInjection?>(s, "errors", null, Errors),
            ServiceTime = Nested<Distribution?>(s, "serviceTime", null, Distribution),
        };
    }

    private ScriptStep Step(YamlNode node, string path)
    {
        var s = Open(node, path, StepKinds);
        var kinds = StepKinds.Where(k => s[k] is not null).ToList();
        if (kinds.Count == 1)
        {
            var kind = kinds[0];
            return kind switch
            {
                "call" => new CallStep(Call(s[kind]!, s.PathOf(kind))),
                "sleep" => new SleepStep(Distribution(s[kind]!, s.PathOf(kind))),
                "module" => new ModuleStep(Scalar(s[kind]!, s.PathOf(kind), "", t => t)),
                "read" => Store(s[kind]!, s.PathOf(kind), write: false),
                "write" => Store(s[kind]!, s.PathOf(kind), write: true),
                _ => new ParallelStep(List(s, kind, Call)),
            };
        }
        if (IsNull(node) || s.Mapping is { Children.Count: 0 }) Problem(node, path, "a step needs one of 'call', 'sleep', 'parallel', 'module', 'read' or 'write'");
        else if (kinds.Count > 1) Problem(node, path, $"a step has exactly one of 'call', 'sleep', 'parallel', 'module', 'read' or 'write', not {string.Join(" and ", kinds.Select(k => $"'{k}'"))}; give each its own step");
        return new SleepStep(Topology.Distribution.Zero); // a stand-in that keeps the later steps' indices
    }

    /// <summary>A data-store access: a store name, or <c>{ store, latency }</c>.</summary>
    private StoreStep Store(YamlNode node, string path, bool write)
    {
        if (node is YamlScalarNode) return new StoreStep(Scalar(node, path, "", t => t), write, StoreStep.DefaultLatency);
        var s = Open(node, path, "store", "latency");
        Require(s, "store");
        if (s["store"] is { } store) _marks[path] = store.Start;
        return new StoreStep(Text(s, "store") ?? "", write, Nested(s, "latency", StoreStep.DefaultLatency, Distribution));
    }

    private ModuleSpec Module(YamlNode node, string path)
    {
        var s = Open(node, path, "name", "serviceTime", "errors", "script");
        Require(s, "name");
        var d = new ModuleSpec { Name = "" };
        return d with
        {
            Name = Text(s, "name") ?? "",
            ServiceTime = Nested(s, "serviceTime", d.ServiceTime, Distribution),
            Errors = Nested(s, "errors", d.Errors, Errors),
            Script = List(s, "script", Step),
        };
    }

    /// <summary>A call: a service name, or a mapping with the service and optional path, probability and size.</summary>
    private ServiceCall Call(YamlNode node, string path)
    {
        if (node is YamlScalarNode) return new ServiceCall { Service = Scalar(node, path, "", t => t) };
        var s = Open(node, path, "service", "path", "probability", "size");
        var d = new ServiceCall { Service = "" };
        // The validator reports a call's service at the call's own path, so a missing one is reported there too.
        if (s.Mapping is not null && s["service"] is null) Problem(node, path, "required key 'service' is missing");
        if (s["service"] is { } service) _marks[path] = service.Start;
        return d with
        {
            Service = Text(s, "service") ?? "",
            Path = Text(s, "path") ?? d.Path,
            Probability = Value(s, "probability", d.Probability, YamlValues.Ratio),
            RequestBytes = Value(s, "size", d.RequestBytes, YamlValues.Size),
        };
    }

    // ---- Security: mesh.security, and the timeline's setSecurity event (same keys, each optional).

    private static readonly string[] SecurityKeys = ["mtls", "mtlsByService", "policies"];

    private SecuritySpec Security(YamlNode node, string path)
    {
        var s = Open(node, path, SecurityKeys);
        var d = new SecuritySpec();
        return d with
        {
            Mtls = Value(s, "mtls", d.Mtls, YamlValues.Enum<MtlsMode>),
            MtlsByService = s["mtlsByService"] is null ? d.MtlsByService : MtlsByService(s),
            Policies = List(s, "policies", AuthorizationPolicy),
        };
    }

    /// <summary>
    /// A timeline <c>setSecurity</c> event: the keys of <c>mesh.security</c>, each optional; each key given
    /// replaces that part of the desired security settings (<see cref="SetSecurityEvent.ApplyTo"/>).
    /// For the timeline reader: <c>- at: 5s\n  setSecurity: { mtls: strict }</c>.
    /// </summary>
    internal SetSecurityEvent SetSecurity(YamlNode node, string path)
    {
        var s = Open(node, path, SecurityKeys);
        if (s.Mapping is { Children.Count: 0 }) Problem(node, path, $"give at least one of {string.Join(", ", SecurityKeys.Select(k => $"'{k}'"))}");
        return new SetSecurityEvent(
            s["mtls"] is null ? null : Value(s, "mtls", MtlsMode.Permissive, YamlValues.Enum<MtlsMode>),
            s["mtlsByService"] is null ? null : MtlsByService(s),
            s["policies"] is null ? null : List(s, "policies", AuthorizationPolicy));
    }

    /// <summary>Peer authentication per service: a mapping keyed by service name, read like <c>mesh.destinations</c>.</summary>
    private ImmutableDictionary<string, MtlsMode> MtlsByService(Section s)
    {
        var modes = ImmutableDictionary.CreateBuilder<string, MtlsMode>(StringComparer.Ordinal);
        var mapPath = s.PathOf("mtlsByService");
        if (s["mtlsByService"] is not { } listed || IsNull(listed) || Mapping(listed, mapPath) is not { } mapping) return modes.ToImmutable();
        foreach (var (key, value) in mapping.Children)
        {
            if (Name(key, mapPath) is not { } service) continue;
            var servicePath = $"{mapPath}.{service}";
            _marks[servicePath] = key.Start; // what the validator says here is about the service named

            modes[service] = Scalar(value, servicePath, MtlsMode.Permissive, YamlValues.Enum<MtlsMode>);
        }
        return modes.ToImmutable();
    }

    private AuthorizationPolicy AuthorizationPolicy(YamlNode node, string path)
    {
        var s = Open(node, path, "name", "to", "action", "rules");
        var d = new AuthorizationPolicy();
        return d with
        {
            Name = Text(s, "name"),
            To = Text(s, "to"),
            Action = Value(s, "action", d.Action, YamlValues.Enum<AuthorizationAction>),
            Rules = List(s, "rules", AuthorizationRule),
        };
    }

    private AuthorizationRule AuthorizationRule(YamlNode node, string path)
    {
        var s = Open(node, path, "from", "paths");
        return new AuthorizationRule { From = Strings(s, "from"), Paths = Strings(s, "paths") };
    }

    /// <summary>A list of strings, or one string for a list of one.</summary>
    private ImmutableArray<string> Strings(Section s, string key)
    {
        if (s[key] is YamlScalarNode node && !IsNull(node)) return [Scalar(node, s.PathOf(key), "", t => t)];
        return List(s, key, (n, p) => Scalar(n, p, "", t => t));
    }

    private GatewaySpec Gateway(YamlNode node, string path)
    {
        var s = Open(node, path, "name", "clientLatency", "auth", "routes");
        Require(s, "name");
        var d = new GatewaySpec { Name = "" };
        return d with
        {
            Name = Text(s, "name") ?? "",
            ClientLatency = Nested(s, "clientLatency", d.ClientLatency, Distribution),
            Auth = Switchable(s, "auth", d.Auth, Auth),
            Routes = List(s, "routes", Route),
        };
    }

    private AuthSpec Auth(YamlNode node, string path)
    {
        var s = Open(node, path, "issuer", "audience", "required");
        var d = new AuthSpec();
        return d with
        {
            Issuer = Text(s, "issuer") ?? d.Issuer,
            Audience = Text(s, "audience") ?? d.Audience,
            Required = Value(s, "required", d.Required, YamlValues.Boolean),
        };
    }

    private RouteSpec Route(YamlNode node, string path)
    {
        var s = Open(node, path, "prefix", "method", "service", "aggregate", "onBackendFailure", "rateLimit", "cache");
        Require(s, "prefix");
        var d = new RouteSpec { Prefix = "" };
        return d with
        {
            Prefix = Text(s, "prefix") ?? "",
            Method = Text(s, "method") ?? d.Method,
            Service = Text(s, "service") ?? d.Service,
            Aggregate = List(s, "aggregate", Backend),
            OnBackendFailure = Value(s, "onBackendFailure", d.OnBackendFailure, YamlValues.Enum<BackendFailureMode>),
            RateLimit = Switchable(s, "rateLimit", d.RateLimit, RateLimit, hasDefaults: false),
            Cache = Switchable(s, "cache", d.Cache, Cache, hasDefaults: false),
        };
    }

    /// <summary>An aggregation backend: a service name, or a mapping with the service and optional path and timeout.</summary>
    private AggregateBackend Backend(YamlNode node, string path)
    {
        if (node is YamlScalarNode) return new AggregateBackend { Service = Scalar(node, path, "", t => t) };
        var s = Open(node, path, "service", "path", "timeout");
        Require(s, "service");
        var d = new AggregateBackend { Service = "" };
        return d with
        {
            Service = Text(s, "service") ?? "",
            Path = Text(s, "path") ?? d.Path,
            Timeout = Value(s, "timeout", d.Timeout, YamlValues.Duration),
        };
    }

    private RateLimitSpec RateLimit(YamlNode node, string path)
    {
        var s = Open(node, path, "requestsPerSecond", "burst", "perClient", "maxClients");
        Require(s, "requestsPerSecond");
        var d = new RateLimitSpec { RequestsPerSecond = 1 };
        return d with
        {
            RequestsPerSecond = Value(s, "requestsPerSecond", d.RequestsPerSecond, YamlValues.Number),
            Burst = s["burst"] is null ? d.Burst : Value(s, "burst", 1, YamlValues.Integer<int>),
            PerClient = Value(s, "perClient", d.PerClient, YamlValues.Boolean),
            MaxClients = Value(s, "maxClients", d.MaxClients, YamlValues.Integer<int>),
        };
    }

    private CacheSpec Cache(YamlNode node, string path)
    {
        var s = Open(node, path, "ttl", "maxEntries", "perClient");
        Require(s, "ttl");
        var d = new CacheSpec { Ttl = TimeSpan.FromSeconds(1) };
        return d with
        {
            Ttl = Value(s, "ttl", d.Ttl, YamlValues.Duration),
            MaxEntries = Value(s, "maxEntries", d.MaxEntries, YamlValues.Integer<int>),
            PerClient = Value(s, "perClient", d.PerClient, YamlValues.Boolean),
        };
    }

    private LoadProfile Load(YamlNode? node, string path)
    {
        var s = Open(node, path, "mode", "rps", "arrival", "users", "thinkTime", "duration", "warmup", "drain", "clientTimeout", "maxOutstanding", "gateway", "requests", "badTokenShare", "clients", "traceSampling");
        var d = new LoadProfile();
        return d with
        {
            Mode = Value(s, "mode", d.Mode, YamlValues.Enum<LoadMode>),
            Rps = Value(s, "rps", d.Rps, YamlValues.Number),
            Arrival = Value(s, "arrival", d.Arrival, YamlValues.Enum<ArrivalProcess>),
            Users = Value(s, "users", d.Users, YamlValues.Integer<int>),
            ThinkTime = Nested(s, "thinkTime", d.ThinkTime, Distribution),
            Duration = Value(s, "duration", d.Duration, YamlValues.Duration),
            Warmup = Value(s, "warmup", d.Warmup, YamlValues.Duration),
            Drain = Value(s, "drain", d.Drain, YamlValues.Duration),
            ClientTimeout = Value(s, "clientTimeout", d.ClientTimeout, YamlValues.Duration),
            MaxOutstanding = Value(s, "maxOutstanding", d.MaxOutstanding, YamlValues.Integer<int>),
            Gateway = Text(s, "gateway") ?? d.Gateway,
            Requests = List(s, "requests", Request),
            BadTokenShare = Value(s, "badTokenShare", d.BadTokenShare, YamlValues.Ratio),
            Clients = Value(s, "clients", d.Clients, YamlValues.Integer<int>),
            TraceSampling = Value(s, "traceSampling", d.TraceSampling, YamlValues.Ratio),
        };
    }

    /// <summary>A request of the mix: a <c>path</c>, or a journey's <c>sequence</c> of paths.</summary>
    private RequestMix Request(YamlNode node, string path)
    {
        var s = Open(node, path, "name", "path", "sequence", "method", "gateway", "weight");
        // The validator says what is wrong with a path; here only that one of the two is needed.
        if (s.Mapping is not null && s["path"] is null && s["sequence"] is null) Problem(node, path, "a request needs a 'path', or a 'sequence' of paths for a journey");
        var d = new RequestMix("");
        return new RequestMix(Text(s, "path") ?? "", Value(s, "weight", d.Weight, YamlValues.Number))
        {
            Name = Text(s, "name") ?? d.Name,
            Method = Text(s, "method") ?? d.Method,
            Gateway = Text(s, "gateway") ?? d.Gateway,
            Sequence = List(s, "sequence", (n, p) => Scalar(n, p, "", t => t)),
        };
    }

    private static readonly string[] EventKinds =
        ["setPolicy", "scale", "kill", "stopControlPlane", "startControlPlane", "setServiceTime", "setErrors", "crash", "setSettings", "setSecurity", "deploy", "rollback", "crashNode"];

    /// <summary>A timeline entry: <c>at</c> and exactly one event.</summary>
    private TimelineEntry TimelineEntry(YamlNode node, string path, MeshSpec mesh)
    {
        var s = Open(node, path, ["at", .. EventKinds]);
        Require(s, "at");
        var at = Value(s, "at", TimeSpan.Zero, YamlValues.Duration);
        var kinds = EventKinds.Where(k => s[k] is not null).ToList();
        if (kinds.Count != 1)
        {
            if (s.Mapping is not null)
                Problem(node, path, kinds.Count == 0
                    ? $"an entry needs one event: {string.Join(", ", EventKinds)}"
                    : $"an entry has exactly one event, not {string.Join(" and ", kinds.Select(k => $"'{k}'"))}; give each its own entry");
            return new TimelineEntry(at, new StopControlPlaneEvent());
        }
        var kind = kinds[0];
        var eventNode = s[kind]!;
        var eventPath = s.PathOf(kind);
        TimelineEvent e = kind switch
        {
            "setPolicy" => SetPolicy(eventNode, eventPath, mesh),
            "scale" => Scale(eventNode, eventPath),
            "kill" => new KillPodEvent(PodRef(eventNode, eventPath)),
            "stopControlPlane" => Switch(eventNode, eventPath, new StopControlPlaneEvent()),
            "startControlPlane" => Switch(eventNode, eventPath, new StartControlPlaneEvent()),
            "setServiceTime" => SetServiceTime(eventNode, eventPath),
            "setErrors" => SetErrors(eventNode, eventPath),
            "setSettings" => SetSettings(eventNode, eventPath),
            "setSecurity" => SetSecurity(eventNode, eventPath),
            "deploy" => Deploy(eventNode, eventPath),
            "rollback" => new RollbackEvent(Scalar(eventNode, eventPath, "", t => t)),
            "crashNode" => new CrashNodeEvent(Scalar(eventNode, eventPath, "", t => t)),
            _ => Crash(eventNode, eventPath),
        };
        return new TimelineEntry(at, e);
    }

    /// <summary>An event without options, written <c>stopControlPlane: true</c>: any other value would read as if it meant something.</summary>
    private TimelineEvent Switch(YamlNode node, string path, TimelineEvent e)
    {
        if (!Scalar(node, path, true, YamlValues.Boolean)) Problem(node, path, "'false' schedules nothing; give 'true', or remove the entry");
        return e;
    }

    /// <summary>A policy push; sections not given keep the file's policy for that destination.</summary>
    private SetPolicyEvent SetPolicy(YamlNode node, string path, MeshSpec mesh)
    {
        var s = Open(node, path, "destination", "policy");
        Require(s, "policy");
        var destination = Text(s, "destination") is { } d && d != "*" ? d : null;
        var basis = destination is null ? mesh.Defaults : mesh.PolicyFor(destination);
        return new SetPolicyEvent(destination, Policy(s["policy"], s.PathOf("policy"), basis));
    }

    private ScaleEvent Scale(YamlNode node, string path)
    {
        var s = Open(node, path, "service", "replicas");
        Require(s, "service", "replicas");
        return new ScaleEvent(Text(s, "service") ?? "", Value(s, "replicas", 0, YamlValues.Integer<int>));
    }

    /// <summary>A pod id: a scalar, or <c>{ pod: id }</c>.</summary>
    private string PodRef(YamlNode node, string path)
    {
        if (node is YamlScalarNode) return Scalar(node, path, "", t => t);
        var s = Open(node, path, "pod");
        Require(s, "pod");
        return Text(s, "pod") ?? "";
    }

    private SetServiceTimeEvent SetServiceTime(YamlNode node, string path)
    {
        var s = Open(node, path, "service", "serviceTime", "instance");
        Require(s, "service", "serviceTime");
        return new SetServiceTimeEvent(Text(s, "service") ?? "", Nested(s, "serviceTime", Topology.Distribution.Zero, Distribution),
            s["instance"] is null ? null : Value(s, "instance", 0, YamlValues.Integer<int>));
    }

    private SetErrorsEvent SetErrors(YamlNode node, string path)
    {
        var s = Open(node, path, "service", "errors", "instance");
        Require(s, "service", "errors");
        return new SetErrorsEvent(Text(s, "service") ?? "", Nested(s, "errors", ErrorInjection.None, Errors),
            s["instance"] is null ? null : Value(s, "instance", 0, YamlValues.Integer<int>));
    }

    private SetSettingsEvent SetSettings(YamlNode node, string path)
    {
        var s = Open(node, path, "service", "values");
        Require(s, "service", "values");
        return new SetSettingsEvent(Text(s, "service") ?? "", Nested(s, "values", AppSettings.None, Settings).Values);
    }

    private DeployEvent Deploy(YamlNode node, string path)
    {
        var s = Open(node, path, "service", "version", "healthy", "serviceTime", "errors");
        Require(s, "service", "version");
        return new DeployEvent(Text(s, "service") ?? "", Text(s, "version") ?? "", Value(s, "healthy", true, YamlValues.Boolean),
            Nested<Distribution?>(s, "serviceTime", null, Distribution), Nested<ErrorInjection?>(s, "errors", null, Errors));
    }

    private CrashContainerEvent Crash(YamlNode node, string path)
    {
        var s = Open(node, path, "pod", "container");
        Require(s, "pod", "container");
        return new CrashContainerEvent(Text(s, "pod") ?? "", Text(s, "container") ?? "");
    }

    /// <summary>A distribution: a duration or number of ms (constant), or a mapping with a <c>type</c> and its parameters.</summary>
    private Distribution Distribution(YamlNode node, string path)
    {
        if (node is not YamlMappingNode) return Scalar(node, path, Topology.Distribution.Zero, YamlValues.ConstantDistribution);
        var problemsBefore = _problems.Count;
        var s = Open(node, path, DistributionKeys);
        Require(s, "type");
        if (Text(s, "type") is not { } type) return Topology.Distribution.Zero;
        var shape = Array.Find(DistributionShapes, x => x.Type.Equals(type.Trim(), StringComparison.OrdinalIgnoreCase));
        if (shape.Type is null)
        {
            Problem(s["type"], s.PathOf("type"), YamlValues.Unknown("distribution type", type.Trim(), DistributionShapes.Select(x => x.Type)));
            return Topology.Distribution.Zero;
        }

        string[] parameters = shape.B is null ? [shape.A] : [shape.A, shape.B];
        foreach (var key in DistributionKeys.Except(["type", .. parameters]))
            if (s[key] is not null) Problem(s[key]!, s.PathOf(key), $"a {shape.Type} distribution has no '{key}'; it takes {string.Join(" and ", parameters.Select(p => $"'{p}'"))}");
        Require(s, parameters);
        var a = Value(s, shape.A, 0.0, YamlValues.Milliseconds);
        var b = shape.B is null ? 0 : Value(s, shape.B, 0.0, shape.BUnitless ? YamlValues.Number : YamlValues.Milliseconds);
        // Half-read parameters would fail validation at the distribution itself: a problem already said why.
        return _problems.Count > problemsBefore ? Topology.Distribution.Zero : new Distribution(shape.Kind, a, b);
    }

    // ---- Reading primitives: each reports what is wrong and returns a stand-in so reading goes on.

    /// <summary>The entries of one mapping by accepted key; keys match ignoring case.</summary>
    private sealed class Section(string path, YamlMappingNode? mapping, Dictionary<string, YamlNode> entries)
    {
        /// <summary>The mapping, or null when the section was absent, null or not a mapping.</summary>
        public YamlMappingNode? Mapping => mapping;

        public YamlNode? this[string key] => entries.GetValueOrDefault(key);

        public string PathOf(string key) => path.Length == 0 ? key : $"{path}.{key}";
    }

    /// <summary>
    /// Opens the mapping at <paramref name="path"/>: reports keys that are not among
    /// <paramref name="keys"/> and keys given twice. Absent or null reads as empty.
    /// </summary>
    private Section Open(YamlNode? node, string path, params string[] keys)
    {
        var entries = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (node is null || IsNull(node) || Mapping(node, path) is not { } mapping) return new Section(path, null, entries);
        var section = new Section(path, mapping, entries);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (Name(keyNode, path) is not { } name) continue;
            var key = Array.Find(keys, k => k.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (key is null) Problem(keyNode, section.PathOf(name), YamlValues.Unknown("key", name, keys));
            else if (!entries.TryAdd(key, value)) Problem(keyNode, section.PathOf(key), $"'{key}' is given twice (keys ignore case)");
            else Remember(section.PathOf(key), keyNode, value);
        }
        return section;
    }

    private void Require(Section s, params string[] keys)
    {
        if (s.Mapping is null) return; // absent, or already reported as not a mapping
        foreach (var key in keys)
            if (s[key] is null) Problem(s.Mapping, s.PathOf(key), $"required key '{key}' is missing");
    }

    private YamlMappingNode? Mapping(YamlNode node, string path)
    {
        if (node is YamlMappingNode mapping) return mapping;
        Problem(node, path, $"expected a mapping, got {Describe(node)}");
        return null;
    }

    /// <summary>A mapping key as text; keys are plain names.</summary>
    private string? Name(YamlNode key, string path)
    {
        if (key is YamlScalarNode { Value: { Length: > 0 } name }) return name;
        Problem(key, path, $"a key must be a plain name, got {Describe(key)}");
        return null;
    }

    /// <summary>The string at <paramref name="key"/>, or null when absent or not a single value.</summary>
    private string? Text(Section s, string key) =>
        s[key] is { } node ? Scalar<string?>(node, s.PathOf(key), null, t => t) : null;

    private T Value<T>(Section s, string key, T fallback, Func<string, Parsed<T>> parse) =>
        s[key] is { } node ? Scalar(node, s.PathOf(key), fallback, parse) : fallback;

    private T Scalar<T>(YamlNode node, string path, T fallback, Func<string, Parsed<T>> parse)
    {
        if (node is not YamlScalarNode scalar || IsNull(node))
        {
            Problem(node, path, node is YamlScalarNode ? "needs a value" : $"expected a single value, got {Describe(node)}");
            return fallback;
        }
        return Check(parse(scalar.Value ?? ""), node, path, fallback);
    }

    private T Check<T>(Parsed<T> parsed, YamlNode node, string path, T fallback)
    {
        if (parsed.Error is null) return parsed.Value;
        Problem(node, path, parsed.Error);
        return fallback;
    }

    /// <summary>The section at <paramref name="key"/> read with <paramref name="read"/>, or <paramref name="fallback"/> when absent.</summary>
    private T Nested<T>(Section s, string key, T fallback, Func<YamlNode, string, T> read) =>
        s[key] is { } node ? read(node, s.PathOf(key)) : fallback;

    /// <summary>
    /// Like <see cref="Nested{T}"/>, but <c>off</c>, <c>false</c>, <c>none</c> or null switch the feature
    /// off (null), and — for a section whose every option has a default (<paramref name="hasDefaults"/>) —
    /// <c>on</c> or <c>true</c> switch it on with its defaults, as for the sidecars.
    /// </summary>
    private T? Switchable<T>(Section s, string key, T? fallback, Func<YamlNode, string, T> read, bool hasDefaults = true) where T : class
    {
        if (s[key] is not { } node) return fallback;
        if (IsNull(node)) return null;
        if (node is YamlMappingNode) return read(node, s.PathOf(key));
        var value = (node as YamlScalarNode)?.Value?.Trim();
        if (value is not null && (value.Equals("off", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase) || value.Equals("none", StringComparison.OrdinalIgnoreCase)))
            return null;
        if (hasDefaults && value is not null && (value.Equals("on", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase)))
            return read(new YamlMappingNode(), s.PathOf(key));
        Problem(node, s.PathOf(key), hasDefaults
            ? $"expected a mapping of options, 'on' for the defaults or 'off' for none, got {Describe(node)}"
            : $"expected a mapping of options (some have no default), or 'off' for none, got {Describe(node)}");
        return fallback;
    }

    private ImmutableArray<T> List<T>(Section s, string key, Func<YamlNode, string, T> read)
    {
        if (s[key] is not { } node || IsNull(node)) return [];
        if (node is not YamlSequenceNode list)
        {
            Problem(node, s.PathOf(key), $"expected a list, got {Describe(node)}");
            return [];
        }
        var items = ImmutableArray.CreateBuilder<T>(list.Children.Count);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var itemPath = $"{s.PathOf(key)}[{i}]";
            _marks[itemPath] = list.Children[i].Start;
            items.Add(read(list.Children[i], itemPath));
        }
        return items.MoveToImmutable();
    }

    /// <summary>Remembers where <paramref name="path"/> is: at its value when that is a single value, else at its key.</summary>
    private void Remember(string path, YamlNode key, YamlNode value) =>
        _marks[path] = value is YamlScalarNode && !IsNull(value) ? value.Start : key.Start;

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
