namespace ActorMesh.Tests.Experiments;

/// <summary>
/// Experiments on data ownership: each service owns its stores, and the emulator reports, from the
/// traffic alone, any service that touches a store it does not own.
/// </summary>
public class OwnershipExperiments(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    /// <summary>Orders owns orders.db; billing needs an order's total to invoice it and gets it as <paramref name="billing"/> says.</summary>
    private static TopologyBuilder Shop(Action<ServiceBuilder> billing) =>
        MeshTopology.Create("shop")
            .Gateway("edge", g => g.Route("/orders", "orders").Route("/invoices", "billing"))
            .Service("orders", s => s.Replicas(2).Stores("orders.db").Read("orders.db"))
            .Service("billing", s => billing(s.Replicas(2).Stores("billing.db")))
            .Latency(Distribution.Constant(0.5))
            .Load(l => l with
            {
                Rps = 200, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1),
                Requests = [new RequestMix("/orders/42"), new RequestMix("/invoices/42")],
            });

    [Fact]
    public void Reading_another_services_store_is_reported_as_an_ownership_violation()
    {
        // Billing reads the orders table directly instead of asking orders.
        var mesh = StartMesh(Shop(billing => billing.Read("orders.db").Write("billing.db")).Build());

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        var violation = Assert.Single(report.CallGraph.OwnershipViolations);
        Assert.Equal(("billing", "orders.db", "orders"), (violation.Service, violation.Store, violation.Owner));
        // Every request billing served read the foreign store once, and wrote nothing to it.
        Assert.Equal(report.Services["billing"][ServiceCounter.Requests], violation.Reads);
        Assert.Equal(0, violation.Writes);
        // Nothing in the call graph shows the dependency: billing never calls orders.
        Assert.DoesNotContain(report.CallGraph.Edges, e => e.From == "billing");
    }

    [Fact]
    public void Asking_the_owner_instead_is_no_violation_but_a_call_in_the_graph()
    {
        // The same need, met through orders' API: the dependency is now a visible edge.
        var mesh = StartMesh(Shop(billing => billing.Call("orders").Write("billing.db")).Build());

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.Empty(report.CallGraph.OwnershipViolations);
        var edge = Assert.Single(report.CallGraph.Edges, e => e.From == "billing");
        Assert.Equal("orders", edge.To);
        Assert.Equal(report.Services["billing"][ServiceCounter.Requests], edge.Calls);
    }
}
