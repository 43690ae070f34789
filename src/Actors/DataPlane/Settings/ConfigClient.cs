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

/// <summary>What a <see cref="ConfigClient"/> did with a push, and its answer (ACK or NACK) for the control plane.</summary>
internal readonly record struct ConfigReceipt(ConfigVerdict Verdict, IConfigProtocol Answer);

/// <summary>
/// What differs between the workloads that take config (the sidecar proxy, a gateway, a config-sync
/// sidecar, an app without a sidecar): how a snapshot is checked and how it is applied.
/// The workload's actor implements it, so a client costs no delegates per pod.
/// </summary>
internal interface IConfigOwner
{
    /// <summary>A one-line description of what is wrong with <paramref name="snapshot"/>, or null when it is acceptable.</summary>
    string? Problems(ConfigSnapshot snapshot);

    /// <summary>Puts an accepted snapshot into force.</summary>
    void Apply(ConfigSnapshot snapshot);

    /// <summary>Where a rejected snapshot is logged (an actor makes its adapter on first use).</summary>
    ILoggingAdapter Log { get; }
}

/// <summary>
/// The data plane's side of the config protocol (an xDS client), one per workload: the sidecar proxy,
/// a gateway, a config-sync sidecar, and an app that runs without a sidecar. A pushed version not
/// newer than the one in force is ACKed again and not applied; an invalid one is NACKed with its
/// problems (and logged) while the last good config stays, the NACK carrying that config's version as
/// xDS's does; any other is applied, then ACKed. Each <see cref="IConfigOwner"/> gives what differs.
/// </summary>
/// <param name="workload">The name the control plane knows the workload by, e.g. "orders-0".</param>
/// <param name="container">What takes the config, for the log line of a rejected snapshot, e.g. "Sidecar of" (a constant: no string per pod).</param>
/// <param name="name">The name the log line gives it after <paramref name="container"/>, e.g. "orders-0".</param>
/// <param name="owner">How the workload checks, applies and answers.</param>
internal sealed class ConfigClient(string workload, string container, string name, IConfigOwner owner)
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

    /// <summary>
    /// Takes a push of <paramref name="snapshot"/>: what it did, and the answer (ACK or NACK) for the control
    /// plane, which the workload sends by its own path (over the emulated network, or straight back).
    /// </summary>
    public ConfigReceipt Receive(ConfigSnapshot snapshot)
    {
        if (Current is { } current && snapshot.Version <= current.Version)
        {
            return new(ConfigVerdict.AlreadyCurrent, new ConfigAck(snapshot.Version, workload));
        }
        if (owner.Problems(snapshot) is { } wrong)
        {
            owner.Log.Warning("{0} {1} rejected config v{2}: {3}", container, name, snapshot.Version, wrong);
            return new(ConfigVerdict.Rejected, new ConfigNack(Current?.Version ?? 0, workload, wrong, Nonce: snapshot.Version));
        }
        owner.Apply(snapshot);
        Current = snapshot;
        return new(ConfigVerdict.Applied, new ConfigAck(snapshot.Version, workload));
    }

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
