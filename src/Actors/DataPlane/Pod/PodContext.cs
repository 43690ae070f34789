using ActorMesh.DataPlane.Logs;

namespace ActorMesh.DataPlane.Pod;

/// <summary>
/// What the containers of one pod share: immutable facts (the spec, the runtime, where the pod
/// reports, the containers' addresses once the pod has started them) and thread-safe buffers (the
/// log buffer, the request counters). The containers run on different threads in real time, so
/// nothing here is written by two of them: what a container keeps across its own restarts is in its
/// <see cref="ContainerMemory"/>, and what the pod reports (restarts, settings) reaches it by message.
/// </summary>
internal sealed class PodContext(PodSpec spec, MeshRuntime runtime, IActorRef controlPlane)
{
    private PodAddresses? _addresses;

    public PodSpec Spec { get; } = spec;
    public MeshRuntime Runtime { get; } = runtime;
    public IActorRef ControlPlane { get; } = controlPlane;
    public string PodId => Spec.PodId;
    public int ServiceIndex { get; } = runtime.Services.Of(spec.Service.Name);

    /// <summary>The app container (Nobody until the pod has started its containers).</summary>
    public IActorRef App => Addresses.App;
    /// <summary>The sidecar proxy, or Nobody when the pod runs none.</summary>
    public IActorRef Proxy => Addresses.Proxy;
    /// <summary>The log-collector sidecar, or Nobody when the pod runs none.</summary>
    public IActorRef LogCollector => Addresses.LogCollector;

    /// <summary>The pod's log buffer (its log volume), when it runs a log collector. Thread-safe.</summary>
    public LogSpool? Logs { get; } = spec.Service.LogCollector is { } logs ? new LogSpool(logs.BufferSize) : null;

    /// <summary>The pod's request counters, written by the one container that answers its requests.</summary>
    public PodRequestStats Stats { get; } = new();

    private PodAddresses Addresses => Volatile.Read(ref _addresses) ?? PodAddresses.None;

    /// <summary>
    /// The pod has started the containers the others send to: their addresses are fixed from now on (a
    /// restarted container keeps its address). Called once, before the pod reports ready, so before
    /// any request can reach a container.
    /// </summary>
    public void Started(PodAddresses addresses)
    {
        if (Interlocked.CompareExchange(ref _addresses, addresses, null) is not null)
            throw new InvalidOperationException($"the containers of pod {PodId} were started already");
    }
}

/// <summary>Where a pod's containers receive messages.</summary>
internal sealed record PodAddresses(IActorRef App, IActorRef Proxy, IActorRef LogCollector)
{
    public static readonly PodAddresses None = new(ActorRefs.Nobody, ActorRefs.Nobody, ActorRefs.Nobody);
}

/// <summary>
/// The requests one pod received and the errors among them. One writer: the container that answers
/// the pod's requests (its proxy, or its app when it runs none), on the hot path, so a plain increment
/// and no interlocked operation; the pod reads them with <see cref="Volatile"/> (as the telemetry
/// shards are read).
/// </summary>
internal sealed class PodRequestStats
{
    /// <summary>Requests the instance received.</summary>
    public long Requests;
    /// <summary>Of those, answered with an error.</summary>
    public long Errors;
}
