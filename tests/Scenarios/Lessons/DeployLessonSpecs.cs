using ActorMesh.Scenarios.Catalog;
using ActorMesh.Scenarios.Lessons;
using ActorMesh.Time;

namespace ActorMesh.Tests.Scenarios.Lessons;

/// <summary>The built-in <c>deploy</c> scenario, run in virtual time with its own file.</summary>
public class DeployLessonSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology BuiltIn()
    {
        var loaded = ScenarioCatalog.Find("deploy")!.Load();
        Assert.True(loaded.Ok, string.Join(Environment.NewLine, loaded.Problems));
        return loaded.Topology!;
    }

    private (MeshTopology Topology, RunReport Report, double LoadStartMs) Run()
    {
        var topology = BuiltIn();
        var mesh = StartMesh(topology);
        var loadStartMs = MeshClock.ToMilliseconds(Clock.Now);
        var report = Await(mesh.ReportAsync(RunLoad(mesh)));
        return (topology, report, loadStartMs);
    }

    [Fact]
    public void A_failing_payments_change_rolls_back_the_whole_monolith_but_only_payments_among_the_microservices()
    {
        var (topology, report, _) = Run();
        var f = DeployLesson.Figures(topology, report);
        Out.WriteLine(f.ToJsonString());

        var modules = topology.Service("monolith")!.Modules.Length;
        var rounds = topology.Timeline.Count(e => e.Event is DeployEvent { Service: "monolith" });
        // Every deploy event became one deployment that finished within the run.
        Assert.Equal(topology.Timeline.Count(e => e.Event is DeployEvent), report.ControlPlane.Deployments.Count);
        // The monolith is all or nothing: the failing round ships none of its five changes.
        Assert.Equal((rounds - 1) * modules, (int)f["monolithShipped"]!);
        Assert.Equal(modules, (double)f["monolithBlastRadius"]!);
        // Microservices ship every change but the failing one.
        Assert.Equal(rounds * modules - 1, (int)f["microservicesShipped"]!);
        Assert.Equal(1.0, (double)f["microservicesBlastRadius"]!);
        Assert.True((int)f["microservicesShipped"]! > (int)f["monolithShipped"]!);
        Assert.Equal(["monolith v3: orders, users, payments, notifications, recommendations", "payments v3: payments"],
            f["rolledBack"]!.AsArray().Select(v => (string)v!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Rolling_deploys_cost_no_request_even_when_a_version_fails_its_health_check()
    {
        var (topology, report, _) = Run();
        var f = DeployLesson.Figures(topology, report);

        Assert.Equal(1.0, (double)f["okRateDuringDeploy"]!);
        // The rounds keep a deployment in progress for most of the measured window.
        Assert.InRange((int)f["deploySeconds"]!, report.Timeline.Count - 3, report.Timeline.Count);
        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.True(report.Outcomes.AddsUp);
        Assert.All(report.Services.Values, s => Assert.Equal(2, s.Instances));
    }

    [Fact]
    public void Deployments_are_placed_on_the_timeline_from_the_deploy_events_that_started_them()
    {
        var (topology, report, loadStartMs) = Run();

        // In virtual time the control plane starts a rollout the instant the host applies its event.
        Assert.Equal(loadStartMs, DeployLesson.LoadStartMs(topology, report)!.Value, precision: 0);
        // Round 1 starts at 1 s, which is where the measured window (after a 1 s warm-up) begins: second 0 is covered.
        var seconds = DeployLesson.DeploySeconds(topology, report)!;
        Assert.Contains(0, seconds);
        // Between round 1 (monolith: 2 pods × (1 s grace + 1 s start-up), until ~5 s) and round 2 (at 6 s) nothing deploys.
        Assert.DoesNotContain(4, seconds);
    }
}
