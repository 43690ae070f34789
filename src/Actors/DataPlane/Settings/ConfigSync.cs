using ActorMesh.ControlPlane;
using ActorMesh.DataPlane.Pod;
using ActorMesh.DataPlane.Proxy;
using ActorMesh.Topology;
using Akka.Actor;
using Akka.Event;

namespace ActorMesh.DataPlane.Settings;

/// <summary>Config-sync → app: take <paramref name="Settings"/> into force (ignored unless newer than those in force).</summary>
internal sealed record ApplySettings(AppSettings Settings) : INoSerializationVerificationNeeded;

/// <summary>
/// The config-sync sidecar. It registers with the control plane as a workload of its own and receives
/// every versioned snapshot, as the proxy does, answering ACK or NACK. From each accepted snapshot it
/// takes its service's settings and, when their version is newer than the one it last sent, brings
/// them to the app. Its last accepted snapshot is cached in the pod, so a restarted config-sync
/// resumes from it at once (and the control plane keeps pushing to the same address).
/// </summary>
internal sealed class ConfigSync : UntypedActor
{
    private readonly PodContext _pod;
    private readonly ConfigSyncOptions _options;
    private readonly string _workload;
    private readonly int _incarnation;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ConfigSync(PodContext pod)
    {
        _pod = pod;
        _options = pod.Spec.Service.ConfigSync!;
        _workload = WorkloadOf(pod.PodId);
        _incarnation = ++pod.ConfigSyncIncarnation;
    }

    public static Props Props(PodContext pod) => pod.Runtime.Place(Akka.Actor.Props.Create(() => new ConfigSync(pod)));

    /// <summary>The workload name a pod's config-sync sidecar registers under, e.g. "orders-0/config-sync".</summary>
    public static string WorkloadOf(string podId) => $"{podId}/{ContainerKinds.ConfigSync}";

    protected override void PreStart()
    {
        if (_incarnation == 1) _pod.ControlPlane.Tell(new RegisterWorkload(_workload, Self), Self);
        else if (_pod.SyncedConfig is { } last) Deliver(SettingsIn(last));
    }

    protected override void PostRestart(Exception reason)
    {
        _pod.Stats.ConfigSyncRestarts++;
        base.PostRestart(reason);
        _log.Warning("Config sync of {0} restarted after {1}: {2}", _pod.PodId, reason.GetType().Name, reason.Message);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ConfigPush push:
                OnConfig(push.Snapshot);
                break;
            case CrashContainer:
                throw new ContainerCrashedException($"config sync of {_pod.PodId} crashed on request");
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnConfig(ConfigSnapshot snapshot)
    {
        if (_pod.SyncedConfig is { } current && snapshot.Version <= current.Version)
        {
            Sender.Tell(new ConfigAck(snapshot.Version, _workload), Self);
            return;
        }
        var settings = SettingsIn(snapshot);
        var known = KnownVersion;
        if (settings.Version < known)
        {
            var reason = $"settings of '{_pod.Spec.Service.Name}' went back from v{known} to v{settings.Version}; keeping v{known}";
            _log.Warning("Config sync of {0} rejected config v{1}: {2}", _pod.PodId, snapshot.Version, reason);
            Sender.Tell(new ConfigNack(snapshot.Version, _workload, reason), Self);
            return;
        }
        _pod.SyncedConfig = snapshot;
        Deliver(settings);
        Sender.Tell(new ConfigAck(snapshot.Version, _workload), Self);
    }

    private AppSettings SettingsIn(ConfigSnapshot snapshot) => snapshot.Topology.Service(_pod.Spec.Service.Name)?.Settings ?? AppSettings.None;

    /// <summary>The newest settings version the app has or is about to have.</summary>
    private long KnownVersion => Math.Max(_pod.SettingsSent, _pod.Settings.Version);

    private void Deliver(AppSettings settings)
    {
        if (settings.Version <= KnownVersion) return;
        _pod.SettingsSent = settings.Version;
        _pod.Runtime.Clock.Schedule(_options.ApplyDelay.Ticks, _pod.App, new ApplySettings(settings), Self);
    }
}
