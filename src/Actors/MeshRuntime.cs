using ActorMesh.DataPlane.Network;
using ActorMesh.Randomness;
using ActorMesh.Telemetry;
using ActorMesh.Time;

namespace ActorMesh;

/// <summary>
/// The per-run services every actor of a node shares: the one clock (and delay service), the one
/// seeded random source, the network, and telemetry. Passed to actors when they are created.
/// </summary>
public sealed class MeshRuntime : IDisposable
{
    /// <summary>Creates a runtime on <paramref name="clock"/> with <paramref name="seed"/>.</summary>
    public MeshRuntime(MeshClock clock, long seed, string node = "node-1")
    {
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

    /// <summary>Dense indices of services and gateways for telemetry.</summary>
    public ServiceIndex Services { get; } = new([]);

    /// <summary>Name of the node this runtime serves.</summary>
    public string Node { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Clock.Dispose();
        Telemetry.Dispose();
    }
}
