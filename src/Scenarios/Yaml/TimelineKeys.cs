using ActorMesh.DataPlane.Settings;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>The keys of a timeline entry: <c>at</c> and exactly one event, and the keys of each event.</summary>
internal static class TimelineKeys
{
    private static readonly Schema SetPolicyKeys = new()
    {
        { "destination", Syntax.Text, "The destination whose policy changes; absent or *: the mesh's defaults." },
        { "policy", "policy", "Its sections replace those of the file's policy for that destination.", Need.Required },
    };

    private static readonly Schema<ScaleEvent> Scale = new(new ScaleEvent("", 0))
    {
        { "service", Syntax.Text, (e, v) => e with { Service = v }, "The service scaled.", Need.Required },
        { "replicas", Syntax.Integer, (e, v) => e with { Replicas = v }, "Its new desired number of pods.", Need.Required },
    };

    private static readonly Schema<KillPodEvent> Kill = new(new KillPodEvent(""))
    {
        { "pod", Syntax.Text, (e, v) => e with { PodId = v }, "The pod killed.", Need.Required },
    };

    private static readonly Schema<SetServiceTimeEvent> SetServiceTime = new(new SetServiceTimeEvent("", Distribution.Zero))
    {
        { "service", Syntax.Text, (e, v) => e with { Service = v }, "The service.", Need.Required },
        { "serviceTime", Distributions.Value, (e, v) => e with { ServiceTime = v }, "Its new service time.", Need.Required },
        { "instance", Syntax.Integer, (e, v) => e with { Instance = v }, "One pod's index; absent: every pod." },
    };

    private static readonly Schema<SetErrorsEvent> SetErrors = new(new SetErrorsEvent("", ErrorInjection.None))
    {
        { "service", Syntax.Text, (e, v) => e with { Service = v }, "The service.", Need.Required },
        { "errors", ServiceKeys.ErrorsValue, (e, v) => e with { Errors = v }, "Its new injected errors.", Need.Required },
        { "instance", Syntax.Integer, (e, v) => e with { Instance = v }, "One pod's index; absent: every pod." },
    };

    private static readonly Schema<SetSettingsEvent> SetSettings = new(new SetSettingsEvent("", AppSettings.None.Values))
    {
        { "service", Syntax.Text, (e, v) => e with { Service = v }, "The service.", Need.Required },
        { "values", ServiceKeys.Settings, (e, v) => e with { Values = v.Values }, "Its next settings, replacing the last.", Need.Required },
    };

    private static readonly Schema<DeployEvent> Deploy = new(new DeployEvent("", ""))
    {
        { "service", Syntax.Text, (e, v) => e with { Service = v }, "The service updated.", Need.Required },
        { "version", Syntax.Text, (e, v) => e with { Version = v }, "Its new version label.", Need.Required },
        { "healthy", Syntax.Boolean, (e, v) => e with { Healthy = v }, "false: the new pods fail their health check." },
        { "serviceTime", Distributions.Value, (e, v) => e with { ServiceTime = v }, "The new version's service time; absent: unchanged." },
        { "errors", ServiceKeys.ErrorsValue, (e, v) => e with { Errors = v }, "The new version's injected errors; absent: unchanged." },
    };

    private static readonly Schema<CrashContainerEvent> Crash = new(new CrashContainerEvent("", ""))
    {
        { "pod", Syntax.Text, (e, v) => e with { PodId = v }, "The pod.", Need.Required },
        { "container", Syntax.Text, (e, v) => e with { Container = v }, "app, proxy, log-collector or config-sync.", Need.Required },
    };

    /// <summary>An entry while it is read: the event is read over the file's mesh, which a policy push starts from.</summary>
    private sealed record Draft(MeshSpec Mesh, TimeSpan At, TimelineEvent Event);

    private static readonly TimelineEvent NoEvent = new StopControlPlaneEvent();

    private static readonly Schema<Draft> Entry = new(new Draft(new MeshSpec(), TimeSpan.Zero, NoEvent))
    {
        { "at", Syntax.Duration, (d, v) => d with { At = v }, "When, after the load starts.", Need.Required },
        { "setPolicy", "{ destination, policy }", (r, n, p, d) => d with { Event = ReadSetPolicy(r, n, p, d.Mesh) }, "Pushes a policy." },
        { "scale", Event(Syntax.Mapping(Scale, "{ service, replicas }")), Is, "A new desired number of pods." },
        { "kill", Event(Syntax.Of("a pod name, or { pod }", ReadKill)), Is, "The pod dies; the control plane replaces it." },
        { "stopControlPlane", Event(Switch(new StopControlPlaneEvent())), Is, "Stops the control plane; running sidecars keep their last config, a restarted one has none." },
        { "startControlPlane", Event(Switch(new StartControlPlaneEvent())), Is, "Starts it again." },
        { "setServiceTime", Event(Syntax.Mapping(SetServiceTime, "{ service, serviceTime, instance }")), Is, "A fault: a new service time." },
        { "setErrors", Event(Syntax.Mapping(SetErrors, "{ service, errors, instance }")), Is, "A fault: new injected errors." },
        { "crash", Event(Syntax.Mapping(Crash, "{ pod, container }")), Is, "One container crashes and its pod restarts it." },
        { "setSettings", Event(Syntax.Mapping(SetSettings, "{ service, values }")), Is, "The service's next settings version." },
        { "setSecurity", Event(Syntax.Of("{ mtls, mtlsByService, policies }", MeshKeys.SetSecurity)), Is, "A security change: each key given replaces that part." },
        { "deploy", Event(Syntax.Mapping(Deploy, "{ service, version, healthy, serviceTime, errors }")), Is, "A rolling update." },
        { "rollback", Event(Syntax.Of("a service name", (r, n, p) => new RollbackEvent(r.Scalar(n, p, "", t => t)))), Is, "Back to the version before the last deploy." },
        { "networkFault", Event(Syntax.Of("a network fault, with until", (r, n, p) => new NetworkFaultEvent(ZoneKeys.Fault.Read(r, n, p)))), Is, "A network fault from now, until its 'until'." },
        { "crashNode", Event(Syntax.Of("a node name", (r, n, p) => new CrashNodeEvent(r.Scalar(n, p, "", t => t)))), Is, "A cluster node crashes." },
        { "joinNode", Event(Syntax.Of("a node name", (r, n, p) => new JoinNodeEvent(r.Scalar(n, p, "", t => t)))), Is, "A new cluster node joins and takes its share of the pods." },
    };

    private static readonly string[] EventKinds = [.. Entry.Names.Where(k => k != "at")];

    /// <summary>A timeline entry: <c>at</c> and exactly one event.</summary>
    public static TimelineEntry Read(YamlReader r, YamlNode node, string path, MeshSpec mesh)
    {
        var s = r.Open(node, path, Entry);
        var kinds = EventKinds.Where(k => s[k] is not null).ToList();
        if (kinds.Count == 1)
        {
            var entry = Entry.Build(s, Entry.Defaults with { Mesh = mesh });
            return new TimelineEntry(entry.At, entry.Event);
        }
        var at = s.Get("at", TimeSpan.Zero);
        if (s.Mapping is not null)
            r.Problem(node, path, kinds.Count == 0
                ? $"an entry needs one event: {string.Join(", ", EventKinds)}"
                : $"an entry has exactly one event, not {string.Join(" and ", kinds.Select(k => $"'{k}'"))}; give each its own entry");
        return new TimelineEntry(at, NoEvent);
    }

    private static Syntax<TimelineEvent> Event<T>(Syntax<T> syntax) where T : TimelineEvent =>
        Syntax.Of(syntax.Name, (r, n, p) => (TimelineEvent)syntax.Read(r, n, p, null!));

    /// <summary>An entry holds the one event it has.</summary>
    private static Draft Is(Draft entry, TimelineEvent e) => entry with { Event = e };

    /// <summary>A policy push; sections not given keep the file's policy for that destination.</summary>
    private static SetPolicyEvent ReadSetPolicy(YamlReader r, YamlNode node, string path, MeshSpec mesh)
    {
        var s = r.Open(node, path, SetPolicyKeys);
        var destination = s.Text("destination") is { } d && d != "*" ? d : null;
        var basis = destination is null ? mesh.Defaults : mesh.PolicyFor(destination);
        return new SetPolicyEvent(destination, MeshKeys.PolicyOf(mesh.Profile).Read(r, s["policy"], s.PathOf("policy"), basis));
    }

    /// <summary>A pod id: a scalar, or <c>{ pod: id }</c>.</summary>
    private static KillPodEvent ReadKill(YamlReader r, YamlNode node, string path) =>
        node is YamlScalarNode ? new KillPodEvent(r.Scalar(node, path, "", t => t)) : Kill.Read(r, node, path);

    /// <summary>An event without options, written <c>stopControlPlane: true</c>: any other value would read as if it meant something.</summary>
    private static Syntax<TimelineEvent> Switch(TimelineEvent e) => Syntax.Of("true", (r, node, path) =>
    {
        if (!r.Scalar(node, path, true, YamlValues.Boolean)) r.Problem(node, path, "'false' schedules nothing; give 'true', or remove the entry");
        return e;
    });
}
