using ActorMesh.Scenarios.Catalog;

namespace ActorMesh.Tests.Scenarios.Lessons;

/// <summary>
/// The <c>zone-failure</c> lesson, run in virtual time: calls stay in their zone, fail over to the other zones
/// while zone-a's backend is partitioned off, and come back once it heals and the ejections end.
/// </summary>
public class ZoneFailureLessonSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task Locality_keeps_calls_in_zone_fails_over_while_the_zone_is_cut_off_and_comes_back()
    {
        var scenario = ScenarioCatalog.Find("zone-failure")!;
        var load = scenario.Load();
        Assert.True(load.Ok, string.Join(Environment.NewLine, load.Problems));

        var report = await scenario.RunAsync(load.Topology!, new RunOptions { Clock = ClockMode.Virtual }, CancellationToken.None);
        var f = report.Figures;
        output.WriteLine(f.ToJsonString());

        Assert.Equal("backend", (string?)f["service"]);
        Assert.InRange((double)f["crossZoneShareBefore"]!, 0, 0.01);
        Assert.InRange((double)f["crossZoneShareDuring"]!, 0.9, 1);
        Assert.InRange((double)f["crossZoneShareAfter"]!, 0, 0.01);
        // Ejected within one connect timeout (250 ms) and a little; back at the first interval after the 6 s ejection.
        Assert.InRange((double)f["failoverSeconds"]!, 0.05, 0.6);
        Assert.InRange((double)f["returnSeconds"]!, 0, 3);
        // Connect failures are retried on the other zones' hosts: failover keeps every request ok.
        Assert.InRange((double)f["okRateDuringFailure"]!, 0.99, 1);
        // A failed-over call crosses zones twice (frontend → backend and back): 2 × (2 − 0.2) ms more.
        Assert.InRange((double)f["addedLatencyDuringFailoverMs"]!, 3.2, 4.0);
        Assert.Contains("crossed zones", (string?)f["takeaway"]);
        Assert.True(report.Network[ServiceCounter.NetworkPartitioned] > 0);
        Assert.Equal(["zone-a", "zone-b", "zone-c"], report.Zones.Names);
        Assert.All(report.Zones.Nodes.Values, node => Assert.Equal("node-1", node));
        Assert.True(report.Outcomes.AddsUp);
    }
}
