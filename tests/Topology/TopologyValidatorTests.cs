using ActorMesh.DataPlane.Resilience.OutlierDetection;

namespace ActorMesh.Tests.Topology;

public class TopologyValidatorTests
{
    private static TopologyBuilder Chain() => MeshTopology.Create("chain")
        .Gateway("edge", g => g.Route("/", "frontend"))
        .Service("frontend", s => s.Replicas(2).Call("orders"))
        .Service("orders", s => s.Replicas(2).Call("payments").ServiceTime(Distribution.LogNormal(2, 0.5)))
        .Service("payments", s => s.Replicas(3).Instance(0, errors: new ErrorInjection(0.3, 503)))
        .Policy("orders", p => p with { Timeout = TimeSpan.FromSeconds(1) })
        .Load(l => l with { Rps = 500 });

    /// <summary>A topology with one of each kind of mistake.</summary>
    private static MeshTopology Broken() => MeshTopology.Create("broken")
        .Gateway("edge", g => g.Route("/", "frontnd"))
        .Service("frontend", s => s.Call("paymnts").Call("frontend"))
        .Service("orders", s => s.Replicas(-1).Call("payments"))
        .Service("payments", s => s.Call("orders"))
        .Service("orders")
        .Policy("paymnt", p => p)
        .Load(l => l with { Rps = 0, Duration = TimeSpan.Zero, ThinkTime = Distribution.Exponential(-1) })
        .BuildUnchecked();

    private static readonly string[] BrokenErrors =
    [
        "services[3].name: 'orders' is already the name of services[1]",
        "services[0].script[0].call: no service named 'paymnts' (did you mean 'payments'?)",
        "services[0].script[1].call: 'frontend' calls itself",
        "services[1].replicas: must not be negative",
        "services[2].script: calls form a cycle: orders → payments → orders; every request would recurse until workers run out",
        "mesh.destinations.paymnt: no service named 'paymnt' (did you mean 'payments'?)",
        "gateways[0].routes[0].service: no service named 'frontnd' (did you mean 'frontend'?)",
        "load.rps: must be greater than 0 and at most 10000000",
        "load.thinkTime: needs mean > 0",
        "load.duration: must be greater than zero",
    ];

    [Fact]
    public void A_valid_builder_topology_has_no_problems()
    {
        Assert.Empty(TopologyValidator.Validate(Chain().BuildUnchecked()));
        Assert.Equal("chain", Chain().Build().Name);
    }

    [Fact]
    public void A_topology_without_a_gateway_gets_a_valid_implicit_one()
    {
        var topology = MeshTopology.Create("solo").Service("api", s => s.Entrypoint()).Build();

        Assert.Equal(MeshTopology.ImplicitGatewayName, Assert.Single(topology.Gateways).Name);
        Assert.Empty(TopologyValidator.Validate(topology));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_field_path()
    {
        var errors = TopologyValidator.Validate(Broken());

        Assert.Equal(BrokenErrors, errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Build_throws_a_TopologyException_listing_every_problem()
    {
        var builder = MeshTopology.Create("broken")
            .Gateway("edge", g => g.Route("/", "frontnd"))
            .Service("frontend", s => s.Call("paymnts").Call("frontend"))
            .Service("orders", s => s.Replicas(-1).Call("payments"))
            .Service("payments", s => s.Call("orders"))
            .Service("orders")
            .Policy("paymnt", p => p)
            .Load(l => l with { Rps = 0, Duration = TimeSpan.Zero, ThinkTime = Distribution.Exponential(-1) });

        var ex = Assert.Throws<TopologyException>(() => builder.Build());

        Assert.Equal(BrokenErrors, ex.Errors.Select(e => e.ToString()));
        Assert.StartsWith($"The topology has {BrokenErrors.Length} problem(s):", ex.Message);
        Assert.All(BrokenErrors, e => Assert.Contains(e, ex.Message));
    }

    [Fact]
    public void Unknown_names_far_from_every_service_get_no_suggestion()
    {
        var topology = Chain().Service("extra", s => s.Call("zzz")).BuildUnchecked();

        var error = Assert.Single(TopologyValidator.Validate(topology));
        Assert.Equal("services[3].script[0].call: no service named 'zzz'", error.ToString());
    }

    [Fact]
    public void A_cycle_through_a_parallel_step_is_found()
    {
        var topology = MeshTopology.Create("loop")
            .Service("a", s => s.Parallel("b", "c"))
            .Service("b")
            .Service("c", s => s.Call("a"))
            .BuildUnchecked();

        var error = Assert.Single(TopologyValidator.Validate(topology));
        Assert.Equal("services[2].script", error.Path);
        Assert.StartsWith("calls form a cycle: a → c → a", error.Message);
    }

    [Fact]
    public void Calling_a_service_twice_along_different_paths_is_not_a_cycle()
    {
        var topology = MeshTopology.Create("diamond")
            .Service("top", s => s.Parallel("left", "right"))
            .Service("left", s => s.Call("bottom"))
            .Service("right", s => s.Call("bottom"))
            .Service("bottom")
            .BuildUnchecked();

        Assert.Empty(TopologyValidator.Validate(topology));
    }

    [Fact]
    public void Problems_in_steps_instances_network_and_gateways_carry_their_paths()
    {
        var topology = MeshTopology.Create("paths")
            .Gateway("edge", g => g.Route("orders", "orders"))
            .Gateway("edge", g => g.Route("/", "orders"))
            .Gateway("orders", g => g.Route("/", "orders"))
            .Service("orders", s => s
                .Replicas(2)
                .Workers(0)
                .Sleep(Distribution.Uniform(5, 1))
                .Parallel(new ServiceCall { Service = "payments", Probability = 1.5 }, new ServiceCall { Service = "payments", Path = "pay" })
                .Instance(2, serviceTime: Distribution.Normal(-1, 1))
                .Instance(1).Instance(1))
            .Service("payments")
            .Edge("orders", "nowhere", Distribution.Constant(1))
            .Load(l => l with { Gateway = "west", Requests = [new RequestMix("x", 0)] })
            .BuildUnchecked();

        Assert.Equal(
        [
            "services[0].workers: must be at least 1",
            "services[0].instances[0].index: must be between 0 and 1 (the service has 2 replica(s))",
            "services[0].instances[0].serviceTime: needs mean ≥ 0 and stddev ≥ 0",
            "services[0].instances[2].index: instance 1 is overridden twice",
            "services[0].script[0].sleep: needs 0 ≤ min ≤ max",
            "services[0].script[1].parallel[0].probability: must be between 0 and 1 (or a percentage like '60%')",
            "services[0].script[1].parallel[1].path: must start with '/'",
            "network.edges[0].to: no service or gateway named 'nowhere'",
            "gateways[0].routes[0].prefix: must start with '/'",
            "gateways[1].name: 'edge' is already a gateway",
            "gateways[2].name: 'orders' is also a service name",
            "load.gateway: no gateway named 'west'",
            "load.requests[0].path: must start with '/'",
            "load.requests[0].weight: must be greater than 0",
        ], TopologyValidator.Validate(topology).Select(e => e.ToString()));
    }

    [Fact]
    public void Policy_problems_are_reported_under_the_destination_they_belong_to()
    {
        // A destination policy starts from the final mesh-wide default, whatever the call order,
        // so the default's bad retries show under every destination too.
        var topology = Chain()
            .DefaultPolicy(p => p with { Retries = p.Retries with { Attempts = -1 } })
            .Policy("payments", p => p with
            {
                Timeout = TimeSpan.FromSeconds(-1),
                OutlierDetection = new OutlierDetectionOptions { MaxEjectionPercent = 150 },
            })
            .BuildUnchecked();

        Assert.Equal(
        [
            "mesh.defaults.retries.attempts: must be between 0 and 100",
            "mesh.destinations.orders.retries.attempts: must be between 0 and 100",
            "mesh.destinations.payments.timeout: must not be negative",
            "mesh.destinations.payments.retries.attempts: must be between 0 and 100",
            "mesh.destinations.payments.outlierDetection.maxEjectionPercent: must be between 0 and 100",
        ], TopologyValidator.Validate(topology).Select(e => e.ToString()));
    }

    [Fact]
    public void A_closed_loop_checks_users_instead_of_the_rate()
    {
        var topology = Chain().Load(l => l with { Mode = LoadMode.Closed, Rps = 0, Users = 0 }).BuildUnchecked();

        var error = Assert.Single(TopologyValidator.Validate(topology));
        Assert.Equal("load.users", error.Path);
    }

    [Fact]
    public void An_empty_topology_needs_a_name_and_a_service()
    {
        var errors = TopologyValidator.Validate(new MeshTopology { Name = " " });

        Assert.Equal(["name", "services"], errors.Select(e => e.Path));
    }

    [Fact]
    public void Optional_calls_and_fallbacks_from_the_builder_are_checked_like_the_files()
    {
        var topology = MeshTopology.Create("degrade")
            .Service("frontend", s => s.Entrypoint()
                .Call("reviews", optional: true)
                .Call("reviews", fallback: CallFallback.Cache(TimeSpan.FromSeconds(30)))
                .Call("reviews", fallback: new CallFallback(FallbackKind.Cache))
                .Call("reviews", optional: true, fallback: CallFallback.Default)
                .Parallel(new ServiceCall { Service = "reviews", Fallback = CallFallback.Default with { Ttl = TimeSpan.FromSeconds(1) } }))
            .Service("reviews")
            .BuildUnchecked();

        Assert.Equal(
        [
            "services[0].script[2].call.fallback: a cache fallback needs a ttl, how long a good answer may stand in: { type: cache, ttl: 30s }",
            "services[0].script[3].call.optional: a default fallback always answers, so the call is never skipped: give 'optional' or 'fallback: default', not both",
            "services[0].script[4].parallel[0].fallback.ttl: only a cache fallback has a ttl; a default answer never goes stale",
        ], TopologyValidator.Validate(topology).Select(e => e.ToString()));
    }
}
