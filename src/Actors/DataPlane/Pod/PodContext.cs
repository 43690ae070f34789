using ActorMesh.ControlPlane;
using ActorMesh.Topology;
using Akka.Actor;

namespace ActorMesh.DataPlane.Pod;

/// <summary>
/// What the containers of one pod share and what must survive a container's restart: the spec,
/// each other's addresses, the sidecar's last accepted config (its cached bootstrap), and counters.
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
}

/// <summary>Counters of one pod, kept across container restarts.</summary>
public sealed class PodStats
{
    /// <summary>Times the app container restarted.</summary>
    public int AppRestarts;
    /// <summary>Times the proxy sidecar restarted.</summary>
    public int ProxyRestarts;
    /// <summary>Requests the instance received.</summary>
    public long Requests;
    /// <summary>Of those, answered with an error.</summary>
    public long Errors;
}
