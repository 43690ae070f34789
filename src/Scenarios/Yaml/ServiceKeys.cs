using ActorMesh.DataPlane.Logs;
using ActorMesh.DataPlane.Settings;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>The keys of a service: its pods, its script, its modules and its other sidecars.</summary>
internal static class ServiceKeys
{
    private static readonly Schema<ErrorInjection> Errors = new(ErrorInjection.None)
    {
        { "rate", Syntax.Ratio, (e, v) => e with { Rate = v }, "Share of requests answered with an error.", Need.Required },
        { "status", Syntax.Integer, (e, v) => e with { Status = v }, "The status they are answered with." },
    };

    /// <summary>The errors syntax: a mapping <c>{ rate, status }</c>.</summary>
    public static readonly Syntax<ErrorInjection> ErrorsValue = Syntax.Mapping(Errors, "{ rate, status }");

    /// <summary>The app's settings: a mapping of the user's own keys (case kept) to single values, read as text.</summary>
    public static readonly Syntax<AppSettings> Settings = Syntax.Of("mapping", ReadSettings);

    // ---- script

    private static readonly Schema<CallFallback> Fallback = new(CallFallback.Default)
    {
        { "type", Syntax.Choice<FallbackKind>(), (f, v) => f with { Kind = v }, "default: a default answer; cache: the call's last good answer while fresh.", Need.Required },
        { "ttl", Syntax.Duration, (f, v) => f with { Ttl = v }, "Cache only: how long a good answer may stand in after it arrived." },
    };

    private static readonly Syntax<CallFallback?> FallbackValue = Syntax.Of("default, or { type, ttl }", ReadFallback);

    private static readonly Schema<ServiceCall> Call = new(new ServiceCall { Service = "" })
    {
        // Required, but reported at the call's own path, where the validator reports a call's service (see ReadCall).
        { "service", Syntax.Text, (c, v) => c with { Service = v }, "The service called; required." },
        { "path", Syntax.Text, (c, v) => c with { Path = v }, "Request path." },
        { "probability", Syntax.Ratio, (c, v) => c with { Probability = v }, "Share of requests that make this call at all." },
        { "size", Syntax.Size, (c, v) => c with { RequestBytes = v }, "Request size." },
        { "optional", Syntax.Boolean, (c, v) => c with { Optional = v }, "When the call fails, the request goes on without it, answered degraded (flag DG)." },
        { "fallback", FallbackValue, (c, v) => c with { Fallback = v }, "What answers in the call's place when it fails: a default answer, or the last good one cached." },
    };

    private static readonly Syntax<ServiceCall> CallValue = Syntax.Of("a service name, or a call mapping", ReadCall);

    private static readonly Schema<StoreStep> Store = new(new StoreStep("", false, StoreStep.DefaultLatency))
    {
        { "store", Syntax.Text, (s, v) => s with { Store = v }, "The data store.", Need.Required },
        { "latency", Distributions.Value, (s, v) => s with { Latency = v }, "The round trip to the store." },
    };

    /// <summary>Stands for a step that could not be read, keeping the later steps' indices.</summary>
    private static readonly ScriptStep NoStep = new SleepStep(Distribution.Zero);

    /// <summary>The kinds of step; a step has exactly one (see <see cref="ReadStep"/>).</summary>
    private static readonly Schema<ScriptStep> Step = new(NoStep)
    {
        { "call", Kind("a service name, or a call mapping", (r, n, p) => new CallStep(ReadCall(r, n, p))), Is, "Calls a service through the sidecar and waits for the answer." },
        { "sleep", Kind("distribution", (r, n, p) => new SleepStep(Distributions.Value.Read(r, n, p, Distribution.Zero))), Is, "Waits." },
        { "parallel", Kind("list of calls", (r, n, p) => new ParallelStep(Syntax.List(CallValue).Read(r, n, p, []))), Is, "Makes the calls at once and waits for all." },
        { "module", Kind("module name", (r, n, p) => new ModuleStep(r.Scalar(n, p, "", t => t))), Is, "Calls a module of the same service in-process." },
        { "read", Kind("a store name, or { store, latency }", (r, n, p) => ReadStore(r, n, p, write: false)), Is, "Reads a data store." },
        { "write", Kind("a store name, or { store, latency }", (r, n, p) => ReadStore(r, n, p, write: true)), Is, "Writes a data store, committing the service's part of the request." },
    };

    private static readonly Syntax<ImmutableArray<ScriptStep>> Script = Syntax.List(Syntax.Of("step", ReadStep), "list of steps");

    // ---- the service

    private static readonly Schema<ModuleSpec> Module = new(new ModuleSpec { Name = "" })
    {
        { "name", Syntax.Text, (m, v) => m with { Name = v }, "Unique within its service.", Need.Required },
        { "serviceTime", Distributions.Value, (m, v) => m with { ServiceTime = v }, "The cost of the in-process call plus the module's own work." },
        { "errors", ErrorsValue, (m, v) => m with { Errors = v }, "A share of calls that fail." },
        { "script", Script, (m, v) => m with { Script = v }, "What the module does after computing." },
    };

    private static readonly Schema<InstanceOverride> Instance = new(new InstanceOverride { Index = 0 })
    {
        { "index", Syntax.Integer, (i, v) => i with { Index = v }, "The pod's index.", Need.Required },
        { "errors", ErrorsValue, (i, v) => i with { Errors = v }, "This pod's injected errors." },
        { "serviceTime", Distributions.Value, (i, v) => i with { ServiceTime = v }, "This pod's computing time." },
    };

    private static readonly Schema<LogCollectorOptions> LogCollector = new(new LogCollectorOptions())
    {
        { "bufferSize", Syntax.Integer, (o, v) => o with { BufferSize = v }, "Events the pod's buffer holds; one that finds it full is dropped." },
        { "batchSize", Syntax.Integer, (o, v) => o with { BatchSize = v }, "A batch ships as soon as this many events wait." },
        { "flushInterval", Syntax.Duration, (o, v) => o with { FlushInterval = v }, "Whatever waits ships at least this often." },
        { "restartDelay", Syntax.Duration, (o, v) => o with { RestartDelay = v }, "After a crash, the collector ships nothing for this long." },
        { "sampleRate", Syntax.Ratio, (o, v) => o with { SampleRate = v }, "Share of requests the app logs." },
    };

    private static readonly Schema<ConfigSyncOptions> ConfigSync = new(new ConfigSyncOptions())
    {
        { "applyDelay", Syntax.Duration, (o, v) => o with { ApplyDelay = v }, "From a new settings version reaching the sidecar until the app has it." },
    };

    private static readonly ServiceSpec Unnamed = new() { Name = "" };

    /// <summary>The sidecars besides the proxy, written under <c>sidecars</c> but kept in <see cref="ServiceSpec"/> itself.</summary>
    private static readonly Schema<ServiceSpec> Sidecars = new(Unnamed)
    {
        { "logCollector", Syntax.Switchable(LogCollector), (s, v) => s with { LogCollector = v }, "Ships the app's log events in batches." },
        { "configSync", Syntax.Switchable(ConfigSync), (s, v) => s with { ConfigSync = v }, "Brings new settings versions to the app." },
    };

    public static readonly Schema<ServiceSpec> Service = new(Unnamed)
    {
        { "name", Syntax.Text, (s, v) => s with { Name = v }, "Unique among services and gateways; pods are <name>-<index>.", Need.Required },
        { "replicas", Syntax.Integer, (s, v) => s with { Replicas = v }, "Pods." },
        { "zones", Syntax.OneOrList(Syntax.Text, "list of zone names"), (s, v) => s with { Zones = v }, "The zones its pods run in, in turn; absent: every zone." },
        { "workers", Syntax.Integer, (s, v) => s with { Workers = v }, "Requests one pod handles at once." },
        { "queue", Syntax.Integer, (s, v) => s with { QueueCapacity = v }, "Requests waiting for a worker, per pod." },
        { "serviceTime", Distributions.Value, (s, v) => s with { ServiceTime = v }, "Computing time per request, before the script." },
        { "errors", ErrorsValue, (s, v) => s with { Errors = v }, "Injected errors." },
        { "responseSize", Syntax.Size, (s, v) => s with { ResponseBytes = v }, "Size of each answer." },
        { "version", Syntax.Text, (s, v) => s with { Version = v }, "The pods' version label." },
        { "entrypoint", Syntax.Boolean, (s, v) => s with { IsEntrypoint = v }, "Without gateways: the implicit gateway routes here." },
        { "script", Script, (s, v) => s with { Script = v }, "What the service does after computing." },
        { "instances", Syntax.List(Syntax.Mapping(Instance), "list of overrides"), (s, v) => s with { Instances = v }, "Pods that differ from the rest." },
        { "sidecars", "{ logCollector, configSync }", (r, node, path, s) => Sidecars.Read(r, node, path, s), "Other sidecars in each pod, beside the proxy." },
        { "settings", Settings, (s, v) => s with { Settings = v }, "The app's local settings, version 1." },
        { "sidecar", Syntax.Boolean, (s, v) => s with { Sidecar = v }, "Whether this service's pods run a sidecar proxy; default: mesh.sidecars." },
        { "stores", Syntax.List(Syntax.Text, "list of names"), (s, v) => s with { Stores = v }, "The data stores this service owns." },
        { "modules", Syntax.List(Syntax.Mapping(Module), "list of modules"), (s, v) => s with { Modules = v }, "In-process modules: the service as a modular monolith." },
        { "startupTime", Distributions.Value, (s, v) => s with { StartupTime = v }, "Time a new pod takes until it is ready." },
    };

    private static Syntax<ScriptStep> Kind(string type, Func<YamlReader, YamlNode, string, ScriptStep> read) => Syntax.Of(type, read);

    /// <summary>A step is the one kind it has.</summary>
    private static ScriptStep Is(ScriptStep _, ScriptStep step) => step;

    private static ScriptStep ReadStep(YamlReader r, YamlNode node, string path)
    {
        var s = r.Open(node is YamlMappingNode step ? WithoutCallKeys(r, step, path) : node, path, Step);
        var kinds = Step.Names.Where(k => s[k] is not null).ToList();
        if (kinds.Count == 1) return Step.Build(s, NoStep);
        var choices = $"{string.Join(", ", Step.Names.SkipLast(1).Select(k => $"'{k}'"))} or '{Step.Names.Last()}'";
        if (YamlReader.IsNull(node) || s.Mapping is { Children.Count: 0 }) r.Problem(node, path, $"a step needs one of {choices}");
        else if (kinds.Count > 1) r.Problem(node, path, $"a step has exactly one of {choices}, not {string.Join(" and ", kinds.Select(k => $"'{k}'"))}; give each its own step");
        return NoStep;
    }

    /// <summary>
    /// The step without the keys of a call ('optional', 'fallback'), after saying where they belong, so
    /// that a user who wrote <c>- call: reviews</c> and <c>optional: true</c> below it learns to write
    /// <c>call: { service: reviews, optional: true }</c> rather than that a step has no such key.
    /// </summary>
    private static YamlMappingNode WithoutCallKeys(YamlReader r, YamlMappingNode step, string path)
    {
        static string? Name(YamlNode key) => key is YamlScalarNode { Value: { } name } ? name.Trim() : null;
        var misplaced = step.Children.Where(e => Name(e.Key) is { } n && Step.Find(n) is null && Call.Find(n) is { Name: "optional" or "fallback" }).ToList();
        if (misplaced.Count == 0) return step;
        var kind = step.Children.Select(e => Name(e.Key) is { } n ? Step.Find(n) : null).FirstOrDefault(k => k is not null)?.Name;
        foreach (var (key, value) in misplaced)
        {
            var name = Call.Find(Name(key)!)!.Name;
            var given = value is YamlScalarNode { Value: { } v } ? v : "...";
            var service = kind == "call" && step.Children.First(e => Name(e.Key) is { } n && Step.Find(n)?.Name == "call").Value is YamlScalarNode { Value: { } callee } ? callee : "<service>";
            r.Problem(key, $"{path}.{name}", kind switch
            {
                "call" => $"'{name}' is a key of the call, not of the step: write call: {{ service: {service}, {name}: {given} }}",
                "parallel" => $"'{name}' is a key of each call of the group, not of the step: write parallel: [ {{ service: <service>, {name}: {given} }}, ... ]",
                null => $"'{name}' is a key of a call: write call: {{ service: <service>, {name}: {given} }}",
                _ => $"only a call can be optional or fall back; a '{kind}' step makes no call",
            });
        }
        return new YamlMappingNode(step.Children.Except(misplaced));
    }

    /// <summary>A fallback: <c>default</c>, or <c>{ type, ttl }</c>; null (no fallback) when null.</summary>
    private static CallFallback? ReadFallback(YamlReader r, YamlNode node, string path)
    {
        if (YamlReader.IsNull(node)) return null;
        if (node is YamlScalarNode) return r.TryScalar(node, path, YamlValues.Enum<FallbackKind>) is (true, var kind) ? new CallFallback(kind) : null;
        var s = r.Open(node, path, Fallback);
        return s["type"] is null ? null : Fallback.Build(s, Fallback.Defaults); // without its type, reported: no guess to check further
    }

    /// <summary>A call: a service name, or a mapping with the service and optional path, probability, size, optional and fallback.</summary>
    private static ServiceCall ReadCall(YamlReader r, YamlNode node, string path)
    {
        if (node is YamlScalarNode) return new ServiceCall { Service = r.Scalar(node, path, "", t => t) };
        var s = r.Open(node, path, Call);
        if (s.Mapping is not null && s["service"] is null) r.Problem(node, path, "required key 'service' is missing");
        if (s["service"] is { } service) r.Mark(path, service.Start);
        return Call.Build(s, Call.Defaults);
    }

    /// <summary>A data-store access: a store name, or <c>{ store, latency }</c>.</summary>
    private static StoreStep ReadStore(YamlReader r, YamlNode node, string path, bool write)
    {
        var basis = Store.Defaults with { Write = write };
        if (node is YamlScalarNode) return basis with { Store = r.Scalar(node, path, "", t => t) };
        var s = r.Open(node, path, Store);
        if (s["store"] is { } store) r.Mark(path, store.Start);
        return Store.Build(s, basis);
    }

    private static AppSettings ReadSettings(YamlReader r, YamlNode node, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, key, value, settingPath) in r.Entries(node, path) ?? [])
        {
            var text = r.Scalar<string?>(value, settingPath, null, t => t);
            if (text is null) continue;
            if (!values.TryAdd(name, text)) r.Problem(key, settingPath, $"'{name}' is given twice");
        }
        return AppSettings.Initial(values);
    }
}
