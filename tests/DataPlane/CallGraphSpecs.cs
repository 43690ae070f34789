namespace ActorMesh.Tests.DataPlane;

/// <summary>What the traffic reveals about an architecture: chatty pairs, data ownership, partial failures, modules.</summary>
public class CallGraphSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static LoadProfile Load => new() { Rps = 200, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) };

    [Fact]
    public void Services_always_called_together_show_a_share_of_one_and_occasional_partners_their_probability()
    {
        var topology = MeshTopology.Create("split")
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.Call("user-basic").Call("user-preferences").Call("catalog", probability: 0.3))
            .Service("user-basic").Service("user-preferences").Service("catalog")
            .Load(_ => Load)
            .Build();
        var mesh = StartMesh(topology);

        var graph = Await(mesh.ReportAsync(RunLoad(mesh))).CallGraph;

        Assert.Equal(400, graph.Requests);
        var users = Assert.Single(graph.Together, p => (p.A, p.B) is ("user-basic", "user-preferences") or ("user-preferences", "user-basic"));
        Assert.Equal(1.0, users.Share);
        var catalog = Assert.Single(graph.Together, p => p.A is "catalog" && p.B is "frontend" || p.A is "frontend" && p.B is "catalog");
        Assert.InRange(catalog.Share, 0.22, 0.38);
        var edge = Assert.Single(graph.Edges, e => e.From == "frontend" && e.To == "user-basic");
        Assert.Equal(1.0, edge.PerRequest);
    }

    [Fact]
    public void Reading_another_services_store_is_reported_as_an_ownership_violation()
    {
        var topology = MeshTopology.Create("ownership")
            .Gateway("edge", g => g.Route("/", "reports"))
            .Service("reports", s => s.Read("orders.db").Call("orders"))
            .Service("orders", s => s.Stores("orders.db").Write("orders.db"))
            .Load(_ => Load)
            .Build();
        var mesh = StartMesh(topology);

        var graph = Await(mesh.ReportAsync(RunLoad(mesh))).CallGraph;

        var violation = Assert.Single(graph.OwnershipViolations);
        Assert.Equal(("reports", "orders.db", "orders", 400L, 0L), (violation.Service, violation.Store, violation.Owner, violation.Reads, violation.Writes));
    }

    [Fact]
    public void A_failure_after_another_service_committed_its_write_is_a_partial_failure()
    {
        var topology = MeshTopology.Create("saga")
            .Gateway("edge", g => g.Route("/", "checkout"))
            .Service("checkout", s => s.Call("payments").Call("shipping"))
            .Service("payments", s => s.Stores("payments.db").Write("payments.db"))
            .Service("shipping", s => s.Errors(0.25, 503))
            .Policy("shipping", p => p with { Retries = ActorMesh.DataPlane.Resilience.Retry.RetryOptions.Disabled })
            .Load(_ => Load)
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.True(report.Requests.Failed > 60);
        Assert.Equal(report.Requests.Failed, report.CallGraph.PartialFailures);
    }

    [Fact]
    public void Partial_failures_are_attributed_to_the_kind_of_request_that_had_them()
    {
        var topology = MeshTopology.Create("saga-and-transaction")
            .Gateway("edge", g => g.Route("/saga", "checkout").Route("/local", "shop"))
            .Service("checkout", s => s.Call("payments").Call("shipping"))
            .Service("payments", s => s.Stores("payments.db").Write("payments.db"))
            .Service("shipping", s => s.Errors(0.25))
            .Service("shop", s => s.Stores("shop.db").Module("shipping", m => m.Errors(0.25)).CallModule("shipping").Write("shop.db"))
            .Load(_ => Load with { Requests = [new RequestMix("/saga") { Name = "saga" }, new RequestMix("/local") { Name = "local" }] })
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var (saga, local) = (report.RequestKinds["saga"], report.RequestKinds["local"]);
        Assert.True(local.Requests.Failed > 20, "the shop's shipping module failed too");
        Assert.Equal(0, local.PartialFailures);
        Assert.Equal(saga.Requests.Failed, saga.PartialFailures);
        Assert.Equal(report.CallGraph.PartialFailures, saga.PartialFailures + local.PartialFailures);
    }

    [Fact]
    public void Modules_call_each_other_in_process_at_a_tiny_cost_and_the_calls_are_observed()
    {
        var topology = MeshTopology.Create("monolith")
            .Gateway("edge", g => g.Route("/", "shop"))
            .Service("shop", s => s
                .Module("web", m => m.CallModule("orders").CallModule("catalog"))
                .Module("orders", m => m.CallModule("users"))
                .Module("users")
                .Module("catalog")
                .CallModule("web"))
            .Latency(Distribution.Constant(1))
            .Load(_ => Load)
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var calls = report.CallGraph.Modules["shop"].ToDictionary(e => $"{e.From}->{e.To}", e => e.Calls);
        Assert.Equal(400, calls["(service)->web"]);
        Assert.Equal(400, calls["web->orders"]);
        Assert.Equal(400, calls["orders->users"]);
        Assert.Equal(400, calls["web->catalog"]);
        // Two 1 ms network legs; four in-process calls add 400 ns.
        Assert.InRange(report.LatencyMs.P50, 2.0, 2.1);
    }
}
