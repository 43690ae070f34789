using ActorMesh.Load;
using ActorMesh.Telemetry;
using Xunit.Sdk;

namespace ActorMesh.TestKit;

/// <summary>
/// Assertions on a run that read as the claim and fail with the numbers, e.g.
/// <c>expected ok ≥ 99 % of 2,000, got 97.2 % (56 not ok: 41 × 503, 15 timed out; errors answered by payments-0 41)</c>.
/// Each returns what it checked, so that claims chain.
/// <code>
/// report.ShouldBeOk(atLeastPercent: 99).ShouldHaveP99Below(TimeSpan.FromMilliseconds(50));
/// </code>
/// </summary>
public static class ReportAssertions
{
    /// <summary>
    /// At least <paramref name="atLeastPercent"/> % of the requests sent in the measured window ended ok
    /// (default: every one). The report's failures are counted by status, timeout and rejection reason.
    /// </summary>
    public static RunReport ShouldBeOk(this RunReport report, double atLeastPercent = 100)
    {
        Ok(Outcomes.Of(report), atLeastPercent);
        return report;
    }

    /// <summary>At least <paramref name="atLeastPercent"/> % of the requests the client sent in the measured window ended ok (default: every one).</summary>
    public static LoadResult ShouldBeOk(this LoadResult load, double atLeastPercent = 100)
    {
        Ok(Outcomes.Of(load), atLeastPercent);
        return load;
    }

    /// <summary>At most <paramref name="atMostPercent"/> % of the requests sent in the measured window ended ok: for claims that a fault shows.</summary>
    public static RunReport ShouldFailMoreThan(this RunReport report, double atMostPercent)
    {
        var outcomes = Outcomes.Of(report);
        if (outcomes.Sent == 0 || outcomes.OkPercent > atMostPercent)
            throw new XunitException($"expected ok ≤ {Outcomes.Percent(atMostPercent)} of {Outcomes.Count(outcomes.Sent)}, got {Outcomes.Percent(outcomes.OkPercent)} ({outcomes.NotOkDescription()})");
        return report;
    }

    /// <summary>The 99th percentile of the client's latency (measured window) is below <paramref name="limit"/>.</summary>
    public static RunReport ShouldHaveP99Below(this RunReport report, TimeSpan limit)
    {
        if (report.LatencyMs.P99 >= limit.TotalMilliseconds)
            throw new XunitException($"expected p99 < {Ms(limit.TotalMilliseconds)}, got {Ms(report.LatencyMs.P99)} (p50 {Ms(report.LatencyMs.P50)}, max {Ms(report.LatencyMs.Max)}, {Outcomes.Count(report.LatencyMs.Count)} requests)");
        return report;
    }

    /// <summary>Every request is accounted for: sent = ok + failed + timed out + rejected + in flight.</summary>
    public static RunReport ShouldAddUp(this RunReport report)
    {
        if (!report.Outcomes.AddsUp)
        {
            var r = report.Requests;
            throw new XunitException($"expected every request accounted for, got {Outcomes.Count(r.Sent)} sent ≠ {Outcomes.Count(r.Ok)} ok + {Outcomes.Count(r.Failed)} failed + " +
                $"{Outcomes.Count(r.TimedOut)} timed out + {Outcomes.Count(r.Rejected)} rejected + {Outcomes.Count(r.InFlight)} in flight");
        }
        return report;
    }

    /// <summary>No app container restarted (in any instance of any service).</summary>
    public static RunReport ShouldHaveNoAppRestarts(this RunReport report)
    {
        var restarted = new List<string>();
        foreach (var service in report.Services.Values)
            foreach (var (pod, instance) in service.PerInstance)
                if (instance.AppRestarts > 0) restarted.Add($"{pod} {instance.AppRestarts}×");
        if (restarted.Count > 0) throw new XunitException($"expected no app restarts, got {restarted.Count}: {string.Join(", ", restarted)}");
        return report;
    }

    /// <summary>One line on how the requests ended, for <c>Out.WriteLine</c>: <c>2,000 sent, 1,944 ok (97.2 %); 56 not ok: …</c>.</summary>
    public static string Summary(this RunReport report) =>
        $"{Outcomes.Of(report)}; p50 {Ms(report.LatencyMs.P50)}, p99 {Ms(report.LatencyMs.P99)}";

    /// <summary>One line on how the client's requests ended (measured window).</summary>
    public static string Summary(this LoadResult load) => Outcomes.Of(load).ToString();

    private static void Ok(Outcomes outcomes, double atLeastPercent)
    {
        if (atLeastPercent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(atLeastPercent), atLeastPercent, "a percentage, 0 to 100");
        if (outcomes.Sent == 0) throw new XunitException($"expected ok ≥ {Outcomes.Percent(atLeastPercent)}, but no request was sent");
        var ok = atLeastPercent >= 100 ? outcomes.Ok == outcomes.Sent : outcomes.OkPercent >= atLeastPercent;
        if (!ok)
            throw new XunitException($"expected ok ≥ {Outcomes.Percent(atLeastPercent)} of {Outcomes.Count(outcomes.Sent)}, got {Outcomes.Percent(outcomes.OkPercent)} ({outcomes.NotOkDescription()})");
    }

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "0.##" : "0.#", Outcomes.Culture) + " ms";
}
