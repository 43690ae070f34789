namespace ActorMesh.DataPlane.Network;

/// <summary>
/// The way back from a pod to its callers: a response takes the hop's latency between the caller (its
/// workload and zone) and this pod, and passes the network's faults. The latency of each caller is looked
/// up once per config, not per response.
/// </summary>
internal sealed class ReturnPath(MeshNetwork network, LinkEnd self)
{
    // Made on the first response: most pods of a large mesh answer nobody for a while.
    private Dictionary<(string Source, string? Zone), Distribution>? _latency;
    private MeshTopology? _topology;

    /// <summary>Takes the topology of a config applied (latencies are looked up again).</summary>
    public void Apply(MeshTopology topology)
    {
        _topology = topology;
        _latency?.Clear();
    }

    /// <summary>
    /// When a response of <paramref name="bytes"/> sent at mesh time <paramref name="now"/> reaches the caller
    /// <paramref name="caller"/>, and its <paramref name="fate"/>; faults applied count in <paramref name="t"/>.
    /// The answer carries that due time and goes to <see cref="Deliver"/>.
    /// </summary>
    public long Due(in LinkEnd caller, MeshRandom random, long now, int bytes, ServiceTelemetry t, out HopFate fate) =>
        network.ResponseDue(now, LatencyTo(caller), random, self, caller, bytes, t, out fate);

    /// <summary>Delivers <paramref name="response"/> to <paramref name="replyTo"/> at <paramref name="due"/>, by its <paramref name="fate"/>.</summary>
    public void Deliver(HopFate fate, long due, IActorRef replyTo, MeshResponse response, IActorRef sender) =>
        network.DeliverResponse(fate, due, replyTo, response, sender);

    /// <summary>The one-way latency to <paramref name="caller"/>; the mesh's default hop before any config.</summary>
    public Distribution LatencyTo(in LinkEnd caller)
    {
        _latency ??= [];
        if (_latency.TryGetValue((caller.Workload, caller.Zone), out var d)) return d;
        d = _topology?.LatencyBetween(caller.Workload, caller.Zone, self.Workload, self.Zone) ?? NetworkSpec.DefaultLatency;
        _latency[(caller.Workload, caller.Zone)] = d;
        return d;
    }

    /// <summary>The caller of <paramref name="request"/> as the network sees it.</summary>
    public static LinkEnd CallerOf(MeshRequest request) => new(request.Source, request.SourceZone, request.SourcePod);
}
