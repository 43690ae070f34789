using ActorMesh.ControlPlane;
using ActorMesh.DataPlane.Logs;
using ActorMesh.Topology;
using Akka.Actor;

namespace ActorMesh.DataPlane.Pod;

/// <summary>
/// What the containers of one pod share and what must survive a container's restart: the spec,
/// each other's addresses, the sidecars' last accepted config (their cached bootstrap), the log
/// buffer, the app's settings in force, and counters.
/// Written only from the pod's actors, one at a time in message order.
/// </summary>
internal sealed class PodContext(PodSpec spec, MeshRuntime runtime, IActorRef controlPlane)
{
    public PodSpec Spec { get; } = spec;
    public MeshRuntime Runtime { get; } = runtime;
    public IActorRef ControlPlane { get; } = controlPlane;
    public string PodId => Spec.PodId;
    public int ServiceIndex { get; } = runtime.Services.Of(spec.Service.Name);
    public IActorRef App { get; set; } = ActorRefs.Nobody;
    public IActorRef Proxy { get; set; } = ActorRefs.Nobody;
    public ConfigSnapshot? LastConfig { get; set; }
    public PodStats Stats { get; } = new();
    /// <summary>The app's current service time (changes survive an app restart).</summary>
    public Distribution ServiceTime { get; set; } = spec.Service.ServiceTimeOf(spec.Index);
    /// <summary>The app's current injected errors (changes survive an app restart).</summary>
    public ErrorInjection Errors { get; set; } = spec.Service.ErrorsOf(spec.Index);
    /// <summary>Instances of the proxy container created so far (1 for the first).</summary>
    public int ProxyIncarnation { get; set; }
    /// <summary>Instances of the app container created so far (1 for the first).</summary>
    public int AppIncarnation { get; set; }
    /// <summary>The log-collector sidecar, or Nobody when the pod runs none.</summary>
    public IActorRef LogCollector { get; set; } = ActorRefs.Nobody;
    /// <summary>Instances of the log-collector container created so far.</summary>
    public int LogCollectorIncarnation { get; set; }
    /// <summary>The pod's log buffer (its log volume), when it runs a log collector. Thread-safe.</summary>
    public LogSpool? Logs { get; } = spec.Service.LogCollector is { } logs ? new LogSpool(logs.BufferSize) : null;
    /// <summary>The config-sync sidecar, or Nobody when the pod runs none.</summary>
    public IActorRef ConfigSync { get; set; } = ActorRefs.Nobody;
    /// <summary>Instances of the config-sync container created so far.</summary>
    public int ConfigSyncIncarnation { get; set; }
    /// <summary>The config-sync sidecar's last accepted snapshot (its cache); written by it alone.</summary>
    public ConfigSnapshot? SyncedConfig { get; set; }
    /// <summary>The newest settings version the config-sync sidecar has sent the app; written by it alone.</summary>
    public long SettingsSent { get; set; }
    /// <summary>The app's settings in force (its local settings file, which outlives an app restart); written by the app alone.</summary>
    public AppSettings Settings { get; set; } = spec.Service.Settings;
}

/// <summary>Counters of one pod, kept across container restarts.</summary>
public sealed class PodStats
{
    /// <summary>Times the app container restarted.</summary>
    public int AppRestarts;
    /// <summary>Times the proxy sidecar restarted.</summary>
    public int ProxyRestarts;
    /// <summary>Times the log-collector sidecar restarted.</summary>
    public int LogCollectorRestarts;
    /// <summary>Times the config-sync sidecar restarted.</summary>
    public int ConfigSyncRestarts;
    /// <summary>New settings versions the app took into force from its config-sync sidecar.</summary>
    public long SettingsSyncs;
    /// <summary>Requests the instance received.</summary>
    public long Requests;
    /// <summary>Of those, answered with an error.</summary>
    public long Errors;
}
