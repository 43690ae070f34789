using System.Text.RegularExpressions;

namespace ActorMesh.Topology;

/// <summary>
/// Validates a whole topology in one pass and reports every problem with its field path, e.g.
/// <c>services[2].script[1].call: no service named 'paymnts'</c>.
/// </summary>
public static partial class TopologyValidator
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z]+$")]
    private static partial Regex MethodPattern();

    /// <summary>Every problem in <paramref name="topology"/>; empty when it is valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(MeshTopology topology)
    {
        var root = new ValidationContext();
        if (string.IsNullOrWhiteSpace(topology.Name)) root.Error("name", "must not be empty");
        if (topology.Services.IsEmpty) root.Error("services", "at least one service is required");
        if (topology.Nodes is < 1 or > 64) root.Error("nodes", $"must be between 1 and 64, not {topology.Nodes}");

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < topology.Services.Length; i++)
        {
            var s = topology.Services[i];
            var at = root.At("services", i);
            if (NameFits(at, s.Name))
            {
                if (!NamePattern().IsMatch(s.Name)) at.Error("name", $"'{s.Name}' may hold only letters, digits, '.', '_' and '-'");
                else Unique(at, s.Name, i, names, "services");
            }
        }

        var stores = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < topology.Services.Length; i++)
        {
            var owner = topology.Services[i];
            for (var d = 0; d < owner.Stores.Length; d++)
            {
                if (string.IsNullOrWhiteSpace(owner.Stores[d])) root.At("services", i).Error($"stores[{d}]", "must not be empty");
                else if (owner.Stores[d].Length > TopologyLimits.MaxNameLength) root.At("services", i).Error($"stores[{d}]", TooLong(owner.Stores[d]));
                else if (!stores.TryAdd(owner.Stores[d], owner.Name))
                    root.At("services", i).Error($"stores[{d}]", $"store '{owner.Stores[d]}' is already owned by '{stores[owner.Stores[d]]}'; a store has one owner");
            }
        }
        for (var i = 0; i < topology.Services.Length; i++) ValidateService(topology.Services[i], root.At("services", i), names, stores);
        CheckCycles(topology, root);
        ValidateNetwork(topology, root.At("network"), names);
        ValidateMesh(topology.Mesh, root.At("mesh"), names);
        topology.Mesh.Security.Validate(root.At("mesh").At("security"), topology);
        ValidateGateways(topology, root, names);
        ValidateLoad(topology, root.At("load"));
        ValidateTimeline(topology, root, names);
        ActorMesh.Telemetry.Metrics.SloCheck.Validate(topology, root);
        ValidateZones(topology, root, names);
        return root.Errors;
    }

    /// <summary>Throws <see cref="TopologyException"/> listing every problem, if there is any.</summary>
    public static void ThrowIfInvalid(MeshTopology topology)
    {
        var errors = Validate(topology);
        if (errors.Count > 0) throw new TopologyException(errors);
    }

    private static void ValidateService(ServiceSpec s, ValidationContext at, Dictionary<string, int> names, Dictionary<string, string> stores)
    {
        at.Require(s.Replicas >= 0, "replicas", "must not be negative");
        at.Require(s.Replicas <= 100_000, "replicas", "must be at most 100000");
        at.Require(s.Workers >= 1, "workers", "must be at least 1");
        at.Require(s.QueueCapacity >= 0, "queue", "must not be negative");
        at.Require(s.ResponseBytes >= 0, "responseSize", "must not be negative");
        at.Check("serviceTime", s.ServiceTime);
        at.Check("startupTime", s.StartupTime);
        CheckErrors(at.At("errors"), s.Errors);
        var seen = new HashSet<int>();
        for (var i = 0; i < s.Instances.Length; i++)
        {
            var o = s.Instances[i];
            var oat = at.At("instances", i);
            if (o.Index < 0 || o.Index >= Math.Max(1, s.Replicas)) oat.Error("index", $"must be between 0 and {Math.Max(0, s.Replicas - 1)} (the service has {s.Replicas} replica(s))");
            else if (!seen.Add(o.Index)) oat.Error("index", $"instance {o.Index} is overridden twice");
            oat.Check("serviceTime", o.ServiceTime);
            if (o.Errors is { } e) CheckErrors(oat.At("errors"), e);
        }
        s.LogCollector?.Validate(at.At("sidecars").At("logCollector"));
        s.ConfigSync?.Validate(at.At("sidecars").At("configSync"));
        s.Settings.Validate(at.At("settings"));
        CheckScript(s.Script, at.At("script"), names, s, stores);
        var modules = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var m = 0; m < s.Modules.Length; m++)
        {
            var module = s.Modules[m];
            var mat = at.At("modules", m);
            if (NameFits(mat, module.Name)) Unique(mat, module.Name, m, modules, "modules");
            mat.Check("serviceTime", module.ServiceTime);
            CheckErrors(mat.At("errors"), module.Errors);
            CheckScript(module.Script, mat.At("script"), names, s, stores);
        }
        CheckModuleCycles(s, at);
    }

    private static void CheckScript(ImmutableArray<ScriptStep> script, ValidationContext at, Dictionary<string, int> names, ServiceSpec s, Dictionary<string, string> stores)
    {
        for (var i = 0; i < script.Length; i++)
        {
            var sat = at.At($"[{i}]");
            switch (script[i])
            {
                case SleepStep sleep:
                    sat.Check("sleep", sleep.Duration);
                    break;
                case CallStep call:
                    CheckCall(call.Call, sat.At("call"), names, s.Name);
                    break;
                case ParallelStep parallel:
                    if (parallel.Calls.IsEmpty) sat.Error("parallel", "must list at least one call");
                    for (var c = 0; c < parallel.Calls.Length; c++) CheckCall(parallel.Calls[c], sat.At("parallel", c), names, s.Name);
                    break;
                case ModuleStep module:
                    if (s.Module(module.Module) is null)
                        sat.Error("module", s.Modules.IsEmpty
                            ? $"'{s.Name}' has no modules; list them under 'modules'"
                            : $"no module named '{module.Module}' in '{s.Name}'{sat.Suggest(module.Module, s.Modules.Select(m => m.Name))}");
                    break;
                case StoreStep store:
                    var field = store.Write ? "write" : "read";
                    if (!stores.ContainsKey(store.Store))
                        sat.Error(field, $"no service owns a store named '{store.Store}'{sat.Suggest(store.Store, stores.Keys)}; list it under a service's 'stores'");
                    sat.Check($"{field}.latency", store.Latency);
                    break;
            }
        }
    }

    private static void CheckModuleCycles(ServiceSpec s, ValidationContext at)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var m = 0; m < s.Modules.Length; m++) index.TryAdd(s.Modules[m].Name, m);
        IEnumerable<int> Called(int m)
        {
            if (index[s.Modules[m].Name] != m) yield break; // a second module of the same name is never called
            foreach (var step in s.Modules[m].Script)
                if (step is ModuleStep call && index.TryGetValue(call.Module, out var callee)) yield return callee;
        }
        if (Cycles.First(s.Modules.Length, Called) is not { Path: var cycle }) return;
        at.Error("modules", $"modules call each other in a cycle: {Cycles.Describe(cycle.ConvertAll(m => s.Modules[m].Name))}");
    }

    /// <summary>True when <paramref name="node"/> is one of the nodes an in-process cluster of <paramref name="nodes"/> starts with (node-1 … node-N).</summary>
    private static bool IsInitialNode(string node, int nodes) =>
        node.StartsWith("node-", StringComparison.Ordinal) && int.TryParse(node.AsSpan(5), out var k) && k >= 1 && k <= nodes;

    private static void CheckErrors(ValidationContext at, ErrorInjection e)
    {
        at.Require(e.Rate is >= 0 and <= 1, "rate", "must be between 0 and 1 (or a percentage like '30%')");
        at.Require(e.Status is >= 400 and <= 599, "status", "must be an error status (400..599)");
    }

    private static void CheckCall(ServiceCall call, ValidationContext at, Dictionary<string, int> names, string caller)
    {
        if (string.IsNullOrWhiteSpace(call.Service)) at.Error("must name a service");
        else if (!names.ContainsKey(call.Service)) at.Error($"no service named '{call.Service}'{at.Suggest(call.Service, names.Keys)}");
        else if (call.Service == caller) at.Error($"'{caller}' calls itself");
        at.Require(call.Probability is >= 0 and <= 1, "probability", "must be between 0 and 1 (or a percentage like '60%')");
        at.Require(call.RequestBytes >= 0, "size", "must not be negative");
        at.Require(call.Path.StartsWith('/'), "path", "must start with '/'");
        call.Fallback?.Validate(at.At("fallback"));
        if (call.Optional && call.Fallback?.Kind == FallbackKind.Default)
            at.Error("optional", "a default fallback always answers, so the call is never skipped: give 'optional' or 'fallback: default', not both");
    }

    private static void CheckCycles(MeshTopology topology, ValidationContext root)
    {
        var index = new Dictionary<string, int>();
        for (var i = 0; i < topology.Services.Length; i++) index.TryAdd(topology.Services[i].Name, i);
        IEnumerable<int> Called(int i)
        {
            foreach (var callee in Callees(topology.Services[i]))
                if (index.TryGetValue(callee, out var j) && j != i) yield return j;
        }
        if (Cycles.First(topology.Services.Length, Called) is not { From: var from, Path: var cycle }) return;
        var names = cycle.ConvertAll(i => topology.Services[i].Name);
        root.At("services", from).Error("script", $"calls form a cycle: {Cycles.Describe(names)}; every request would recurse until workers run out");
    }

    /// <summary>Services called by <paramref name="s"/>'s script.</summary>
    public static IEnumerable<string> Callees(ServiceSpec s)
    {
        foreach (var script in s.Modules.Select(m => m.Script).Prepend(s.Script))
        foreach (var step in script)
        {
            if (step is CallStep c) yield return c.Call.Service;
            else if (step is ParallelStep p) foreach (var call in p.Calls) yield return call.Service;
        }
    }

    private static void ValidateNetwork(MeshTopology t, ValidationContext at, Dictionary<string, int> names)
    {
        at.Check("latency", t.Network.Latency);
        var workloads = new HashSet<string>(names.Keys);
        foreach (var g in t.Gateways) workloads.Add(g.Name);
        for (var i = 0; i < t.Network.Edges.Length; i++)
        {
            var e = t.Network.Edges[i];
            var eat = at.At("edges", i);
            if (e.From != "*" && !workloads.Contains(e.From)) eat.Error("from", $"no service or gateway named '{e.From}'");
            if (e.To != "*" && !workloads.Contains(e.To)) eat.Error("to", $"no service or gateway named '{e.To}'");
            eat.Check("latency", e.Latency);
        }
    }

    private static void ValidateMesh(MeshSpec mesh, ValidationContext at, Dictionary<string, int> names)
    {
        at.Check("proxyLatency", mesh.ProxyLatency);
        mesh.Defaults.Validate(at.At("defaults"));
        foreach (var (service, policy) in mesh.Destinations.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var dat = at.At("destinations").At(service);
            if (!names.ContainsKey(service)) dat.Error($"no service named '{service}'{dat.Suggest(service, names.Keys)}");
            policy.Validate(dat);
        }
    }

    private static void ValidateGateways(MeshTopology t, ValidationContext root, Dictionary<string, int> names)
    {
        var gatewayNames = new HashSet<string>();
        for (var i = 0; i < t.Gateways.Length; i++)
        {
            var g = t.Gateways[i];
            var at = root.At("gateways", i);
            if (NameFits(at, g.Name))
            {
                if (names.ContainsKey(g.Name)) at.Error("name", $"'{g.Name}' is also a service name");
                else if (!gatewayNames.Add(g.Name)) at.Error("name", $"'{g.Name}' is already a gateway");
            }
            at.Check("clientLatency", g.ClientLatency);
            g.Auth?.Validate(at.At("auth"));
            if (g.Routes.IsEmpty) at.Error("routes", "at least one route is required");
            var seen = new Dictionary<(string, string?), int>();
            for (var r = 0; r < g.Routes.Length; r++) ValidateRoute(g.Routes[r], at.At("routes", r), r, names, seen);
        }
    }

    private static void ValidateRoute(RouteSpec route, ValidationContext rat, int index, Dictionary<string, int> names, Dictionary<(string, string?), int> seen)
    {
        if (string.IsNullOrEmpty(route.Prefix) || !route.Prefix.StartsWith('/')) rat.Error("prefix", "must start with '/'");
        if (route.Method is { } method && !MethodPattern().IsMatch(method)) rat.Error("method", $"'{method}' is not an HTTP method like GET or POST");
        else if (!seen.TryAdd((route.Prefix, route.Method?.ToUpperInvariant()), index))
            rat.Error("prefix", $"routes[{seen[(route.Prefix, route.Method?.ToUpperInvariant())]}] already routes '{route.Prefix}'{(route.Method is null ? "" : " for " + route.Method.ToUpperInvariant())}");
        if (route.IsAggregate)
        {
            if (!string.IsNullOrEmpty(route.Service)) rat.Error("service", "a route has either 'service' or 'aggregate', not both");
            if (route.Aggregate.Length > RouteSpec.MaxAggregateBackends) rat.Error("aggregate", $"at most {RouteSpec.MaxAggregateBackends} backends");
            for (var b = 0; b < route.Aggregate.Length; b++)
            {
                var backend = route.Aggregate[b];
                var bat = rat.At("aggregate", b);
                if (!names.ContainsKey(backend.Service)) bat.Error("service", $"no service named '{backend.Service}'{bat.Suggest(backend.Service, names.Keys)}");
                bat.Require(backend.Path.StartsWith('/'), "path", "must start with '/'");
                bat.NonNegative("timeout", backend.Timeout);
            }
        }
        else if (string.IsNullOrEmpty(route.Service)) rat.Error("service", "a route needs a 'service' or an 'aggregate'");
        else if (!names.ContainsKey(route.Service)) rat.Error("service", $"no service named '{route.Service}'{rat.Suggest(route.Service, names.Keys)}");
        route.RateLimit?.Validate(rat.At("rateLimit"));
        route.Cache?.Validate(rat.At("cache"));
    }

    private static void ValidateLoad(MeshTopology t, ValidationContext at)
    {
        var l = t.Load;
        if (l.Clock == ClockMode.Virtual && t.Nodes > 1)
            at.Error("clock", $"virtual time runs on one node, and this topology runs on {t.Nodes} (nodes: {t.Nodes}): a cluster runs in real time");
        if (l.Mode == LoadMode.Open) at.Require(l.Rps > 0 && l.Rps <= 10_000_000, "rps", "must be greater than 0 and at most 10000000");
        else at.Require(l.Users is >= 1 and <= 1_000_000, "users", "must be between 1 and 1000000");
        at.Check("thinkTime", l.ThinkTime);
        at.Positive("duration", l.Duration);
        at.NonNegative("warmup", l.Warmup);
        at.NonNegative("drain", l.Drain);
        at.Positive("clientTimeout", l.ClientTimeout);
        at.Require(l.MaxOutstanding >= 1, "maxOutstanding", "must be at least 1");
        at.Require(l.TraceSampling is >= 0 and <= 1, "traceSampling", "must be between 0 and 1 (or a percentage like '1%')");
        if (l.Gateway is { } g && t.Gateways.All(x => x.Name != g)) at.Error("gateway", $"no gateway named '{g}'{at.Suggest(g, t.Gateways.Select(x => x.Name))}");
        at.Require(l.BadTokenShare is >= 0 and <= 1, "badTokenShare", "must be between 0 and 1 (or a percentage like '5%')");
        at.Require(l.Clients is >= 1 and <= 1_000_000, "clients", "must be between 1 and 1000000");
        var kindNames = new Dictionary<string, int>(StringComparer.Ordinal);
        var totalWeight = 0.0;
        for (var i = 0; i < l.Requests.Length; i++)
        {
            var r = l.Requests[i];
            var rat = at.At("requests", i);
            if (r.IsJourney)
            {
                if (r.Path.Length > 0) rat.Error("path", "a request has either 'path' or 'sequence', not both");
                if (r.Sequence.Length > RequestMix.MaxJourneySteps) rat.Error("sequence", $"at most {RequestMix.MaxJourneySteps} steps");
                for (var s = 0; s < r.Sequence.Length; s++)
                    if (!r.Sequence[s].StartsWith('/')) rat.Error($"sequence[{s}]", "must start with '/'");
            }
            else if (!r.Path.StartsWith('/')) rat.Error("path", "must start with '/'");
            rat.Require(r.Weight > 0, "weight", "must be greater than 0");
            totalWeight += Math.Max(0, r.Weight);
            if (r.Method is { } method && !MethodPattern().IsMatch(method)) rat.Error("method", $"'{method}' is not an HTTP method like GET or POST");
            if (r.Gateway is { } rg && t.Gateways.All(x => x.Name != rg)) rat.Error("gateway", $"no gateway named '{rg}'{rat.Suggest(rg, t.Gateways.Select(x => x.Name))}");
            if (r.Name is { } name)
            {
                if (string.IsNullOrWhiteSpace(name)) rat.Error("name", "must not be empty");
                else Unique(rat, name, i, kindNames, "requests");
            }
        }
        if (!double.IsFinite(totalWeight))
            at.Error("requests", "the weights add up to infinity, so no share of the mix can be drawn; only their ratios matter: use smaller ones (e.g. 1 and 3)");
    }

    /// <summary>Containers a pod may run, for crash events.</summary>
    public static readonly IReadOnlyList<string> ContainerKinds =
        [DataPlane.Pod.ContainerKinds.App, DataPlane.Pod.ContainerKinds.Proxy, DataPlane.Pod.ContainerKinds.LogCollector, DataPlane.Pod.ContainerKinds.ConfigSync];

    private static void ValidateTimeline(MeshTopology t, ValidationContext root, Dictionary<string, int> names)
    {
        var end = t.Load.Warmup + t.Load.Duration;
        for (var i = 0; i < t.Timeline.Length; i++)
        {
            var entry = t.Timeline[i];
            var at = root.At("timeline", i);
            at.NonNegative("at", entry.At);
            if (entry.At > end) at.Error("at", $"{entry.At.TotalSeconds:0.###}s is after the load ends (warm-up + duration = {end.TotalSeconds:0.###}s)");
            void Service(string kind, string service)
            {
                if (!names.ContainsKey(service)) at.Error($"{kind}.service", $"no service named '{service}'{at.Suggest(service, names.Keys)}");
            }
            void Pod(string field, string podId)
            {
                var dash = podId.LastIndexOf('-');
                if (dash <= 0 || !names.ContainsKey(podId[..dash]) || !int.TryParse(podId.AsSpan(dash + 1), out var index) || index < 0)
                    at.Error(field, $"'{podId}' is not a pod: pods are named <service>-<index>, e.g. '{t.Services.FirstOrDefault()?.Name ?? "orders"}-0'");
            }
            switch (entry.Event)
            {
                case SetPolicyEvent { Destination: { } d }:
                    // The policy itself is pushed as given: a bad one is NACKed by the proxies, as Envoy would.
                    if (!names.ContainsKey(d)) at.Error("setPolicy.destination", $"no service named '{d}'{at.Suggest(d, names.Keys)}");
                    break;
                case ScaleEvent scale:
                    Service("scale", scale.Service);
                    at.Require(scale.Replicas >= 0, "scale.replicas", "must not be negative");
                    break;
                case KillPodEvent kill:
                    Pod("kill", kill.PodId);
                    break;
                case SetServiceTimeEvent time:
                    Service("setServiceTime", time.Service);
                    at.Check("setServiceTime.serviceTime", time.ServiceTime);
                    at.Require(time.Instance is null or >= 0, "setServiceTime.instance", "must not be negative");
                    break;
                case SetErrorsEvent errors:
                    Service("setErrors", errors.Service);
                    CheckErrors(at.At("setErrors.errors"), errors.Errors);
                    at.Require(errors.Instance is null or >= 0, "setErrors.instance", "must not be negative");
                    break;
                case SetSecurityEvent security:
                    security.ApplyTo(t.Mesh.Security).Validate(at.At("setSecurity"), t);
                    break;
                case DeployEvent deploy:
                    Service("deploy", deploy.Service);
                    if (string.IsNullOrWhiteSpace(deploy.Version)) at.Error("deploy.version", "must not be empty");
                    at.Check("deploy.serviceTime", deploy.ServiceTime);
                    if (deploy.Errors is { } e) CheckErrors(at.At("deploy.errors"), e);
                    break;
                case RollbackEvent rollback:
                    if (!names.ContainsKey(rollback.Service)) at.Error("rollback", $"no service named '{rollback.Service}'{at.Suggest(rollback.Service, names.Keys)}");
                    else if (!t.Timeline.Take(i).Any(e => e.Event is DeployEvent d && d.Service == rollback.Service))
                        at.Error("rollback", $"'{rollback.Service}' is not deployed earlier in the timeline, so there is nothing to roll back to");
                    break;
                case SetSettingsEvent settings:
                    Service("setSettings", settings.Service);
                    break;
                case CrashNodeEvent crashNode:
                    if (t.Nodes > 1 && !IsInitialNode(crashNode.Node, t.Nodes) && !t.Timeline.Any(e => e.Event is JoinNodeEvent j && j.Node == crashNode.Node && e.At <= entry.At))
                        at.Error("crashNode", $"no node named '{crashNode.Node}'; this topology runs on node-1 … node-{t.Nodes} and the nodes its timeline joins");
                    break;
                case JoinNodeEvent joinNode:
                    if (string.IsNullOrWhiteSpace(joinNode.Node)) at.Error("joinNode", "a node name is required");
                    else if (t.Nodes > 1 && (IsInitialNode(joinNode.Node, t.Nodes) || t.Timeline.Take(i).Any(e => e.Event is JoinNodeEvent j && j.Node == joinNode.Node)))
                        at.Error("joinNode", $"node '{joinNode.Node}' is already in the cluster (node-1 … node-{t.Nodes} start with the run; each name joins once)");
                    break;
                case CrashContainerEvent crash:
                    Pod("crash.pod", crash.PodId);
                    if (!ContainerKinds.Contains(crash.Container))
                        at.Error("crash.container", $"unknown container '{crash.Container}'; a pod runs {string.Join(", ", ContainerKinds)}");
                    break;
            }
        }
    }

    /// <summary>Reports an empty or too long name under <paramref name="at"/>; true when it is neither.</summary>
    private static bool NameFits(ValidationContext at, string name)
    {
        if (string.IsNullOrWhiteSpace(name)) at.Error("name", "must not be empty");
        else if (name.Length > TopologyLimits.MaxNameLength) at.Error("name", TooLong(name));
        else return true;
        return false;
    }

    /// <summary>Reports a name an earlier entry of <paramref name="list"/> already has; records it as entry <paramref name="index"/>'s otherwise.</summary>
    private static void Unique(ValidationContext at, string name, int index, Dictionary<string, int> seen, string list)
    {
        if (!seen.TryAdd(name, index)) at.Error("name", $"'{name}' is already the name of {list}[{seen[name]}]");
    }

    private static string TooLong(string name) => $"is {name.Length:N0} characters long; a name has at most {TopologyLimits.MaxNameLength} (the limit)";

    /// <summary>" (did you mean 'x'?)" for the candidate closest to <paramref name="name"/> (ignoring case), or "" when none is close; bounded (see <see cref="Suggestions"/>).</summary>
    internal static string Suggest(string name, IEnumerable<string> candidates) => new Suggestions().For(name, candidates);
}
