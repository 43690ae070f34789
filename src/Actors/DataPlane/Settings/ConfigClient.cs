using ActorMesh.ControlPlane;
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

/// <summary>Sends a workload's answer to a push (an ACK or a NACK) back to the control plane.</summary>
internal delegate void ConfigAnswer(IActorRef controlPlane, ConfigSnapshot snapshot, IConfigProtocol answer);

/// <summary>
/// The data plane's side of the config protocol (an xDS client), one per workload: the sidecar proxy,
/// a gateway, a config-sync sidecar, and an app that runs without a sidecar. A pushed version not
/// newer than the one in force is ACKed again and not applied; an invalid one is NACKed with its
/// problems (and logged) while the last good config stays, the NACK carrying that config's version as
/// xDS's does; any other is applied, then ACKed.
/// Each owner gives what differs: how a snapshot is checked, how it is applied, how answers travel.
/// </summary>
/// <param name="workload">The name the control plane knows the workload by, e.g. "orders-0".</param>
/// <param name="who">The workload in the log, e.g. "Sidecar of orders-0".</param>
/// <param name="problems">A one-line description of what is wrong with a snapshot, or null when it is acceptable.</param>
/// <param name="apply">Puts an accepted snapshot into force.</param>
/// <param name="answer">Sends an answer to the control plane.</param>
/// <param name="log">Where a rejection is logged.</param>
internal sealed class ConfigClient(string workload, string who, Func<ConfigSnapshot, string?> problems, Action<ConfigSnapshot> apply, ConfigAnswer answer, ILoggingAdapter log)
{
    /// <summary>The snapshot in force (null until the first is accepted).</summary>
    public ConfigSnapshot? Current { get; private set; }

    /// <summary>
    /// A restarted container resumes from the snapshot it had in force: applied again, not answered
    /// (the control plane is not asked again).
    /// </summary>
    public void Resume(ConfigSnapshot snapshot)
    {
        apply(snapshot);
        Current = snapshot;
    }

    /// <summary>Takes a push of <paramref name="snapshot"/> from <paramref name="controlPlane"/> and answers it.</summary>
    public ConfigVerdict Receive(ConfigSnapshot snapshot, IActorRef controlPlane)
    {
        if (Current is { } current && snapshot.Version <= current.Version)
        {
            answer(controlPlane, snapshot, new ConfigAck(snapshot.Version, workload));
            return ConfigVerdict.AlreadyCurrent;
        }
        if (problems(snapshot) is { } wrong)
        {
            log.Warning("{0} rejected config v{1}: {2}", who, snapshot.Version, wrong);
            answer(controlPlane, snapshot, new ConfigNack(Current?.Version ?? 0, workload, wrong, Nonce: snapshot.Version));
            return ConfigVerdict.Rejected;
        }
        apply(snapshot);
        Current = snapshot;
        answer(controlPlane, snapshot, new ConfigAck(snapshot.Version, workload));
        return ConfigVerdict.Applied;
    }

    /// <summary>Answers cross the network like any other message, with the mesh's default hop latency.</summary>
    public static ConfigAnswer OverNetwork(MeshRuntime runtime, MeshRandom random, IActorRef self) =>
        (controlPlane, snapshot, answer) => runtime.Network.Answer(snapshot, random, controlPlane, answer, self);

    /// <summary>For a workload that checks nothing in a snapshot.</summary>
    public static string? NoProblems(ConfigSnapshot snapshot) => null;

    /// <summary>What a proxy (sidecar or gateway) checks: the mesh's policies and security; a one-line description of what is wrong, or null.</summary>
    public static string? MeshProblems(ConfigSnapshot snapshot)
    {
        var at = new ValidationContext();
        var mesh = snapshot.Topology.Mesh;
        mesh.Defaults.Validate(at.At("mesh.defaults"));
        foreach (var (service, policy) in mesh.Destinations) policy.Validate(at.At("mesh.destinations").At(service));
        at.Check("mesh.proxyLatency", mesh.ProxyLatency);
        mesh.Security.Validate(at.At("mesh.security"), snapshot.Topology);
        return at.IsValid ? null : string.Join("; ", at.Errors.Take(5));
    }
}
