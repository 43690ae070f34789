using ActorMesh.DataPlane.Pod;

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
    /// The endpoint's answer to a request from <paramref name="caller"/> that arrived at <paramref name="arrived"/>:
    /// counts it in the pod's <paramref name="stats"/> and the service's telemetry <paramref name="t"/> (answer,
    /// latency), then sends the response back over the network from mesh time <paramref name="now"/> (<see cref="Respond"/>).
    /// </summary>
    public void Answer(PodRequestStats stats, ServiceTelemetry t, in LinkEnd caller, IActorRef replyTo, MeshRandom random, long correlationId,
        int status, ResponseFlags flags, int bytes, ulong visited, long arrived, long now, int retries, IActorRef sender)
    {
        t.CountAnswer(status, flags);
        stats.Requests++;
        if (!StatusCodes.IsSuccess(status)) stats.Errors++;
        t.RecordLatency(now - arrived);
        Respond(caller, replyTo, random, correlationId, status, flags, bytes, visited, now, retries, t, sender);
    }

    /// <summary>
    /// Sends a response of <paramref name="bytes"/> to <paramref name="caller"/> from mesh time <paramref name="now"/>:
    /// it takes the hop's latency back and passes the network's faults (counted in <paramref name="t"/>), and
    /// carries the time it is due.
    /// </summary>
    public void Respond(in LinkEnd caller, IActorRef replyTo, MeshRandom random, long correlationId, int status, ResponseFlags flags, int bytes,
        ulong visited, long now, int retries, ServiceTelemetry t, IActorRef sender)
    {
        var due = network.ResponseDue(now, LatencyTo(caller), random, self, caller, bytes, t, out var fate);
        network.DeliverResponse(fate, due, replyTo, new MeshResponse(correlationId, status, flags, bytes, visited, now, retries, due), sender);
    }

    /// <summary>The one-way latency to <paramref name="caller"/>; the mesh's default hop before any config.</summary>
    private Distribution LatencyTo(in LinkEnd caller)
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
