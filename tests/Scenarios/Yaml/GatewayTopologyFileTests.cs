using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Yaml;

/// <summary>Gateways (auth, routes by method, aggregations, rate limits, caches) and the load's request kinds in topology files.</summary>
public class GatewayTopologyFileTests
{
    private const string Mobile = """
        name: bff
        services: [ { name: users }, { name: orders }, { name: recommendations } ]
        gateways:
          - name: mobile
            clientLatency: 40ms
            auth: { issuer: https://login.example.com, audience: mobile-app, required: false }
            routes:
              - prefix: /dashboard
                method: get
                aggregate:
                  - users
                  - { service: orders, path: /orders/recent, timeout: 200ms }
                onBackendFailure: fail
                rateLimit: { requestsPerSecond: 2.5, burst: 5, perClient: true, maxClients: 100 }
                cache: { ttl: 2s, maxEntries: 50, perClient: true }
              - { prefix: /users, service: users, method: POST, rateLimit: { requestsPerSecond: 10 } }
              - { prefix: /recommendations, service: recommendations, cache: { ttl: 500ms }, rateLimit: off }
          - name: web
            auth: {}
            routes: [ { prefix: /, service: users } ]
        load:
          gateway: mobile
          badTokenShare: 5%
          clients: 20
          requests:
            - { name: sequential, sequence: [/users/me, /orders, /recommendations], weight: 2 }
            - { path: /dashboard, method: GET }
            - { name: web-home, path: /, gateway: web, weight: 0.5 }
        """;

    private static MeshTopology Read(string yaml)
    {
        var result = TopologyFile.Parse(yaml, "bff.yaml");
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Problems));
        return result.Topology!;
    }

    private static string[] Problems(string yaml)
    {
        var result = TopologyFile.Parse(yaml, "bff.yaml");
        Assert.False(result.Ok);
        return [.. result.Problems.Select(p => p.ToString())];
    }

    [Fact]
    public void Auth_is_read_and_an_empty_section_takes_the_defaults()
    {
        var t = Read(Mobile);
        Assert.Equal(new AuthSpec { Issuer = "https://login.example.com", Audience = "mobile-app", Required = false }, t.Gateways[0].Auth);
        Assert.Equal(new AuthSpec(), t.Gateways[1].Auth);
        Assert.Equal(("mobile-app", "web"), (t.Gateways[0].TokenAudience, t.Gateways[1].TokenAudience));
    }

    [Fact]
    public void An_aggregation_route_is_read_with_its_backends_limit_and_cache()
    {
        var dashboard = Read(Mobile).Gateways[0].Routes[0];
        Assert.Equal(
            new RouteSpec
            {
                Prefix = "/dashboard", Method = "get", Aggregate = dashboard.Aggregate, OnBackendFailure = BackendFailureMode.Fail,
                RateLimit = new RateLimitSpec { RequestsPerSecond = 2.5, Burst = 5, PerClient = true, MaxClients = 100 },
                Cache = new CacheSpec { Ttl = TimeSpan.FromSeconds(2), MaxEntries = 50, PerClient = true },
            },
            dashboard);
        Assert.Equal<AggregateBackend>(
            [new AggregateBackend { Service = "users" }, new AggregateBackend { Service = "orders", Path = "/orders/recent", Timeout = TimeSpan.FromMilliseconds(200) }],
            dashboard.Aggregate);
    }

    [Fact]
    public void Service_routes_take_a_method_limit_and_cache_with_their_defaults()
    {
        var routes = Read(Mobile).Gateways[0].Routes;
        Assert.Equal(new RouteSpec { Prefix = "/users", Service = "users", Method = "POST", RateLimit = new RateLimitSpec { RequestsPerSecond = 10 } }, routes[1]);
        Assert.Equal(10, routes[1].RateLimit!.EffectiveBurst);
        Assert.Equal(new RouteSpec { Prefix = "/recommendations", Service = "recommendations", Cache = new CacheSpec { Ttl = TimeSpan.FromMilliseconds(500) } }, routes[2]);
    }

    [Fact]
    public void The_load_reads_bad_tokens_clients_and_request_kinds_with_journeys()
    {
        var load = Read(Mobile).Load;
        Assert.Equal(0.05, load.BadTokenShare);
        Assert.Equal(20, load.Clients);
        Assert.Equal<RequestMix>(
        [
            new RequestMix("", 2) { Name = "sequential", Sequence = load.Requests[0].Sequence },
            new RequestMix("/dashboard") { Method = "GET" },
            new RequestMix("/", 0.5) { Name = "web-home", Gateway = "web" },
        ], load.Requests);
        Assert.Equal(["/users/me", "/orders", "/recommendations"], load.Requests[0].Sequence.ToArray());
        Assert.Equal(["sequential", "/dashboard", "web-home"], RequestMix.KindNames(load.Requests));
    }

    [Fact]
    public void Gateway_problems_are_reported_with_their_lines_and_paths()
    {
        var problems = Problems("""
            name: bff
            services: [ { name: users } ]
            gateways:
              - name: mobile
                auth: { issuer: x, audiance: y, required: maybe }
                routes:
                  - { prefix: /a }
                  - { prefix: /b, service: users, aggregate: [users] }
                  - { prefix: /c, method: "GE T", service: users }
                  - prefix: /d
                    aggregate: [ usrs, { path: /x, timeout: soon }, { service: users, path: x } ]
                    onBackendFailure: retry
                  - { prefix: /e, service: users, rateLimit: { burst: 0 } }
                  - { prefix: /f, service: users, rateLimit: { requestsPerSecond: -1, perclient: yes } }
                  - { prefix: /g, service: users, cache: { maxEntries: 10 } }
                  - { prefix: /h, service: users, cache: { ttl: 0s, size: 3 } }
                  - { prefix: /h, service: users, cache: 5s }
            """);
        Assert.Equal(
        [
            "bff.yaml:5:24: gateways[0].auth.audiance: unknown key 'audiance' (did you mean 'audience'?)",
            "bff.yaml:5:47: gateways[0].auth.required: expected true or false, got 'maybe'",
            "bff.yaml:7:9: gateways[0].routes[0].service: a route needs a 'service' or an 'aggregate'",
            "bff.yaml:8:32: gateways[0].routes[1].service: a route has either 'service' or 'aggregate', not both",
            "bff.yaml:9:31: gateways[0].routes[2].method: 'GE T' is not an HTTP method like GET or POST",
            "bff.yaml:11:22: gateways[0].routes[3].aggregate[0].service: no service named 'usrs' (did you mean 'users'?)",
            "bff.yaml:11:28: gateways[0].routes[3].aggregate[1].service: required key 'service' is missing",
            "bff.yaml:11:49: gateways[0].routes[3].aggregate[1].timeout: expected a duration like '500ms', '1.5s' or '1m30s', got 'soon'",
            "bff.yaml:11:81: gateways[0].routes[3].aggregate[2].path: must start with '/'",
            "bff.yaml:12:27: gateways[0].routes[3].onBackendFailure: unknown value 'retry'; expected one of: partial, fail",
            "bff.yaml:13:50: gateways[0].routes[4].rateLimit.requestsPerSecond: required key 'requestsPerSecond' is missing",
            "bff.yaml:13:59: gateways[0].routes[4].rateLimit.burst: must be between 1 and 10000000",
            "bff.yaml:14:71: gateways[0].routes[5].rateLimit.requestsPerSecond: must be greater than 0 and at most 10000000",
            "bff.yaml:14:86: gateways[0].routes[5].rateLimit.perClient: expected true or false, got 'yes'",
            "bff.yaml:15:46: gateways[0].routes[6].cache.ttl: required key 'ttl' is missing",
            "bff.yaml:16:53: gateways[0].routes[7].cache.ttl: must be greater than zero",
            "bff.yaml:16:57: gateways[0].routes[7].cache.size: unknown key 'size'; expected one of: ttl, maxEntries, perClient",
            "bff.yaml:17:19: gateways[0].routes[8].prefix: routes[7] already routes '/h'",
            "bff.yaml:17:46: gateways[0].routes[8].cache: expected a mapping of options (some have no default), or 'off' for none, got '5s'",
        ],
            problems);
    }

    [Fact]
    public void Load_problems_with_request_kinds_are_reported_with_their_lines_and_paths()
    {
        var problems = Problems("""
            name: bff
            services: [ { name: users } ]
            gateways: [ { name: mobile, routes: [ { prefix: /, service: users } ] } ]
            load:
              badTokenShare: 150%
              clients: none
              requests:
                - { weight: 2 }
                - { path: /a, sequence: [/b] }
                - { sequence: [/a, b], gateway: mobil, method: 1 }
                - { name: x, path: /x }
                - { name: x, path: /y, verb: GET }
            """);
        Assert.Equal(
        [
            "bff.yaml:5:18: load.badTokenShare: must be between 0 and 1 (or a percentage like '5%')",
            "bff.yaml:6:12: load.clients: expected a whole number, got 'none'",
            "bff.yaml:8:7: load.requests[0]: a request needs a 'path', or a 'sequence' of paths for a journey",
            "bff.yaml:9:15: load.requests[1].path: a request has either 'path' or 'sequence', not both",
            "bff.yaml:10:24: load.requests[2].sequence[1]: must start with '/'",
            "bff.yaml:10:37: load.requests[2].gateway: no gateway named 'mobil' (did you mean 'mobile'?)",
            "bff.yaml:10:52: load.requests[2].method: '1' is not an HTTP method like GET or POST",
            "bff.yaml:12:15: load.requests[4].name: 'x' is already the name of requests[3]",
            "bff.yaml:12:28: load.requests[4].verb: unknown key 'verb'; expected one of: name, path, sequence, method, gateway, weight",
        ],
            problems);
    }
}
