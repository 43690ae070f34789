namespace ActorMesh.Tests.Experiments;

/// <summary>
/// Experiments on deploying the same five components two ways: as one artifact (a monolith whose modules
/// call each other in-process) and as five services, each deployed on its own through the control plane.
/// </summary>
public class DeployExperiments(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static readonly string[] Components = ["users", "orders", "payments", "notifications", "recommendations"];

    private static readonly Distribution StartupTime = Distribution.Constant(500);

    /// <summary>The shop both ways in one mesh, one request kind for each.</summary>
    private static TopologyBuilder Shop()
    {
        var shop = MeshTopology.Create("shop")
            .Gateway("edge", g => g.Route("/monolith", "monolith").Route("/microservices", "orders"))
            // One artifact: the components are modules.
            .Service("monolith", s => s.Replicas(2).StartupTime(StartupTime)
                .CallModule("orders")
                .Module("orders", m => m.CallModule("users").CallModule("payments").CallModule("recommendations"))
                .Module("users")
                .Module("payments", m => m.CallModule("notifications"))
                .Module("notifications")
                .Module("recommendations"))
            // Five artifacts: the same components and calls, over the network.
            .Service("orders", s => s.Replicas(2).StartupTime(StartupTime).Call("users").Call("payments").Call("recommendations"))
            .Service("users", s => s.Replicas(2).StartupTime(StartupTime))
            .Service("payments", s => s.Replicas(2).StartupTime(StartupTime).Call("notifications"))
            .Service("notifications", s => s.Replicas(2).StartupTime(StartupTime))
            .Service("recommendations", s => s.Replicas(2).StartupTime(StartupTime))
            .Latency(Distribution.Constant(0.5))
            .Load(l => l with
            {
                Rps = 100, Duration = TimeSpan.FromSeconds(9), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1),
                Requests = [new RequestMix("/monolith/checkout"), new RequestMix("/microservices/checkout")],
            });
        return shop;
    }

    [Fact]
    public void A_failing_payments_change_rolls_the_whole_monolith_deploy_back_but_only_payments_in_microservices()
    {
        var shop = Shop();
        // One round: every component ships a change, and payments' fails its health check.
        // The monolith's new artifact carries all five changes, payments' too.
        shop.At(TimeSpan.FromSeconds(1), new DeployEvent("monolith", "v2", Healthy: false));
        foreach (var component in Components)
            shop.At(TimeSpan.FromSeconds(1), new DeployEvent(component, "v2", Healthy: component != "payments"));
        var mesh = StartMesh(shop.Build());

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var outcome = report.ControlPlane.Deployments.ToDictionary(d => d.Service, d => d.Outcome);
        // The monolith ships its five changes together or not at all: payments' failure takes the other four back.
        Assert.Equal("rolled back", outcome["monolith"]);
        Assert.Equal(Components.Order(), report.CallGraph.Modules["monolith"].Select(e => e.To).Distinct().Order());
        // Each microservice ships on its own: only payments goes back.
        Assert.Equal("rolled back", outcome["payments"]);
        Assert.All(Components.Where(c => c != "payments"), c => Assert.Equal("shipped", outcome[c]));
        // Both were rolling deploys: the old pods served while the new one never got ready, and no request failed.
        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.Equal(6, report.ControlPlane.Deployments.Count);
    }
}
