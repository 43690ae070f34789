namespace ActorMesh.Scenarios.Lessons;

/// <summary>
/// The <c>mesh</c> lesson: what a service mesh buys and what it costs, measured on the same traffic
/// over the same faulty backend, three times:
/// <list type="number">
/// <item><description><b>without the mesh</b>: no sidecars, and no policies at the gateway either — apps call each other with
/// plain clients (one try, no timeout, round robin);</description></item>
/// <item><description><b>sidecars only</b>: the topology's sidecars, every feature off (the same plain behaviour), to
/// measure what the sidecar hops alone add to latency;</description></item>
/// <item><description><b>with the mesh</b>: the topology as written (retries, timeouts, circuit breaking, mTLS and
/// authorization). Its report is the one returned, with the lesson's figures.</description></item>
/// </list>
/// Figures: <c>okRateWithoutMesh</c>, <c>okRateWithMesh</c>, <c>addedLatencyPerHopMs</c> (p50 of ok requests with
/// sidecars only minus without, divided by <c>sidecarHopsPerRequest</c>, the sidecars a request passes on its way
/// in), <c>deniedPlaintext</c>, and the latencies they come from.
/// </summary>
/// <param name="runPhase">Runs one phase (default: <see cref="MeshRunner.RunAsync"/>, real time in its own ActorSystem).</param>
public sealed class MeshLesson(Func<MeshTopology, RunOptions, CancellationToken, Task<RunReport>>? runPhase = null) : IScenarioLesson
{
    private readonly Func<MeshTopology, RunOptions, CancellationToken, Task<RunReport>> _runPhase =
        runPhase ?? ((topology, options, cancellation) => MeshRunner.RunAsync(topology, options, cancellation));

    /// <inheritdoc />
    public async Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation)
    {
        options.PhaseStarted?.Invoke(new LessonPhase(1, 3, "without the mesh"));
        var without = await _runPhase(WithoutMesh(topology), options, cancellation);
        if (cancellation.IsCancellationRequested) return without;
        options.PhaseStarted?.Invoke(new LessonPhase(2, 3, "sidecars only"));
        var sidecarsOnly = await _runPhase(SidecarsOnly(topology), options, cancellation);
        if (cancellation.IsCancellationRequested) return sidecarsOnly;
        options.PhaseStarted?.Invoke(new LessonPhase(3, 3, "with the mesh"));
        var with = await _runPhase(topology, options, cancellation);

        var hops = SidecarHopsPerRequest(SidecarsOnly(topology));
        var figures = new JsonObject
        {
            ["okRateWithoutMesh"] = OkRate(without),
            ["okRateWithMesh"] = OkRate(with),
            ["addedLatencyPerHopMs"] = hops > 0 ? Math.Round((sidecarsOnly.LatencyMs.P50 - without.LatencyMs.P50) / hops, 3) : null,
            ["deniedPlaintext"] = with.Security[ServiceCounter.DeniedPlaintext],
            ["sidecarHopsPerRequest"] = Math.Round(hops, 2),
            ["p50WithoutMeshMs"] = without.LatencyMs.P50,
            ["p50SidecarsOnlyMs"] = sidecarsOnly.LatencyMs.P50,
            ["p99WithoutMeshMs"] = without.LatencyMs.P99,
            ["p99WithMeshMs"] = with.LatencyMs.P99,
        };
        return with with { Figures = figures };
    }

    /// <summary>No sidecars anywhere and plain calls at the gateway too; nothing enforces security.</summary>
    public static MeshTopology WithoutMesh(MeshTopology topology)
    {
        var plain = Plain(topology);
        return plain with
        {
            Services = [.. plain.Services.Select(s => s with { Sidecar = false })],
            Mesh = plain.Mesh with { Sidecars = false },
        };
    }

    /// <summary>The topology's sidecars with every feature off: plain calls, permissive mTLS, no authorization.</summary>
    public static MeshTopology SidecarsOnly(MeshTopology topology) => Plain(topology);

    private static MeshTopology Plain(MeshTopology topology) => topology with
    {
        Mesh = topology.Mesh with
        {
            Defaults = TrafficPolicy.PlainClient,
            Destinations = ImmutableDictionary<string, TrafficPolicy>.Empty,
            Security = new SecuritySpec(),
        },
    };

    private static double OkRate(RunReport r) => r.Requests.Sent == 0 ? 0 : Math.Round((double)r.Requests.Ok / r.Requests.Sent, 4);

    /// <summary>
    /// Sidecars a request passes on its way in, averaged over the load's request mix: each service with a
    /// sidecar counts once inbound and once per call it makes (outbound). Calls count by their probability;
    /// of a parallel step, the longest branch counts (the one the latency waits for). The gateway is no sidecar.
    /// </summary>
    public static double SidecarHopsPerRequest(MeshTopology topology)
    {
        var gateway = topology.EntryGateway;
        var mix = topology.Load.Requests.IsEmpty ? [new RequestMix(gateway.Routes[0].Prefix)] : topology.Load.Requests;
        double total = 0, weights = 0;
        foreach (var request in mix)
        {
            var route = gateway.Routes.Where(r => request.Path.StartsWith(r.Prefix, StringComparison.Ordinal)).MaxBy(r => r.Prefix.Length);
            weights += request.Weight;
            if (route is not null) total += request.Weight * Hops(topology, route.Service, depth: 0);
        }
        return weights > 0 ? total / weights : 0;
    }

    private static double Hops(MeshTopology topology, string service, int depth)
    {
        if (topology.Service(service) is not { } spec || depth > topology.Services.Length) return 0;
        var own = topology.Mesh.HasSidecar(spec) ? 1 : 0;
        double hops = own;
        foreach (var step in spec.Script)
        {
            hops += step switch
            {
                CallStep c => c.Call.Probability * (own + Hops(topology, c.Call.Service, depth + 1)),
                ParallelStep { Calls.IsEmpty: false } p => p.Calls.Max(c => c.Probability * (own + Hops(topology, c.Service, depth + 1))),
                _ => 0,
            };
        }
        return hops;
    }
}
