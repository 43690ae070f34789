using System.Text.Json.Serialization;
using ActorMesh.DataPlane;

namespace ActorMesh.Telemetry;

/// <summary>
/// Calls along one edge. Between workloads, the figures after <paramref name="MeanMs"/> are the edge's
/// own (Istio's <c>reporter="source"</c> view: the caller's sidecar or gateway), all from its
/// <see cref="EdgeTraffic"/>; absent for module calls.
/// </summary>
/// <param name="From">The caller (a service, a gateway, or for modules a module).</param>
/// <param name="To">The callee.</param>
/// <param name="Calls">Calls over the whole run.</param>
/// <param name="PerRequest">Calls per client request sent.</param>
/// <param name="MeanMs">For calls between workloads: their mean duration as the caller's sidecar (or gateway) saw it, retries included; absent for module calls.</param>
public sealed record EdgeReport(string From, string To, long Calls, double PerRequest,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? MeanMs = null)
{
    /// <summary>Calls that ended with an outcome (cancelled ones are not), over the whole run.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Requests { get; init; }
    /// <summary>Those per second of the whole run (warm-up included).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Rps { get; init; }
    /// <summary>Of them, answered 2xx.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Ok { get; init; }
    /// <summary>Of them, not 2xx (an error answer, a local failure, a timeout).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Errors { get; init; }
    /// <summary>errors ÷ requests (0 without requests).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? ErrorRate { get; init; }
    /// <summary>Median duration as the caller saw it, retries included (within 3.2 %).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? P50Ms { get; init; }
    /// <summary>99th percentile of the same.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? P99Ms { get; init; }
    /// <summary>Retries the caller made on this edge.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Retries { get; init; }
    /// <summary>True when every request went over mutual TLS (the caller in the mesh, the callee's sidecar not set to disable it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? Mtls { get; init; }
    /// <summary>Times the caller's circuit breaker for the callee opened.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? CircuitOpened { get; init; }

    /// <summary>The report of <paramref name="e"/>, from <paramref name="from"/> to <paramref name="to"/>, over <paramref name="clientRequests"/> requests sent and <paramref name="seconds"/> of run.</summary>
    internal static EdgeReport Of(string from, string to, EdgeTraffic e, long clientRequests, double seconds)
    {
        long requests = 0, ok = 0, mtls = 0, sumTicks = 0;
        foreach (var (status, _, secure, cell) in e.Source.All())
        {
            requests += cell.Count;
            if (StatusCodes.IsSuccess(status)) ok += cell.Count;
            if (secure) mtls += cell.Count;
            sumTicks += cell.SumTicks;
        }
        return new EdgeReport(from, to, e.Calls, Math.Round((double)e.Calls / Math.Max(1, clientRequests), 4),
            requests == 0 ? null : Math.Round(MeshClock.ToMilliseconds(sumTicks) / requests, 4))
        {
            Requests = requests,
            Rps = Math.Round(requests / Math.Max(seconds, 1e-9), 2),
            Ok = ok,
            Errors = requests - ok,
            ErrorRate = requests == 0 ? 0 : Math.Round((double)(requests - ok) / requests, 4),
            P50Ms = Math.Round(EdgeDurations.QuantileMs(e.Latency, 0.5), 3),
            P99Ms = Math.Round(EdgeDurations.QuantileMs(e.Latency, 0.99), 3),
            Retries = e.Retries,
            Mtls = requests > 0 && mtls == requests,
            CircuitOpened = e.CircuitOpened,
        };
    }
}
