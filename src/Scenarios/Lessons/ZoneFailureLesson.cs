namespace ActorMesh.Scenarios.Lessons;

/// <summary>
/// The <c>zone-failure</c> lesson: three zones with locality-aware load balancing, and a network fault
/// (the file's first timeline <c>networkFault</c> with an <c>until</c>) that cuts one zone's pods off for a
/// while. Three runs:
/// <list type="number">
/// <item><description><b>the scenario</b> as written: calls stay in their zone, fail over, and come back. Its report is the one
/// returned, with the figures;</description></item>
/// <item><description><b>no fault</b>: the timeline's network faults left out, to measure the in-zone latency;</description></item>
/// <item><description><b>failed over</b>: the fault held for the whole run (its warm-up absorbs the failover), to measure what a
/// failed-over call costs.</description></item>
/// </list>
/// The extra runs are at most 5 s long.
/// </summary>
/// <remarks>
/// Figures, from the first run's per-second cross-zone share of calls to the faulted service (<c>zones.services</c>;
/// seconds since the load started): <c>crossZoneShareBefore</c> (the seconds after the warm-up, before the fault),
/// <c>crossZoneShareDuring</c> (the fault's seconds), <c>crossZoneShareAfter</c> (from the first second after the fault
/// with a share under 50 %, to the end), <c>returnSeconds</c> (from the fault's end to that second), <c>failoverSeconds</c>
/// (how long calls kept going to the failed zone: Σ (1 − share) over the seconds from the fault until the share reaches
/// 95 %), <c>okRateDuringFailure</c> (the client's ok rate over the fault's seconds), <c>addedLatencyDuringFailoverMs</c>
/// (mean latency failed over minus with no fault), and a <c>takeaway</c>.
/// </remarks>
/// <param name="runPhase">Runs one phase (default: <see cref="MeshRunner.RunAsync"/>).</param>
internal sealed class ZoneFailureLesson(Func<MeshTopology, RunOptions, CancellationToken, Task<RunReport>>? runPhase = null) : IScenarioLesson
{
    private static readonly TimeSpan ExtraRunDuration = TimeSpan.FromSeconds(5);

    private readonly Func<MeshTopology, RunOptions, CancellationToken, Task<RunReport>> _runPhase =
        runPhase ?? ((topology, options, cancellation) => MeshRunner.RunAsync(topology, options, cancellation));

    /// <inheritdoc />
    public async Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation)
    {
        var report = await _runPhase(topology, options, cancellation);
        var effective = options.Apply(topology);
        if (FaultOf(effective) is not { } fault || cancellation.IsCancellationRequested) return report with { Figures = Figures(effective, report, null, null) };
        var withoutFault = await _runPhase(WithoutFault(topology), options, cancellation);
        if (cancellation.IsCancellationRequested) return report;
        var failedOver = await _runPhase(FailedOver(topology, fault), options, cancellation);
        return report with { Figures = Figures(effective, report, withoutFault, failedOver) };
    }

    /// <summary>The fault the lesson watches: the first timeline network fault that ends.</summary>
    public static (TimeSpan At, NetworkFault Fault)? FaultOf(MeshTopology topology)
    {
        foreach (var e in topology.Timeline)
            if (e.Event is NetworkFaultEvent { Fault.Until: not null } f) return (e.At, f.Fault);
        return null;
    }

    /// <summary>The topology with no network fault on its timeline, and at most 5 s of load.</summary>
    public static MeshTopology WithoutFault(MeshTopology topology) => Short(topology with
    {
        Timeline = [.. topology.Timeline.Where(e => e.Event is not NetworkFaultEvent)],
    });

    /// <summary>The topology with <paramref name="fault"/> held for the whole run, and at most 5 s of load.</summary>
    public static MeshTopology FailedOver(MeshTopology topology, (TimeSpan At, NetworkFault Fault) fault)
    {
        var without = WithoutFault(topology);
        return without with { Network = without.Network with { Faults = without.Network.Faults.Add(fault.Fault with { Until = null }) } };
    }

    private static MeshTopology Short(MeshTopology topology) =>
        topology.Load.Duration <= ExtraRunDuration ? topology : topology with { Load = topology.Load with { Duration = ExtraRunDuration } };

    /// <summary>The lesson's figures from the scenario's report and, when run, the two extra runs'.</summary>
    public static JsonObject Figures(MeshTopology topology, RunReport report, RunReport? withoutFault, RunReport? failedOver)
    {
        var figures = new JsonObject();
        if (FaultOf(topology) is not ({ } at, { } fault)) return figures;
        var from = at.TotalSeconds;
        var until = fault.Until!.Value.TotalSeconds;
        var warmup = topology.Load.Warmup.TotalSeconds;
        var service = ServiceOf(report, fault);
        figures["service"] = service;
        var shares = service is not null ? report.Zones.Services[service].PerSecond : [];
        double? Share(Func<int, bool> second)
        {
            var picked = shares.Where((_, s) => second(s)).ToList();
            return picked.Count == 0 ? null : Math.Round(picked.Average(), 4);
        }
        figures["crossZoneShareBefore"] = Share(s => s >= Math.Ceiling(warmup) && s + 1 <= from);
        figures["crossZoneShareDuring"] = Share(s => s >= from && s + 1 <= until);
        var back = -1;
        for (var s = (int)Math.Ceiling(until); s < shares.Count && back < 0; s++) if (shares[s] < 0.5) back = s;
        if (back >= 0)
        {
            figures["crossZoneShareAfter"] = Share(s => s >= back);
            figures["returnSeconds"] = Math.Round(back - until, 3);
        }
        var failover = 0.0;
        for (var s = (int)Math.Floor(from); s < shares.Count && s < until; s++)
        {
            failover += 1 - shares[s];
            if (shares[s] >= 0.95) break;
        }
        figures["failoverSeconds"] = Math.Round(failover, 3);
        figures["okRateDuringFailure"] = report.Timeline.Where(t => t.Second + warmup >= from && t.Second + warmup + 1 <= until).OkRate5();
        if (withoutFault is not null && failedOver is not null && withoutFault.LatencyMs.Count > 0 && failedOver.LatencyMs.Count > 0)
        {
            figures["meanLatencyInZoneMs"] = withoutFault.LatencyMs.Mean;
            figures["meanLatencyFailedOverMs"] = failedOver.LatencyMs.Mean;
            figures["addedLatencyDuringFailoverMs"] = Math.Round(failedOver.LatencyMs.Mean - withoutFault.LatencyMs.Mean, 3);
        }
        if (figures["crossZoneShareDuring"] is { } during && figures["okRateDuringFailure"] is { } ok)
            figures["takeaway"] = $"with {fault.Describe()} for {until - from:0.#} s, {(double)during:P0} of the calls to {service} crossed zones " +
                $"(before: {(double?)figures["crossZoneShareBefore"] ?? 0:P0}); locality failover kept {(double)ok:P2} of requests ok, " +
                $"and the calls came back to their zone {(double?)figures["returnSeconds"] ?? double.NaN:0.#} s after the fault healed";
        return figures;
    }

    /// <summary>The service whose shares the figures follow: the one the fault names, else the one that crossed zones most.</summary>
    private static string? ServiceOf(RunReport report, NetworkFault fault)
    {
        foreach (var name in new[] { fault.To, fault.From })
            if (report.Zones.Services.ContainsKey(name)) return name;
        return report.Zones.Services.OrderByDescending(s => s.Value.CrossZoneAttempts).Select(s => s.Key).FirstOrDefault();
    }
}
