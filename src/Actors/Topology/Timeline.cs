namespace ActorMesh.Topology;

/// <summary>One scheduled change during a run: at <see cref="At"/> after the load starts (warm-up included), apply <see cref="Event"/>.</summary>
public sealed record TimelineEntry(TimeSpan At, TimelineEvent Event);

/// <summary>Something that happens to the system during a run: a config push, a scale, a kill, an outage, a fault.</summary>
public abstract record TimelineEvent
{
    /// <summary>One line for logs and reports.</summary>
    public abstract string Describe();
}

/// <summary>Push a policy change: <see cref="Policy"/> becomes the policy for <see cref="Destination"/> (null: the mesh-wide default).</summary>
public sealed record SetPolicyEvent(string? Destination, TrafficPolicy Policy) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"set policy for {Destination ?? "all destinations"}";
}

/// <summary>Change a service's desired number of replicas; the control plane reconciles.</summary>
public sealed record ScaleEvent(string Service, int Replicas) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"scale {Service} to {Replicas}";
}

/// <summary>
/// Deploy a new version of a service: the control plane replaces its pods one by one (each drained
/// first, then started with the new version and waited for until ready). A version whose instances
/// never get ready (<paramref name="Healthy"/> false) is rolled back automatically. A new version may
/// also behave differently: <paramref name="ServiceTime"/> and <paramref name="Errors"/> replace the
/// service's when given.
/// </summary>
/// <param name="Service">The service to update.</param>
/// <param name="Version">The new version label.</param>
/// <param name="Healthy">False: the new instances never pass their readiness check, and the rollout is rolled back. Default true.</param>
/// <param name="ServiceTime">The new version's service time; null (the default) keeps the service's.</param>
/// <param name="Errors">The new version's injected errors; null (the default) keeps the service's.</param>
public sealed record DeployEvent(string Service, string Version, bool Healthy = true, Distribution? ServiceTime = null, ErrorInjection? Errors = null) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"deploy {Service} {Version}{(Healthy ? "" : " (fails its health check)")}";
}

/// <summary>Roll a service back to the version it ran before its last deploy.</summary>
public sealed record RollbackEvent(string Service) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"roll {Service} back";
}

/// <summary>Kill a pod (as a node would lose it); the control plane replaces it.</summary>
public sealed record KillPodEvent(string PodId) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"kill {PodId}";
}

/// <summary>Stop the control plane; the data plane keeps its last-known config.</summary>
public sealed record StopControlPlaneEvent : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => "stop the control plane";
}

/// <summary>Start the control plane again; it catches up with the desired state.</summary>
public sealed record StartControlPlaneEvent : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => "start the control plane";
}

/// <summary>Change a service's service time (of one instance when <see cref="Instance"/> is set).</summary>
public sealed record SetServiceTimeEvent(string Service, Distribution ServiceTime, int? Instance = null) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"set service time of {Service}{(Instance is { } i ? $"-{i}" : "")} to {ServiceTime}";
}

/// <summary>Change a service's injected errors (of one instance when <see cref="Instance"/> is set).</summary>
public sealed record SetErrorsEvent(string Service, ErrorInjection Errors, int? Instance = null) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"set errors of {Service}{(Instance is { } i ? $"-{i}" : "")} to {Errors.Rate:P1} × {Errors.Status}";
}

/// <summary>Crash one container of a pod ("app", "proxy" or another sidecar's kind); its pod restarts it alone.</summary>
public sealed record CrashContainerEvent(string PodId, string Container) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"crash the {Container} of {PodId}";
}

/// <summary>Change a service's app settings: a new settings version that config-sync sidecars bring to the apps.</summary>
public sealed record SetSettingsEvent(string Service, System.Collections.Immutable.ImmutableSortedDictionary<string, string> Values) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"set settings of {Service}";
}

/// <summary>
/// Push a security change (emulated mTLS and authorization): each part given replaces that part of the
/// desired <see cref="MeshSpec.Security"/>; parts left null keep their current value. Apps are not touched.
/// </summary>
/// <param name="Mtls">New mesh-wide peer authentication, or null to keep it.</param>
/// <param name="MtlsByService">New per-service peer authentication (the whole map), or null to keep it.</param>
/// <param name="Policies">New authorization policies (the whole list), or null to keep them.</param>
public sealed record SetSecurityEvent(
    MtlsMode? Mtls = null,
    System.Collections.Immutable.ImmutableDictionary<string, MtlsMode>? MtlsByService = null,
    System.Collections.Immutable.ImmutableArray<AuthorizationPolicy>? Policies = null) : TimelineEvent
{
    /// <summary><paramref name="current"/> with this change applied.</summary>
    public SecuritySpec ApplyTo(SecuritySpec current) => current with
    {
        Mtls = Mtls ?? current.Mtls,
        MtlsByService = MtlsByService ?? current.MtlsByService,
        Policies = Policies ?? current.Policies,
    };

    /// <inheritdoc />
    public override string Describe()
    {
        var parts = new List<string>();
        if (Mtls is { } m) parts.Add($"mTLS {m.ToString().ToLowerInvariant()}");
        if (MtlsByService is { } byService)
            parts.AddRange(byService.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"mTLS {p.Value.ToString().ToLowerInvariant()} on {p.Key}"));
        if (Policies is { } policies) parts.Add($"{policies.Length} authorization polic{(policies.Length == 1 ? "y" : "ies")}");
        return parts.Count == 0 ? "set security (no change)" : "set security: " + string.Join(", ", parts);
    }
}

/// <summary>
/// Crash a cluster node (its ActorSystem stops at once, as a killed process would): the survivors
/// drop its endpoints, the control plane places its pods elsewhere, and requests in flight on it
/// time out or are retried elsewhere. Needs a cluster run (<c>nodes</c> above 1, or <c>--cluster</c>).
/// </summary>
public sealed record CrashNodeEvent(string Node) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"crash node {Node}";
}

/// <summary>
/// Start a new cluster node, <see cref="Node"/>, that joins the running cluster: once it has joined, the
/// control plane moves its share of the pods to it (whole zones first, then zoneless pods), each replacement
/// ready before the pod it replaces drains. Needs an in-process cluster (<c>nodes</c> above 1); a running
/// cluster is joined by starting a <c>node</c> process instead.
/// </summary>
public sealed record JoinNodeEvent(string Node) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"node {Node} joins";
}
