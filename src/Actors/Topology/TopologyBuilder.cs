using ActorMesh.DataPlane.Logs;
using ActorMesh.DataPlane.Settings;

namespace ActorMesh.Topology;

/// <summary>
/// Fluent C# way into the topology model, for tests and experiments:
/// <code>
/// var topology = MeshTopology.Create("chain")
///     .Gateway("edge", g => g.Route("/", "frontend"))
///     .Service("frontend", s => s.Replicas(2).Call("orders"))
///     .Service("orders", s => s.Replicas(2).ServiceTime(Distribution.Constant(1)))
///     .Policy("orders", p => p with { Timeout = TimeSpan.FromSeconds(1) })
///     .Load(l => l with { Rps = 500 })
///     .Build();
/// </code>
/// <see cref="Build"/> validates and throws <see cref="TopologyException"/> listing every problem.
/// </summary>
public sealed class TopologyBuilder
{
    private MeshTopology _topology;
    private readonly List<ServiceSpec> _services = [];
    private readonly List<GatewaySpec> _gateways = [];
    private readonly List<EdgeLatency> _edges = [];
    private readonly List<TimelineEntry> _timeline = [];
    private readonly List<(string Service, Func<TrafficPolicy, TrafficPolicy> Change)> _policies = [];

    internal TopologyBuilder(string name) => _topology = new MeshTopology { Name = name };

    /// <summary>Sets the one-line description.</summary>
    public TopologyBuilder Describe(string description) { _topology = _topology with { Description = description }; return this; }

    /// <summary>Sets the run's seed.</summary>
    public TopologyBuilder Seed(long seed) { _topology = _topology with { Seed = seed }; return this; }

    /// <summary>Runs on <paramref name="nodes"/> cluster nodes in one process (node-1 … node-N).</summary>
    public TopologyBuilder Nodes(int nodes) { _topology = _topology with { Nodes = nodes }; return this; }

    /// <summary>Adds a service.</summary>
    public TopologyBuilder Service(string name, Action<ServiceBuilder>? configure = null)
    {
        var b = new ServiceBuilder(name);
        configure?.Invoke(b);
        _services.Add(b.Build());
        return this;
    }

    /// <summary>Adds a gateway.</summary>
    public TopologyBuilder Gateway(string name, Action<GatewayBuilder> configure)
    {
        var b = new GatewayBuilder(name);
        configure(b);
        _gateways.Add(b.Build());
        return this;
    }

    /// <summary>Sets the default one-way hop latency.</summary>
    public TopologyBuilder Latency(Distribution latency)
    {
        _topology = _topology with { Network = _topology.Network with { Latency = latency } };
        return this;
    }

    /// <summary>Sets the latency of one edge (either direction; <c>*</c> matches any workload).</summary>
    public TopologyBuilder Edge(string from, string to, Distribution latency)
    {
        _edges.Add(new EdgeLatency(from, to, latency));
        return this;
    }

    /// <summary>
    /// Sets the zones (services spread their pods over them in turn) and the one-way latency within a zone and
    /// between zones (null keeps the network's default hop).
    /// </summary>
    public TopologyBuilder Zones(string[] names, Distribution? within = null, Distribution? between = null)
    {
        _topology = _topology with { Zones = _topology.Zones with { Names = [.. names], Within = within, Between = between } };
        return this;
    }

    /// <summary>Sets the latency between two particular zones (either direction; the same zone twice: within it).</summary>
    public TopologyBuilder ZonePair(string from, string to, Distribution latency)
    {
        _topology = _topology with { Zones = _topology.Zones with { Pairs = _topology.Zones.Pairs.Add(new ZoneLatency(from, to, latency)) } };
        return this;
    }

    /// <summary>Adds a network fault for the whole run (for a while: <see cref="At"/> with a <see cref="NetworkFaultEvent"/>).</summary>
    public TopologyBuilder NetworkFault(NetworkFault fault)
    {
        _topology = _topology with { Network = _topology.Network with { Faults = _topology.Network.Faults.Add(fault) } };
        return this;
    }

    /// <summary>Turns sidecars on (default) or off.</summary>
    public TopologyBuilder Sidecars(bool enabled) { _topology = _topology with { Mesh = _topology.Mesh with { Sidecars = enabled } }; return this; }

    /// <summary>Sets the processing time each sidecar adds per request.</summary>
    public TopologyBuilder ProxyLatency(Distribution latency) { _topology = _topology with { Mesh = _topology.Mesh with { ProxyLatency = latency } }; return this; }

    /// <summary>Changes the security settings (mTLS and authorization).</summary>
    public TopologyBuilder Security(Func<SecuritySpec, SecuritySpec> change)
    {
        _topology = _topology with { Mesh = _topology.Mesh with { Security = change(_topology.Mesh.Security) } };
        return this;
    }

    /// <summary>Sets the mesh-wide peer authentication (mTLS mode).</summary>
    public TopologyBuilder Mtls(MtlsMode mode) => Security(s => s with { Mtls = mode });

    /// <summary>Sets the peer authentication (mTLS mode) of one service.</summary>
    public TopologyBuilder Mtls(string service, MtlsMode mode) => Security(s => s with { MtlsByService = s.MtlsByService.SetItem(service, mode) });

    /// <summary>Adds an authorization policy, e.g. <c>AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources("orders"))</c>.</summary>
    public TopologyBuilder Authorize(AuthorizationPolicy policy) => Security(s => s with { Policies = s.Policies.Add(policy) });

    /// <summary>
    /// Takes <paramref name="profile"/>'s defaults (<c>mesh.profile</c>): the mesh-wide default policy becomes the
    /// profile's (<see cref="MeshProfiles.Policy"/>), so call it before <see cref="DefaultPolicy"/> and <see cref="Policy"/>.
    /// </summary>
    public TopologyBuilder Profile(MeshProfile profile)
    {
        _topology = _topology with { Mesh = _topology.Mesh with { Profile = profile, Defaults = MeshProfiles.Policy(profile) } };
        return this;
    }

    /// <summary>Changes the mesh-wide default policy.</summary>
    public TopologyBuilder DefaultPolicy(Func<TrafficPolicy, TrafficPolicy> change)
    {
        _topology = _topology with { Mesh = _topology.Mesh with { Defaults = change(_topology.Mesh.Defaults) } };
        return this;
    }

    /// <summary>
    /// Sets the policy for calls to <paramref name="service"/>: <paramref name="change"/> is applied, at
    /// <see cref="Build"/>, to the final mesh-wide default (and after earlier changes to the same service).
    /// </summary>
    public TopologyBuilder Policy(string service, Func<TrafficPolicy, TrafficPolicy> change)
    {
        _policies.Add((service, change));
        return this;
    }

    /// <summary>Schedules <paramref name="change"/> at <paramref name="at"/> after the load starts (warm-up included).</summary>
    public TopologyBuilder At(TimeSpan at, TimelineEvent change)
    {
        _timeline.Add(new TimelineEntry(at, change));
        return this;
    }

    /// <summary>Adds SLO thresholds the run must meet (<see cref="MeshTopology.Slo"/>), e.g. <c>SloThreshold.Of("p99", SloOperator.LessOrEqual, 50)</c>.</summary>
    public TopologyBuilder Slo(params Telemetry.Metrics.SloThreshold[] thresholds)
    {
        _topology = _topology with { Slo = [.. _topology.Slo, .. thresholds] };
        return this;
    }

    /// <summary>Changes the load profile.</summary>
    public TopologyBuilder Load(Func<LoadProfile, LoadProfile> change) { _topology = _topology with { Load = change(_topology.Load) }; return this; }

    /// <summary>The topology, normalized and validated; throws <see cref="TopologyException"/> listing every problem.</summary>
    public MeshTopology Build()
    {
        var topology = BuildUnchecked();
        TopologyValidator.ThrowIfInvalid(topology);
        return topology;
    }

    /// <summary>The topology, normalized but not validated (for tests of validation itself).</summary>
    public MeshTopology BuildUnchecked()
    {
        var destinations = new Dictionary<string, TrafficPolicy>();
        foreach (var (service, change) in _policies)
            destinations[service] = change(destinations.TryGetValue(service, out var p) ? p : _topology.Mesh.Defaults);
        return (_topology with
        {
            Services = [.. _services],
            Gateways = [.. _gateways],
            Network = _topology.Network with { Edges = [.. _edges] },
            Mesh = _topology.Mesh with { Destinations = destinations.ToImmutableDictionary() },
            Timeline = [.. _timeline.OrderBy(e => e.At)],
        }).Normalized();
    }
}

/// <summary>Builds one <see cref="ServiceSpec"/>.</summary>
public sealed class ServiceBuilder
{
    private ServiceSpec _spec;
    private readonly List<ScriptStep> _script = [];
    private readonly List<ModuleSpec> _modules = [];
    private readonly List<InstanceOverride> _instances = [];
    private readonly Dictionary<string, string> _settings = new(StringComparer.Ordinal);

    internal ServiceBuilder(string name) => _spec = new ServiceSpec { Name = name };

    /// <summary>Number of instances.</summary>
    public ServiceBuilder Replicas(int replicas) { _spec = _spec with { Replicas = replicas }; return this; }
    /// <summary>Concurrent requests per instance.</summary>
    public ServiceBuilder Workers(int workers) { _spec = _spec with { Workers = workers }; return this; }
    /// <summary>Queue bound per instance.</summary>
    public ServiceBuilder Queue(int capacity) { _spec = _spec with { QueueCapacity = capacity }; return this; }
    /// <summary>Compute time per request.</summary>
    public ServiceBuilder ServiceTime(Distribution distribution) { _spec = _spec with { ServiceTime = distribution }; return this; }
    /// <summary>Injected errors for every instance.</summary>
    public ServiceBuilder Errors(double rate, int status = 500) { _spec = _spec with { Errors = new ErrorInjection(rate, status) }; return this; }
    /// <summary>Response size.</summary>
    public ServiceBuilder ResponseBytes(int bytes) { _spec = _spec with { ResponseBytes = bytes }; return this; }
    /// <summary>Time a new instance takes to start and get ready.</summary>
    public ServiceBuilder StartupTime(Distribution startup) { _spec = _spec with { StartupTime = startup }; return this; }
    /// <summary>Version label.</summary>
    public ServiceBuilder Version(string version) { _spec = _spec with { Version = version }; return this; }
    /// <summary>Runs its pods in <paramref name="zones"/>, in turn (default: every zone of the topology).</summary>
    public ServiceBuilder InZones(params string[] zones) { _spec = _spec with { Zones = [.. zones] }; return this; }
    /// <summary>Marks the service as an entrypoint.</summary>
    public ServiceBuilder Entrypoint() { _spec = _spec with { IsEntrypoint = true }; return this; }
    /// <summary>Runs the service's pods with a sidecar or without one, whatever the mesh-wide setting.</summary>
    public ServiceBuilder Sidecar(bool enabled) { _spec = _spec with { Sidecar = enabled }; return this; }

    /// <summary>
    /// Adds a call step. An <paramref name="optional"/> call, or one with a <paramref name="fallback"/>,
    /// does not fail the request when it fails: the request goes on, marked degraded (flag DG).
    /// </summary>
    public ServiceBuilder Call(string service, double probability = 1, string path = "/", int requestBytes = 1024, bool optional = false, CallFallback? fallback = null)
    {
        _script.Add(ServiceCall.Step(service, probability, path, requestBytes, optional, fallback));
        return this;
    }

    /// <summary>Adds a step that calls all <paramref name="services"/> at once.</summary>
    public ServiceBuilder Parallel(params string[] services)
    {
        _script.Add(new ParallelStep([.. services.Select(s => new ServiceCall { Service = s })]));
        return this;
    }

    /// <summary>Adds a step that makes all <paramref name="calls"/> at once.</summary>
    public ServiceBuilder Parallel(params ServiceCall[] calls)
    {
        _script.Add(new ParallelStep([.. calls]));
        return this;
    }

    /// <summary>Adds a sleep step.</summary>
    public ServiceBuilder Sleep(Distribution duration) { _script.Add(new SleepStep(duration)); return this; }

    /// <summary>Adds any script step.</summary>
    public ServiceBuilder Step(ScriptStep step) { _script.Add(step); return this; }

    /// <summary>Adds a step that calls module <paramref name="module"/> of this service in-process.</summary>
    public ServiceBuilder CallModule(string module) { _script.Add(new ModuleStep(module)); return this; }

    /// <summary>Adds a step that reads <paramref name="store"/> (0.5 ms unless given).</summary>
    public ServiceBuilder Read(string store, Distribution? latency = null) { _script.Add(new StoreStep(store, false, latency ?? StoreStep.DefaultLatency)); return this; }

    /// <summary>Adds a step that writes <paramref name="store"/>, committing this service's part of the request (0.5 ms unless given).</summary>
    public ServiceBuilder Write(string store, Distribution? latency = null) { _script.Add(new StoreStep(store, true, latency ?? StoreStep.DefaultLatency)); return this; }

    /// <summary>Declares the data stores this service owns.</summary>
    public ServiceBuilder Stores(params string[] stores) { _spec = _spec with { Stores = [.. _spec.Stores, .. stores] }; return this; }

    /// <summary>Defines a module of this service (a modular monolith).</summary>
    public ServiceBuilder Module(string name, Action<ModuleBuilder>? configure = null)
    {
        var b = new ModuleBuilder(name);
        configure?.Invoke(b);
        _modules.Add(b.Build());
        return this;
    }

    /// <summary>Overrides settings of one instance.</summary>
    public ServiceBuilder Instance(int index, Distribution? serviceTime = null, ErrorInjection? errors = null)
    {
        _instances.Add(new InstanceOverride { Index = index, ServiceTime = serviceTime, Errors = errors });
        return this;
    }

    /// <summary>Runs a log-collector sidecar beside each instance (defaults unless <paramref name="configure"/> changes them).</summary>
    public ServiceBuilder LogCollector(Func<LogCollectorOptions, LogCollectorOptions>? configure = null)
    {
        _spec = _spec with { LogCollector = configure?.Invoke(new LogCollectorOptions()) ?? new LogCollectorOptions() };
        return this;
    }

    /// <summary>Runs a config-sync sidecar beside each instance (defaults unless <paramref name="configure"/> changes them).</summary>
    public ServiceBuilder ConfigSync(Func<ConfigSyncOptions, ConfigSyncOptions>? configure = null)
    {
        _spec = _spec with { ConfigSync = configure?.Invoke(new ConfigSyncOptions()) ?? new ConfigSyncOptions() };
        return this;
    }

    /// <summary>Sets one of the app's local settings (version 1 of the service's <see cref="AppSettings"/>).</summary>
    public ServiceBuilder Setting(string key, string value) { _settings[key] = value; return this; }

    internal ServiceSpec Build() => _spec with { Script = [.. _script], Instances = [.. _instances], Settings = AppSettings.Initial(_settings), Modules = [.. _modules] };
}

/// <summary>Builds one <see cref="ModuleSpec"/>.</summary>
public sealed class ModuleBuilder
{
    private ModuleSpec _spec;
    private readonly List<ScriptStep> _script = [];

    internal ModuleBuilder(string name) => _spec = new ModuleSpec { Name = name };

    /// <summary>The module's cost per call (default 100 ns).</summary>
    public ModuleBuilder ServiceTime(Distribution cost) { _spec = _spec with { ServiceTime = cost }; return this; }
    /// <summary>Injected errors: a share of calls to the module fail.</summary>
    public ModuleBuilder Errors(double rate, int status = 500) { _spec = _spec with { Errors = new ErrorInjection(rate, status) }; return this; }
    /// <summary>Calls another module in-process.</summary>
    public ModuleBuilder CallModule(string module) { _script.Add(new ModuleStep(module)); return this; }
    /// <summary>Calls a service over the network (<paramref name="optional"/> and <paramref name="fallback"/> as for a service's call).</summary>
    public ModuleBuilder Call(string service, double probability = 1, string path = "/", int requestBytes = 1024, bool optional = false, CallFallback? fallback = null)
    {
        _script.Add(ServiceCall.Step(service, probability, path, requestBytes, optional, fallback));
        return this;
    }
    /// <summary>Reads a data store.</summary>
    public ModuleBuilder Read(string store, Distribution? latency = null) { _script.Add(new StoreStep(store, false, latency ?? StoreStep.DefaultLatency)); return this; }
    /// <summary>Writes a data store (a commit).</summary>
    public ModuleBuilder Write(string store, Distribution? latency = null) { _script.Add(new StoreStep(store, true, latency ?? StoreStep.DefaultLatency)); return this; }
    /// <summary>Waits.</summary>
    public ModuleBuilder Sleep(Distribution duration) { _script.Add(new SleepStep(duration)); return this; }
    /// <summary>Adds any step.</summary>
    public ModuleBuilder Step(ScriptStep step) { _script.Add(step); return this; }

    internal ModuleSpec Build() => _spec with { Script = [.. _script] };
}

/// <summary>Builds one <see cref="GatewaySpec"/>.</summary>
public sealed class GatewayBuilder
{
    private GatewaySpec _spec;
    private readonly List<RouteSpec> _routes = [];

    internal GatewayBuilder(string name) => _spec = new GatewaySpec { Name = name };

    /// <summary>Runs the gateway in <paramref name="zone"/>: its calls prefer that zone's endpoints.</summary>
    public GatewayBuilder Zone(string zone) { _spec = _spec with { Zone = zone }; return this; }

    /// <summary>Runs a replica of the gateway in every zone, the clients of each zone calling theirs (see <see cref="GatewaySpec.PerZone"/>).</summary>
    public GatewayBuilder PerZone() { _spec = _spec with { PerZone = true }; return this; }

    /// <summary>Routes requests whose path starts with <paramref name="prefix"/> to <paramref name="service"/>.</summary>
    public GatewayBuilder Route(string prefix, string service) { _routes.Add(new RouteSpec { Prefix = prefix, Service = service }); return this; }

    /// <summary>
    /// Routes requests whose path starts with <paramref name="prefix"/> to <paramref name="service"/>,
    /// with the method, rate limit or cache <paramref name="configure"/> sets:
    /// <c>g.Route("/catalog", "catalog", r => r.Method("GET").Cache(TimeSpan.FromSeconds(5)))</c>.
    /// </summary>
    public GatewayBuilder Route(string prefix, string service, Action<RouteBuilder> configure)
    {
        var b = new RouteBuilder(new RouteSpec { Prefix = prefix, Service = service });
        configure(b);
        _routes.Add(b.Build());
        return this;
    }

    /// <summary>
    /// An aggregation route: requests whose path starts with <paramref name="prefix"/> are fanned out
    /// to the backends <paramref name="configure"/> adds, in parallel, and their answers merged:
    /// <c>g.Aggregate("/dashboard", r => r.Backend("users", timeout: TimeSpan.FromMilliseconds(200)).Backend("orders"))</c>.
    /// </summary>
    public GatewayBuilder Aggregate(string prefix, Action<RouteBuilder> configure)
    {
        var b = new RouteBuilder(new RouteSpec { Prefix = prefix });
        configure(b);
        _routes.Add(b.Build());
        return this;
    }

    /// <summary>Adds a route as given.</summary>
    public GatewayBuilder Route(RouteSpec route) { _routes.Add(route); return this; }

    /// <summary>One-way latency of the client's link.</summary>
    public GatewayBuilder ClientLatency(Distribution latency) { _spec = _spec with { ClientLatency = latency }; return this; }

    /// <summary>Checks bearer tokens at the edge: issuer, audience (null: the gateway's name), expiry and signature.</summary>
    public GatewayBuilder Auth(string issuer = AuthSpec.DefaultIssuer, string? audience = null, bool required = true)
    {
        _spec = _spec with { Auth = new AuthSpec { Issuer = issuer, Audience = audience, Required = required } };
        return this;
    }

    internal GatewaySpec Build() => _spec with { Routes = [.. _routes] };
}

/// <summary>Builds one <see cref="RouteSpec"/>.</summary>
public sealed class RouteBuilder
{
    private RouteSpec _spec;
    private readonly List<AggregateBackend> _backends = [];

    internal RouteBuilder(RouteSpec spec) => _spec = spec;

    /// <summary>Only requests with this HTTP method take the route.</summary>
    public RouteBuilder Method(string method) { _spec = _spec with { Method = method }; return this; }

    /// <summary>Adds a backend to the aggregation, called at <paramref name="path"/>, waited for at most <paramref name="timeout"/> (null: no timeout of its own).</summary>
    public RouteBuilder Backend(string service, string path = "/", TimeSpan? timeout = null)
    {
        _backends.Add(new AggregateBackend { Service = service, Path = path, Timeout = timeout ?? TimeSpan.Zero });
        return this;
    }

    /// <summary>What the aggregation answers when a backend fails or times out.</summary>
    public RouteBuilder OnBackendFailure(BackendFailureMode mode) { _spec = _spec with { OnBackendFailure = mode }; return this; }

    /// <summary>A token-bucket rate limit: <paramref name="requestsPerSecond"/> refill, <paramref name="burst"/> at once (null: the rate rounded up), per client id or for the whole route.</summary>
    public RouteBuilder RateLimit(double requestsPerSecond, int? burst = null, bool perClient = false)
    {
        _spec = _spec with { RateLimit = new RateLimitSpec { RequestsPerSecond = requestsPerSecond, Burst = burst, PerClient = perClient } };
        return this;
    }

    /// <summary>A response cache: entries served for <paramref name="ttl"/>, per client id or shared.</summary>
    public RouteBuilder Cache(TimeSpan ttl, bool perClient = false, int maxEntries = 10_000)
    {
        _spec = _spec with { Cache = new CacheSpec { Ttl = ttl, PerClient = perClient, MaxEntries = maxEntries } };
        return this;
    }

    internal RouteSpec Build() => _backends.Count == 0 ? _spec : _spec with { Aggregate = [.. _backends] };
}
