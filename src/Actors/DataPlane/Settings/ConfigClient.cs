using Akka.Event;

namespace ActorMesh.DataPlane.Settings;

/// <summary>What a <see cref="ConfigClient"/> did with a pushed snapshot.</summary>
internal enum ConfigVerdict
{
    /// <summary>Newer and valid: applied, then ACKed.</summary>
    Applied,
    /// <summary>Not newer than the one in force: ACKed again, not applied.</summary>
    AlreadyCurrent,
    /// <summary>Invalid: NACKed with its problems; the last good config stays.</summary>
    Rejected,
}

/// <summary>
/// What differs between the workloads that take config (the sidecar proxy, a gateway, a config-sync
/// sidecar, an app without a sidecar): how a snapshot is checked, how it is applied, how answers travel.
/// The workload's actor implements it, so a client costs no delegates per pod.
/// </summary>
internal interface IConfigOwner
{
    /// <summary>A one-line description of what is wrong with <paramref name="snapshot"/>, or null when it is acceptable.</summary>
    string? Problems(ConfigSnapshot snapshot);

    /// <summary>Puts an accepted snapshot into force.</summary>
    void Apply(ConfigSnapshot snapshot);

    /// <summary>Sends an answer to the push of <paramref name="snapshot"/> to the control plane.</summary>
    void Answer(IActorRef controlPlane, ConfigSnapshot snapshot, IConfigProtocol answer);

    /// <summary>Logs that <paramref name="snapshot"/> was rejected for <paramref name="problems"/>, naming the workload (e.g. "Sidecar of orders-0").</summary>
    void LogRejected(ConfigSnapshot snapshot, string problems);
}

/// <summary>
/// The data plane's side of the config protocol (an xDS client), one per workload: the sidecar proxy,
/// a gateway, a config-sync sidecar, and an app that runs without a sidecar. A pushed version not
/// newer than the one in force is ACKed again and not applied; an invalid one is NACKed with its
/// problems (and logged) while the last good config stays, the NACK carrying that config's version as
/// xDS's does; any other is applied, then ACKed. Each <see cref="IConfigOwner"/> gives what differs.
/// </summary>
/// <param name="workload">The name the control plane knows the workload by, e.g. "orders-0".</param>
/// <param name="owner">How the workload checks, applies and answers.</param>
internal sealed class ConfigClient(string workload, IConfigOwner owner)
{
    /// <summary>The snapshot in force (null until the first is accepted).</summary>
    public ConfigSnapshot? Current { get; private set; }

    /// <summary>
    /// A restarted container resumes from the snapshot it had in force: applied again, not answered
    /// (the control plane is not asked again).
    /// </summary>
    public void Resume(ConfigSnapshot snapshot)
    {
        owner.Apply(snapshot);
        Current = snapshot;
    }

    /// <summary>Takes a push of <paramref name="snapshot"/> from <paramref name="controlPlane"/> and answers it.</summary>
    public ConfigVerdict Receive(ConfigSnapshot snapshot, IActorRef controlPlane)
    {
        if (Current is { } current && snapshot.Version <= current.Version)
        {
            owner.Answer(controlPlane, snapshot, new ConfigAck(snapshot.Version, workload));
            return ConfigVerdict.AlreadyCurrent;
        }
        if (owner.Problems(snapshot) is { } wrong)
        {
            owner.LogRejected(snapshot, wrong);
            owner.Answer(controlPlane, snapshot, new ConfigNack(Current?.Version ?? 0, workload, wrong, Nonce: snapshot.Version));
            return ConfigVerdict.Rejected;
        }
        owner.Apply(snapshot);
        Current = snapshot;
        owner.Answer(controlPlane, snapshot, new ConfigAck(snapshot.Version, workload));
        return ConfigVerdict.Applied;
    }

    /// <summary>The log line of a rejected snapshot, for <see cref="IConfigOwner.LogRejected"/>.</summary>
    public static void LogRejected(ILoggingAdapter log, string who, ConfigSnapshot snapshot, string problems) =>
        log.Warning("{0} rejected config v{1}: {2}", who, snapshot.Version, problems);

    /// <summary>For a workload that checks nothing in a snapshot.</summary>
    public static string? NoProblems(ConfigSnapshot snapshot) => null;

    /// <summary>
    /// What a proxy (sidecar or gateway) checks: the mesh's policies and security; a one-line description
    /// of what is wrong, or null. Checked once per topology, whichever proxy asks first (see <see cref="CompiledConfig"/>).
    /// </summary>
    public static string? MeshProblems(ConfigSnapshot snapshot) => CompiledConfig.Of(snapshot.Topology).MeshProblems;

    /// <summary>Validates the mesh's policies and security of <paramref name="topology"/> (see <see cref="MeshProblems"/>).</summary>
    internal static string? ValidateMesh(MeshTopology topology)
    {
        var at = new ValidationContext();
        var mesh = topology.Mesh;
        mesh.Defaults.Validate(at.At("mesh.defaults"));
        foreach (var (service, policy) in mesh.Destinations) policy.Validate(at.At("mesh.destinations").At(service));
        at.Check("mesh.proxyLatency", mesh.ProxyLatency);
        mesh.Security.Validate(at.At("mesh.security"), topology);
        return at.IsValid ? null : string.Join("; ", at.Errors.Take(5));
    }
}
