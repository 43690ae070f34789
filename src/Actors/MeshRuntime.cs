using ActorMesh.DataPlane.Network;

namespace ActorMesh;

/// <summary>
/// The per-run services every actor of a node shares: the one clock (and delay service), the one
/// seeded random source, the network, and telemetry. Passed to actors when they are created.
/// </summary>
internal sealed class MeshRuntime : IDisposable
{
    /// <summary>Creates a runtime on <paramref name="clock"/> with <paramref name="seed"/>; <paramref name="dispatcher"/> names the Akka dispatcher the mesh's actors run on (null: the default one).</summary>
    public MeshRuntime(MeshClock clock, long seed, string node = "node-1", string? dispatcher = null)
    {
        Dispatcher = dispatcher;
        Clock = clock;
        Random = new RandomSource(seed);
        Network = new MeshNetwork(clock);
        Node = node;
    }

    /// <summary>The clock and delay service.</summary>
    public MeshClock Clock { get; }

    /// <summary>The seeded random source.</summary>
    public RandomSource Random { get; }

    /// <summary>The network.</summary>
    public MeshNetwork Network { get; }

    /// <summary>Per-thread counters and histograms.</summary>
    public MeshTelemetry Telemetry { get; } = new();

    /// <summary>Spans of sampled requests.</summary>
    public TraceCollector Traces { get; } = new();

    /// <summary>The central log store that log-collector sidecars ship to. Default: one that counts what it receives.</summary>
    public CentralLogStore LogStore { get; init; } = new();
    /// <summary>Counters of every gateway, by name.</summary>
    public GatewayTelemetry Gateways { get; } = new();

    /// <summary>Dense indices of services and gateways for telemetry.</summary>
    public ServiceIndex Services { get; } = new([]);

    /// <summary>Name of the node this runtime serves.</summary>
    public string Node { get; }

    /// <summary>The Akka dispatcher the mesh's actors run on; null means the default dispatcher.</summary>
    public string? Dispatcher { get; }

    /// <summary>Puts <paramref name="props"/> on the mesh's dispatcher.</summary>
    public Akka.Actor.Props Place(Akka.Actor.Props props) => Dispatcher is null ? props : props.WithDispatcher(Dispatcher);

    /// <summary>
    /// True when the pods' actors use the compact <see cref="DataPlane.Pod.PodMailbox"/> (about 100 bytes
    /// instead of 1 KB per actor, a lock per message): set at launch for a mesh of
    /// <see cref="DataPlane.Pod.PodMailbox.FromPods"/> pods or more. Default false.
    /// </summary>
    public bool CompactMailboxes
    {
        get => _compactMailboxes;
        set
        {
            _compactMailboxes = value;
            _podDeploy = null;
        }
    }

    private bool _compactMailboxes;
    private Akka.Actor.Deploy? _podDeploy;

    /// <summary>
    /// The Props of a pod or of one of its containers, made by <paramref name="factory"/> (again on each
    /// restart), on the mesh's dispatcher, with the pods' mailbox. Every pod shares one deployment and
    /// no reflection runs per actor (see <see cref="DataPlane.Pod.FactoryProps{TActor}"/>).
    /// </summary>
    public Akka.Actor.Props PodProps<TActor>(Func<TActor> factory) where TActor : Akka.Actor.ActorBase =>
        new DataPlane.Pod.FactoryProps<TActor>(_podDeploy ??= PodDeploy(), factory);

    private Akka.Actor.Deploy PodDeploy()
    {
        var deploy = Akka.Actor.Props.Empty.Deploy;
        if (Dispatcher is not null) deploy = deploy.WithDispatcher(Dispatcher);
        return CompactMailboxes ? deploy.WithMailbox(DataPlane.Pod.PodMailbox.Path) : deploy;
    }

    private int _podsStarted;

    /// <summary>Pods started in this runtime so far (a restarted pod counts again): start-up progress, read from any thread.</summary>
    public int PodsStarted => Volatile.Read(ref _podsStarted);

    /// <summary>Counts a pod started (once per pod start, never per request).</summary>
    internal void PodStarted() => Interlocked.Increment(ref _podsStarted);

    /// <summary>False when the clock is shared with other runtimes (the nodes of an in-process cluster) and outlives this one.</summary>
    public bool OwnsClock { get; init; } = true;

    /// <inheritdoc />
    public void Dispose()
    {
        Network.CrossNode?.Dispose();
        if (OwnsClock) Clock.Dispose();
        Telemetry.Dispose();
        Traces.Dispose();
        LogStore.Dispose();
    }
}
