namespace ActorMesh.Scenarios.Lessons;

/// <summary>
/// The <c>full-flow</c> lesson: a request's whole path (client → gateway → sidecars → services →
/// downstream) while the topology's timeline injects failures: one instance turns unhealthy and the
/// mesh's retries move its calls to healthy replicas; a dependency dies, its circuit opens, it
/// recovers and the circuit closes. The circuit fails the calls to the dead dependency fast; the
/// caller's script, whose call to it is optional, degrades around them, so the outage costs no failed
/// requests, only degraded ones. One run; every figure is read from that run's report.
/// </summary>
/// <remarks>
/// Figures: <c>retries</c>, <c>circuitOpened</c>, <c>circuitClosed</c>, <c>rejectedByCircuit</c> (the
/// mesh's counters, warm-up included, as the report's <c>mesh</c> section), <c>okRate</c> (ok / sent,
/// measured window), <c>degradedRate</c> (degraded / sent, the ok answered without reviews, flag DG:
/// <c>outcomes.degraded</c>), <c>hopLatencyMs</c> (a copy of <c>tracing.hopLatencyMs</c>: p50 of each hop
/// kind's own time over the sampled requests) and <c>trace</c> (<c>tracing.sample</c>: one sampled ok
/// request's spans in call order, each with its hop, service, start, duration and status).
/// </remarks>
internal sealed class FullFlowLesson : IScenarioLesson
{
    /// <inheritdoc />
    public Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation) =>
        SingleRun.WithFigures(topology, options, cancellation, static (_, report) => Figures(report));

    /// <summary>The lesson's figures, from <paramref name="report"/>.</summary>
    public static JsonObject Figures(RunReport report)
    {
        var hops = new JsonObject();
        foreach (var (hop, ms) in report.Tracing.HopLatencyMs) hops[hop] = ms;
        var trace = new JsonArray();
        foreach (var span in report.Tracing.Sample)
            trace.Add(new JsonObject
            {
                ["hop"] = span.Hop,
                ["service"] = span.Service,
                ["startMs"] = span.StartMs,
                ["durationMs"] = span.DurationMs,
                ["status"] = span.Status,
            });
        var requests = report.Requests;
        return new JsonObject
        {
            ["retries"] = report.Mesh[ServiceCounter.Retries],
            ["circuitOpened"] = report.Mesh[ServiceCounter.CircuitOpened],
            ["circuitClosed"] = report.Mesh[ServiceCounter.CircuitClosed],
            ["rejectedByCircuit"] = report.Mesh[ServiceCounter.RejectedByCircuit],
            ["okRate"] = requests.Sent == 0 ? null : Math.Round((double)requests.Ok / requests.Sent, 4),
            ["degradedRate"] = requests.Sent == 0 ? null : Math.Round((double)report.Outcomes.Degraded / requests.Sent, 4),
            ["hopLatencyMs"] = hops,
            ["trace"] = trace,
        };
    }
}
