using System.Collections.Immutable;

namespace ActorMesh.Tests.Topology;

/// <summary>Validation of gateways (routes, aggregations, rate limits, caches, auth) and of the load's request kinds.</summary>
public class GatewayValidationTests
{
    private static TopologyBuilder Shop() => MeshTopology.Create("shop")
        .Service("users").Service("orders");

    [Fact]
    public void A_full_gateway_and_load_from_the_builder_is_valid()
    {
        var topology = Shop()
            .Gateway("mobile", g => g.ClientLatency(Distribution.Constant(40)).Auth("https://login.example.com", "mobile-app")
                .Aggregate("/dashboard", r => r.Method("GET").Backend("users", "/me", TimeSpan.FromMilliseconds(200)).Backend("orders")
                    .OnBackendFailure(BackendFailureMode.Fail).RateLimit(10, burst: 20, perClient: true).Cache(TimeSpan.FromSeconds(5), perClient: true))
                .Route("/users", "users", r => r.Method("GET"))
                .Route("/users", "users", r => r.Method("POST").RateLimit(1))
                .Route("/orders", "orders"))
            .Gateway("web", g => g.Route("/", "users"))
            .Load(l => l with
            {
                BadTokenShare = 0.05, Clients = 20, Gateway = "mobile",
                Requests = [RequestMix.Journey("/users", "/orders") with { Name = "journey" }, new RequestMix("/dashboard") { Gateway = "web", Method = "GET" }],
            })
            .Build();

        var dashboard = topology.Gateways[0].Routes[0];
        Assert.True(dashboard.IsAggregate);
        Assert.Equal(2, dashboard.Aggregate.Length);
        Assert.Equal(new AggregateBackend { Service = "users", Path = "/me", Timeout = TimeSpan.FromMilliseconds(200) }, dashboard.Aggregate[0]);
        Assert.Equal("mobile-app", topology.Gateways[0].TokenAudience);
        Assert.Equal("web", topology.Gateways[1].TokenAudience);
        Assert.Equal(AuthSpec.DefaultIssuer, topology.Gateways[1].TokenIssuer);
    }

    [Fact]
    public void Route_problems_carry_their_paths()
    {
        var topology = Shop()
            .Gateway("edge", g => g
                .Route(new RouteSpec { Prefix = "/x" })
                .Route(new RouteSpec { Prefix = "/both", Service = "users", Aggregate = [new AggregateBackend { Service = "users" }] })
                .Route("/users", "users", r => r.Method("GE T"))
                .Route("/orders", "orders", r => r.Method("get"))
                .Route("/orders", "orders", r => r.Method("GET"))
                .Aggregate("/agg", r => r.Backend("user").Backend("orders", "me", TimeSpan.FromSeconds(-1)))
                .Route("/limited", "users", r => r.RateLimit(0, burst: 0))
                .Route("/cached", "users", r => r.Cache(TimeSpan.Zero, maxEntries: 0))
                .Auth(issuer: " ", audience: ""))
            .BuildUnchecked();

        Assert.Equal(
        [
            "gateways[0].auth.issuer: must not be empty",
            "gateways[0].auth.audience: must not be empty",
            "gateways[0].routes[0].service: a route needs a 'service' or an 'aggregate'",
            "gateways[0].routes[1].service: a route has either 'service' or 'aggregate', not both",
            "gateways[0].routes[2].method: 'GE T' is not an HTTP method like GET or POST",
            "gateways[0].routes[4].prefix: routes[3] already routes '/orders' for GET",
            "gateways[0].routes[5].aggregate[0].service: no service named 'user' (did you mean 'users'?)",
            "gateways[0].routes[5].aggregate[1].path: must start with '/'",
            "gateways[0].routes[5].aggregate[1].timeout: must not be negative",
            "gateways[0].routes[6].rateLimit.requestsPerSecond: must be greater than 0 and at most 10000000",
            "gateways[0].routes[6].rateLimit.burst: must be between 1 and 10000000",
            "gateways[0].routes[7].cache.ttl: must be greater than zero",
            "gateways[0].routes[7].cache.maxEntries: must be between 1 and 10000000",
        ], TopologyValidator.Validate(topology).Select(e => e.ToString()));
    }

    [Fact]
    public void An_aggregation_has_a_bounded_number_of_backends()
    {
        var backends = Enumerable.Repeat(new AggregateBackend { Service = "users" }, RouteSpec.MaxAggregateBackends + 1).ToImmutableArray();
        var topology = Shop().Gateway("edge", g => g.Route(new RouteSpec { Prefix = "/", Aggregate = backends })).BuildUnchecked();

        var error = Assert.Single(TopologyValidator.Validate(topology));
        Assert.Equal($"gateways[0].routes[0].aggregate: at most {RouteSpec.MaxAggregateBackends} backends", error.ToString());
    }

    [Fact]
    public void Load_problems_with_request_kinds_carry_their_paths()
    {
        var topology = Shop()
            .Gateway("mobile", g => g.Route("/", "users"))
            .Load(l => l with
            {
                BadTokenShare = 1.5, Clients = 0,
                Requests =
                [
                    new RequestMix("/x") { Name = "a", Gateway = "mobil" },
                    new RequestMix("/y") { Name = "a", Method = "G3T" },
                    new RequestMix("/z") { Sequence = ["/a", "b"] },
                    RequestMix.Journey() with { Name = " " },
                ],
            })
            .BuildUnchecked();

        Assert.Equal(
        [
            "load.badTokenShare: must be between 0 and 1 (or a percentage like '5%')",
            "load.clients: must be between 1 and 1000000",
            "load.requests[0].gateway: no gateway named 'mobil' (did you mean 'mobile'?)",
            "load.requests[1].method: 'G3T' is not an HTTP method like GET or POST",
            "load.requests[1].name: 'a' is already the name of requests[0]",
            "load.requests[2].path: a request has either 'path' or 'sequence', not both",
            "load.requests[2].sequence[1]: must start with '/'",
            "load.requests[3].path: must start with '/'",
            "load.requests[3].name: must not be empty",
        ], TopologyValidator.Validate(topology).Select(e => e.ToString()));
    }

    [Fact]
    public void Request_kinds_are_named_after_their_paths_method_and_gateway_unless_named()
    {
        var names = RequestMix.KindNames(
        [
            new RequestMix("/a"),
            new RequestMix("/a", 2),
            new RequestMix("/a") { Method = "post" },
            new RequestMix("/a") { Method = "GET", Gateway = "web" },
            RequestMix.Journey("/users", "/orders"),
            new RequestMix("/b") { Name = "/c" },
            new RequestMix("/c"),
        ]);

        Assert.Equal(["/a", "/a #2", "POST /a", "/a@web", "/users then /orders", "/c", "/c #2"], names);
    }

    [Fact]
    public void Routes_are_tried_longest_prefix_first_and_a_route_for_the_method_before_one_for_any()
    {
        var gateway = new GatewaySpec
        {
            Name = "edge",
            Routes =
            [
                new RouteSpec { Prefix = "/", Service = "root" },
                new RouteSpec { Prefix = "/orders", Service = "any" },
                new RouteSpec { Prefix = "/orders", Service = "post", Method = "POST" },
                new RouteSpec { Prefix = "/orders/archive", Service = "archive" },
            ],
        };

        Assert.Equal("post", gateway.Match("/orders/1", "post")?.Service);
        Assert.Equal("any", gateway.Match("/orders/1", "GET")?.Service);
        Assert.Equal("archive", gateway.Match("/orders/archive", "POST")?.Service);
        Assert.Equal("root", gateway.Match("/users", "GET")?.Service);
        Assert.Null((gateway with { Routes = [gateway.Routes[2]] }).Match("/orders", "GET"));
    }
}
