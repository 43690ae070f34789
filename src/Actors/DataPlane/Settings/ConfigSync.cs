using ActorMesh.DataPlane.Pod;
using ActorMesh.DataPlane.Proxy;
using Akka.Event;

namespace ActorMesh.DataPlane.Settings;

/// <summary>Config-sync → app: take <paramref name="Settings"/> into force (ignored unless newer than those in force).</summary>
internal sealed record ApplySettings(AppSettings Settings) : INoSerializationVerificationNeeded;

/// <summary>
/// The config-sync sidecar. It registers with the control plane as a workload of its own and receives
/// every versioned snapshot, as the proxy does, through a <see cref="ConfigClient"/>: a snapshot whose
/// settings would go back to an older version than the app has (or is about to have) is NACKed. From
/// each accepted snapshot it takes its service's settings and, when their version is newer than the one
/// it last sent, brings them to the app. Its last accepted snapshot survives its restart, so a
/// restarted config-sync resumes from it at once (and the control plane keeps pushing to the same address).
/// </summary>
internal sealed class ConfigSync : UntypedActor, IConfigOwner
{
    private readonly PodContext _pod;
    private readonly ConfigSyncOptions _options;
    private readonly string _workload;
    private readonly ContainerMemory<Synced> _memory;
    private readonly int _incarnation;
    private readonly ConfigClient _config;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ConfigSync(PodContext pod, ContainerMemory<Synced> memory)
    {
        _pod = pod;
        _options = pod.Spec.Service.ConfigSync!;
        _workload = WorkloadOf(pod.PodId);
        _memory = memory;
        _incarnation = memory.Start();
        _config = new ConfigClient(_workload, "Config sync of", pod.PodId, this);
    }

    public static Props Props(PodContext pod)
    {
        var memory = new ContainerMemory<Synced>(new Synced(null, 0));
        return pod.Runtime.PodProps(() => new ConfigSync(pod, memory));
    }

    /// <summary>The workload name a pod's config-sync sidecar registers under, e.g. "orders-0/config-sync".</summary>
    public static string WorkloadOf(string podId) => $"{podId}/{ContainerKinds.ConfigSync}";

    protected override void PreStart()
    {
        if (_incarnation == 1) _pod.ControlPlane.Tell(new RegisterWorkload(_workload, Self), Self);
        else if (_memory.State.Snapshot is { } last) _config.Resume(last);
    }

    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        _log.Warning("Config sync of {0} restarted after {1}: {2}", _pod.PodId, reason.GetType().Name, reason.Message);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ConfigPush push:
                // Its answers go straight back to the control plane (they do not cross the emulated network).
                Sender.Tell(_config.Receive(push.Snapshot).Answer, Self);
                break;
            case CrashContainer:
                throw new ContainerCrashedException($"config sync of {_pod.PodId} crashed on request");
            default:
                Unhandled(message);
                break;
        }
    }

    ILoggingAdapter IConfigOwner.Log => _log;

    /// <summary>Settings must not go back: the app keeps the newer ones it has.</summary>
    string? IConfigOwner.Problems(ConfigSnapshot snapshot)
    {
        var settings = SettingsIn(snapshot);
        var known = KnownVersion;
        return settings.Version < known ? $"settings of '{_pod.Spec.Service.Name}' went back from v{known} to v{settings.Version}; keeping v{known}" : null;
    }

    void IConfigOwner.Apply(ConfigSnapshot snapshot)
    {
        _memory.State = _memory.State with { Snapshot = snapshot };
        Deliver(SettingsIn(snapshot));
    }

    private AppSettings SettingsIn(ConfigSnapshot snapshot) => snapshot.Topology.Service(_pod.Spec.Service.Name)?.Settings ?? AppSettings.None;

    /// <summary>
    /// The newest settings version the app has or is about to have: the app starts with its spec's
    /// settings and takes only what this sidecar sends it.
    /// </summary>
    private long KnownVersion => Math.Max(_memory.State.SettingsSent, _pod.Spec.Service.Settings.Version);

    private void Deliver(AppSettings settings)
    {
        if (settings.Version <= KnownVersion) return;
        _memory.State = _memory.State with { SettingsSent = settings.Version };
        _pod.Runtime.Clock.Schedule(_options.ApplyDelay.Ticks, _pod.App, new ApplySettings(settings), Self);
    }

    /// <summary>What the sidecar keeps across its restarts: its last accepted snapshot, and the newest settings version it sent the app.</summary>
    internal sealed record Synced(ConfigSnapshot? Snapshot, long SettingsSent);
}
