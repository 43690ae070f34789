using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Lessons;

namespace ActorMesh.Tests.Scenarios.Lessons;

/// <summary>The built-in control-plane scenario, run in virtual time with its own file.</summary>
public class ControlPlaneLessonSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    [Fact]
    public void The_data_plane_serves_through_the_outage_and_the_change_made_meanwhile_lands_after_the_restart()
    {
        var topology = ScenarioCatalog.Find("control-plane")!.Load().Topology!;
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));
        var figures = ControlPlaneLesson.Figures(topology, report);
        Out.WriteLine(report.ToJson());

        Assert.Equal(1.0, (double)figures["okRateBeforeOutage"]!);
        Assert.Equal(1.0, (double)figures["okRateDuringOutage"]!);
        Assert.True((bool)figures["appliedAfterRestart"]!);
        Assert.True((double)figures["convergenceMs"]! > 0);
        Assert.InRange((double)figures["downSeconds"]!, 3.9, 4.1);
        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.Equal(4, report.Services["catalog"].Instances);
        Assert.All(report.Events, e => Assert.Equal(e.Event.StartsWith("scale") ? "stored; takes effect when the control plane is back" : "applied", e.Outcome));
        // The sidecar of catalog-1 restarted at 7 s with no config (Envoy keeps none across a restart) and no control
        // plane to give it one: it refused every connection until the control plane was back at 9 s, and retries took
        // those calls to catalog-0 (connect-failure is retried), so no request failed.
        var refused = (long)figures["refusedWithoutConfig"]!;
        Assert.InRange(refused, 500, 2000); // ~2 s of catalog calls that went to catalog-1 first; none after 9 s
        Assert.Equal(refused, report.Mesh[ServiceCounter.ConnectFailures]);
        Assert.Equal(1, report.Services["catalog"].PerInstance["catalog-1"].ProxyRestarts);
    }
}
