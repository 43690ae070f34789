using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Isotope;

/// <summary>Mistakes in isotope graphs: every one at once, at its line, with the file's own path.</summary>
public class IsotopeProblemTests
{
    private static string[] Problems(string yaml)
    {
        var result = TopologyFile.Parse(yaml, "graph.yaml");
        Assert.False(result.Ok);
        Assert.Null(result.Topology);
        return [.. result.Problems.Select(p => p.ToString())];
    }

    [Fact]
    public void A_call_to_an_undefined_service_is_reported_at_its_line_with_a_suggestion()
    {
        var problems = Problems("""
            services:
            - name: frontend
              script:
              - call: payments
              - call: { service: paymnts, size: 1K }
            - name: payments
            """);
        Assert.Equal(["graph.yaml:5:22: services[0].script[1].call: no service named 'paymnts' (did you mean 'payments'?)"], problems);
    }

    [Fact]
    public void A_call_in_a_concurrent_list_to_an_undefined_service_has_the_list_s_path()
    {
        var problems = Problems("""
            services:
            - name: a
              script:
              - - call: b
                - call: c
            - name: b
            """);
        Assert.Equal(["graph.yaml:5:13: services[0].script[0][1].call: no service named 'c' (did you mean 'a'?)"], problems);
    }

    [Fact]
    public void Nested_concurrency_is_an_error()
    {
        var problems = Problems("""
            services:
            - name: a
              script:
              - - call: b
                - - call: c
            - name: b
            - name: c
            """);
        Assert.Equal(["graph.yaml:5:7: services[0].script[0][1]: concurrent calls may not be nested: a list in a script holds calls, not another list"], problems);
    }

    [Fact]
    public void A_step_with_two_keys_is_an_error()
    {
        var problems = Problems("""
            services:
            - name: a
              script:
              - call: b
                sleep: 10ms
            - name: b
            """);
        Assert.Equal(["graph.yaml:4:5: services[0].script[0]: a step has exactly one key, not 'call' and 'sleep'; give each its own step"], problems);
    }

    [Fact]
    public void A_missing_name_is_an_error()
    {
        var problems = Problems("""
            services:
            - name: a
            - numReplicas: 2
            """);
        Assert.Equal(["graph.yaml:3:3: services[1].name: required key 'name' is missing"], problems);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_in_file_order()
    {
        var problems = Problems("""
            defaults:
              errorRate: 150%
              responseSize: lots
            services:
            - name: a
              type: soap
              isEntrypoint: sure
              numReplicas: -1
              script:
              - sleep: 10
              - get: b
              - call: { service: b, probability: 0.5 }
              - call: { service: b, hostname: c.global:8080 }
              - - call: b
                - sleep: 1ms
              - []
              - call:
            - name: b
            - name: c
              script: [ { call: c } ]
            """);
        Assert.Equal(
            [
                "graph.yaml:2:14: defaults.errorRate: must be between 0 and 1, or a percentage from '0%' to '100%'; got '150%'",
                "graph.yaml:3:17: defaults.responseSize: expected a size like '512', '16KB' or '1 MiB', got 'lots'",
                "graph.yaml:6:9: services[0].type: expected 'http' or 'grpc', got 'soap'",
                "graph.yaml:7:17: services[0].isEntrypoint: expected true or false, got 'sure'",
                "graph.yaml:8:16: services[0].numReplicas: must not be negative",
                "graph.yaml:10:12: services[0].script[0].sleep: '10' needs a unit, e.g. '10ms' or '10s': a duration always carries its unit (ns, us, ms, s, m, h); only 0 may stand alone",
                "graph.yaml:11:5: services[0].script[1]: unknown step 'get'; expected one of: sleep, call",
                "graph.yaml:12:38: services[0].script[2].call.probability: expected a whole percentage from 0 to 100 such as 60 (isotope's probability is in percent), got '0.5'",
                "graph.yaml:13:35: services[0].script[3].call.hostname: 'c.global:8080' names service 'c', not 'b'",
                "graph.yaml:15:7: services[0].script[4][1]: a list of concurrent steps holds only calls here (ActorMesh runs no sleep alongside calls); give the sleep its own step",
                "graph.yaml:16:5: services[0].script[5]: a list of concurrent calls needs at least one call",
                "graph.yaml:17:10: services[0].script[6].call: a call needs a service: 'call: b' or 'call: { service: b }'",
                "graph.yaml:20:21: services[2].script[0].call: 'c' calls itself",
            ],
            problems);
    }

    [Fact]
    public void A_problem_in_the_default_script_is_reported_once_at_the_defaults()
    {
        var problems = Problems("""
            defaults:
              script:
              - call: nowhere
            services:
            - name: a
            - name: b
            """);
        Assert.Equal(["graph.yaml:3:11: defaults.script[0].call: no service named 'nowhere'"], problems);
    }

    [Fact]
    public void A_call_cycle_is_reported()
    {
        var problems = Problems("""
            services:
            - { name: a, script: [ { call: b } ] }
            - { name: b, script: [ { call: a } ] }
            """);
        Assert.Equal(["graph.yaml:3:14: services[1].script: calls form a cycle: a → b → a; every request would recurse until workers run out"], problems);
    }

    [Fact]
    public void Too_many_replicas_are_reported_at_num_replicas()
    {
        var problems = Problems("services: [ { name: a, numReplicas: 200000 } ]");
        Assert.Equal(["graph.yaml:1:37: services[0].numReplicas: must be at most 100000"], problems);
    }

    [Fact]
    public void A_service_list_that_is_not_a_list_is_one_problem()
    {
        Assert.Equal(["graph.yaml:3:5: services: expected a list of services, got a mapping"], Problems("defaults: {}\nservices:\n    a: {}\n"));
    }
}
