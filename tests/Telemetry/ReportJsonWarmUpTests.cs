namespace ActorMesh.Tests.Telemetry;

/// <summary>
/// The console prepares the report's JSON metadata on another core while a run goes on
/// (<see cref="RunReport.WarmUpJson"/>), so that writing the report at the end is cheap.
/// </summary>
public class ReportJsonWarmUpTests
{
    [Fact]
    public void The_warm_up_reaches_the_deepest_sections_of_a_report()
    {
        var prepared = RunReport.WarmUpJson();

        Assert.Contains(typeof(RunReport), prepared);
        Assert.Contains(typeof(EdgeReport), prepared);                            // callGraph.edges[]
        Assert.Contains(typeof(ActorMesh.ControlPlane.PodMoveRecord), prepared);  // cluster.rebalance[].moves[]
        Assert.Contains(typeof(LatencySummary), prepared);
    }
}
