using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Yaml;

public class TopologyFileProblemTests
{
    private static string[] Problems(string yaml)
    {
        var result = TopologyFile.Parse(yaml, "chain.yaml");
        Assert.False(result.Ok);
        Assert.Null(result.Topology);
        return [.. result.Problems.Select(p => p.ToString())];
    }

    [Fact]
    public void Unknown_service_in_a_call_is_reported_with_its_line_and_a_suggestion()
    {
        var problems = Problems("""
            name: chain
            services:
              - name: frontend
                script:
                  - call: orders
                  - call: { service: paymnts, probability: 50% }
              - name: orders
              - name: payments
            """);
        Assert.Equal(["chain.yaml:6:26: services[0].script[1].call: no service named 'paymnts' (did you mean 'payments'?)"], problems);
    }

    [Fact]
    public void Every_problem_in_a_file_is_reported_at_once_in_file_order()
    {
        var problems = Problems("""
            name: chain
            services:
              - name: frontend
                replicas: three
                script:
                  - call: paymnts
                  - sleep: 10s
              - name: orders
                serviceTime: { type: uniform, min: 5ms, max: 1ms }
                errors: { rate: 130%, status: 503 }
              - replicas: 2
            mesh:
              destinations:
                orders: { timeout: 1, loadBalancer: fastest }
            load:
              rps: 0
            gateways:
              - name: edge
                routes: [ { prefix: orders, service: orders } ]
            """);
        Assert.Equal(
            [
                "chain.yaml:4:15: services[0].replicas: expected a whole number, got 'three'",
                "chain.yaml:6:15: services[0].script[0].call: no service named 'paymnts'",
                "chain.yaml:9:5: services[1].serviceTime: needs 0 ≤ min ≤ max",
                "chain.yaml:10:21: services[1].errors.rate: must be between 0 and 1 (or a percentage like '30%')",
                "chain.yaml:11:5: services[2].name: required key 'name' is missing",
                "chain.yaml:14:24: mesh.destinations.orders.timeout: '1' needs a unit, e.g. '1ms' or '1s': a duration always carries its unit (ns, us, ms, s, m, h); only 0 may stand alone",
                "chain.yaml:14:41: mesh.destinations.orders.loadBalancer: unknown value 'fastest'; expected one of: round-robin, random, least-request",
                "chain.yaml:16:8: load.rps: must be greater than 0 and at most 10000000",
                "chain.yaml:19:25: gateways[0].routes[0].prefix: must start with '/'",
            ],
            problems);
    }

    [Fact]
    public void A_bad_default_policy_is_reported_once_not_again_under_each_destination_that_inherits_it()
    {
        var problems = Problems("""
            name: chain
            services:
              - name: orders
              - name: orders.v2
            mesh:
              defaults:
                retries: { perTryTimeout: 0s }
                outlierDetection: { maxEjectionPercent: 150 }
              destinations:
                orders: { timeout: 1s }
                orders.v2: { retries: { attempts: -1 } }
            """);
        Assert.Equal(
            [
                "chain.yaml:7:31: mesh.defaults.retries.perTryTimeout: must be greater than zero",
                "chain.yaml:8:45: mesh.defaults.outlierDetection.maxEjectionPercent: must be between 0 and 100",
                "chain.yaml:11:39: mesh.destinations.orders.v2.retries.attempts: must be between 0 and 100",
            ],
            problems);
    }

    [Fact]
    public void A_value_already_reported_as_malformed_is_not_reported_again_by_the_validator()
    {
        // Without the guard, the stand-ins would add "name: must not be empty", "call: must name a service",
        // and "no service named ''" for the implicit gateway's routes.
        var problems = Problems("""
            name: chain
            services:
              - replicas: 1
              - name: a
                script: [ { call: { path: /x } } ]
            """);
        Assert.Equal(
            [
                "chain.yaml:3:5: services[0].name: required key 'name' is missing",
                "chain.yaml:5:23: services[1].script[0].call: required key 'service' is missing",
            ],
            problems);
    }

    [Fact]
    public void Unknown_keys_get_a_suggestion_when_one_is_close()
    {
        var problems = Problems("""
            name: chain
            services: [ { name: a } ]
            mesh:
              defaults:
                retires: { attempts: 1 }
            """);
        Assert.Equal(["chain.yaml:5:5: mesh.defaults.retires: unknown key 'retires' (did you mean 'retries'?)"], problems);
    }

    [Fact]
    public void Unknown_keys_list_the_accepted_keys_when_none_is_close()
    {
        var problems = Problems("""
            name: chain
            services: [ { name: a } ]
            load: { schedule: 10 }
            """);
        Assert.Equal(
            ["chain.yaml:3:9: load.schedule: unknown key 'schedule'; expected one of: mode, rps, arrival, users, thinkTime, duration, warmup, drain, clientTimeout, maxOutstanding, gateway, requests, badTokenShare, clients, traceSampling, clock"],
            problems);
    }

    [Fact]
    public void The_same_key_twice_in_different_case_is_reported()
    {
        var problems = Problems("""
            name: chain
            services: [ { name: a } ]
            load:
              warmup: 1s
              Warmup: 2s
            """);
        Assert.Equal(["chain.yaml:5:3: load.warmup: 'warmup' is given twice (keys ignore case)"], problems);
    }

    [Fact]
    public void Every_switchable_section_takes_on_or_true_for_its_defaults_and_off_false_or_none_for_none()
    {
        var on = TopologyFile.Parse("""
            name: t
            mesh: { defaults: { circuitBreaker: on, outlierDetection: true, retries: { budget: on } } }
            services: [ { name: a } ]
            """, "t.yaml").Topology!;
        Assert.Equal(new ActorMesh.DataPlane.Resilience.CircuitBreaking.CircuitBreakerOptions(), on.Mesh.Defaults.CircuitBreaker);
        Assert.Equal(new ActorMesh.DataPlane.Resilience.OutlierDetection.OutlierDetectionOptions(), on.Mesh.Defaults.OutlierDetection);
        Assert.NotNull(on.Mesh.Defaults.Retries.Budget);

        foreach (var off in new[] { "off", "false", "none" })
        {
            var t = TopologyFile.Parse($$"""
                name: t
                mesh: { defaults: { circuitBreaker: {{off}}, outlierDetection: {{off}}, retries: { budget: {{off}} } } }
                services: [ { name: a } ]
                """, "t.yaml").Topology!;
            Assert.Null(t.Mesh.Defaults.CircuitBreaker);
            Assert.Null(t.Mesh.Defaults.OutlierDetection);
            Assert.Null(t.Mesh.Defaults.Retries.Budget);
        }
    }

    [Fact]
    public void Values_of_the_wrong_shape_say_what_was_found()
    {
        var problems = Problems("""
            name: [chain]
            services: 5
            load: [1]
            mesh: { sidecars: maybe, defaults: { circuitBreaker: 3 } }
            """);
        Assert.Equal(
            [
                "chain.yaml:1:7: name: expected a single value, got a list",
                "chain.yaml:2:11: services: expected a list, got '5'",
                "chain.yaml:3:7: load: expected a mapping, got a list",
                "chain.yaml:4:19: mesh.sidecars: expected true or false, got 'maybe'",
                "chain.yaml:4:54: mesh.defaults.circuitBreaker: expected a mapping of options, 'on' for the defaults or 'off' for none, got '3'",
            ],
            problems);
    }

    [Fact]
    public void A_step_needs_exactly_one_kind()
    {
        var problems = Problems("""
            name: chain
            services:
              - name: a
                script:
                  - { call: b, sleep: 1ms }
                  - {}
                  - cal: b
              - name: b
            """);
        Assert.Equal(
            [
                "chain.yaml:5:9: services[0].script[0]: a step has exactly one of 'call', 'sleep', 'parallel', 'module', 'read' or 'write', not 'call' and 'sleep'; give each its own step",
                "chain.yaml:6:9: services[0].script[1]: a step needs one of 'call', 'sleep', 'parallel', 'module', 'read' or 'write'",
                "chain.yaml:7:9: services[0].script[2].cal: unknown key 'cal' (did you mean 'call'?)",
            ],
            problems);
    }

    [Fact]
    public void Distribution_parameters_must_fit_the_type()
    {
        var problems = Problems("""
            name: chain
            services:
              - name: a
                serviceTime: { type: uniform, mean: 1ms, max: 2ms }
              - name: b
                serviceTime: { type: gaussian, mean: 1ms }
              - name: c
                serviceTime: { mean: 1ms }
              - name: d
                serviceTime: { type: lognormal, sigma: 1 }
            """);
        Assert.Equal(
            [
                "chain.yaml:4:18: services[0].serviceTime.min: required key 'min' is missing",
                "chain.yaml:4:41: services[0].serviceTime.mean: a uniform distribution has no 'mean'; it takes 'min' and 'max'",
                "chain.yaml:6:26: services[1].serviceTime.type: unknown distribution type 'gaussian'; expected one of: constant, uniform, normal, lognormal, exponential, pareto",
                "chain.yaml:8:18: services[2].serviceTime.type: required key 'type' is missing",
                "chain.yaml:10:18: services[3].serviceTime.median: required key 'median' is missing",
            ],
            problems);
    }

    [Fact]
    public void Distribution_parameter_problems_come_from_the_validator_at_the_distribution()
    {
        var problems = Problems("""
            name: chain
            network:
              latency: { type: lognormal, median: 0ms, sigma: 1 }
            services: [ { name: a } ]
            """);
        Assert.Equal(["chain.yaml:3:3: network.latency: needs median > 0 and sigma ≥ 0"], problems);
    }

    [Fact]
    public void Validation_errors_point_at_the_value_or_the_nearest_enclosing_key()
    {
        var problems = Problems("""
            name: chain
            services: [ { name: a, replicas: 2, instances: [ { index: 2 } ] } ]
            mesh:
              defaults:
                retries:
                  attempts: 200
                  retriableStatusCodes: [503, 99]
                  backoff: { base: 1s }
                outlierDetection: { maxEjectionPercent: 150% }
            load:
              mode: closed
              users: 0
            """);
        Assert.Equal(
            [
                "chain.yaml:2:59: services[0].instances[0].index: must be between 0 and 1 (the service has 2 replica(s))",
                "chain.yaml:6:17: mesh.defaults.retries.attempts: must be between 0 and 100",
                "chain.yaml:7:35: mesh.defaults.retries.retriableStatusCodes[1]: must be an HTTP status (100..599)",
                "chain.yaml:8:7: mesh.defaults.retries.backoff.max: must be at least backoff.base",
                "chain.yaml:9:45: mesh.defaults.outlierDetection.maxEjectionPercent: must be between 0 and 100",
                "chain.yaml:12:10: load.users: must be between 1 and 1000000",
            ],
            problems);
    }

    [Fact]
    public void A_validation_error_about_something_not_in_the_file_has_no_line()
    {
        Assert.Equal(["chain.yaml: services: at least one service is required"], Problems("name: chain\n"));
    }

    [Theory]
    [InlineData("name: chain\nservices:\n  - name: a\n   replicas: 2\n", 4, 4, "invalid YAML: while parsing a block collection, did not find expected '-' indicator.")]
    [InlineData("name: chain\nservices: [ { name: a }\n", 3, 1, "invalid YAML: while parsing a flow sequence, did not find expected ',' or ']'.")]
    [InlineData("name: 'chain\n", 1, 7, "invalid YAML: while scanning a quoted scalar, found unexpected end of stream.")]
    [InlineData("name: chain\nname: other\n", 2, 1, "invalid YAML: duplicate key name")]
    [InlineData("name: chain\nservices: [a, b\nload: {}\n", 3, 1, "invalid YAML: unexpected content (is a '[', '{' or quote left open?)")]
    public void Malformed_yaml_is_one_problem_at_the_parsers_position(string yaml, int line, int column, string message)
    {
        var result = TopologyFile.Parse(yaml, "chain.yaml");
        Assert.Null(result.Topology);
        Assert.Equal(new TopologyProblem("chain.yaml", "", line, column, message), Assert.Single(result.Problems));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing here\n")]
    [InlineData("---\n")]
    public void An_empty_file_is_one_problem(string yaml) =>
        Assert.Equal(["chain.yaml: the file is empty; a topology needs at least 'name' and 'services'"], Problems(yaml));

    [Fact]
    public void A_file_that_is_not_a_mapping_is_one_problem() =>
        Assert.Equal(["chain.yaml:1:1: expected a mapping of topology keys (name, services, ...), got a list"], Problems("- name: chain\n"));

    [Fact]
    public void A_second_document_is_a_problem() =>
        Assert.Equal(
            ["chain.yaml:4:1: a topology file holds one YAML document; remove the '---' and what follows"],
            Problems("name: chain\nservices: [ { name: a } ]\n---\nname: other\n"));

    [Fact]
    public void A_problem_prints_as_file_line_column_path_and_message()
    {
        Assert.Equal("chain.yaml:14:15: services[2].script[1].call: no service named 'paymnts'",
            new TopologyProblem("chain.yaml", "services[2].script[1].call", 14, 15, "no service named 'paymnts'").ToString());
        Assert.Equal("chain.yaml: load.rps: must be greater than 0", new TopologyProblem("chain.yaml", "load.rps", 0, 0, "must be greater than 0").ToString());
        Assert.Equal("chain.yaml: file not found", new TopologyProblem("chain.yaml", "", 0, 0, "file not found").ToString());
    }
}
