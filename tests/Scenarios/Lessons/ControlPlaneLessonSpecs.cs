using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Lessons;
using ActorMesh.Tests.Support;
using Xunit.Abstractions;

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
    }
}
