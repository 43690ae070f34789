using System.Reflection;
using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Isotope;

/// <summary>What an isotope service graph becomes in ActorMesh's model.</summary>
public class IsotopeReaderTests
{
    private static MeshTopology Read(string yaml, string fileName = "graph.yaml")
    {
        var result = TopologyFile.Parse(yaml, fileName);
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Problems));
        return result.Topology!;
    }

    private const string Graph = """
        apiVersion: v1alpha1
        kind: MockServiceGraph
        defaults:
          type: grpc
          numReplicas: 2
          errorRate: 0.1%
          requestSize: 1 KB
          responseSize: 16KiB
        services:
        - name: a
          isEntrypoint: true
          numReplicas: 3
          errorRate: 0.05
          responseSize: 2 KB
          type: http
          script:
          - sleep: 10ms
          - call: b
          - call: { service: c, size: 10K, probability: 60 }
          - - call: b
            - call: { service: c, probability: 25 }
        - name: b
        - name: c
          errorRate: 1%
          responseSize: 512
        """;

    [Fact]
    public void Every_service_key_is_read()
    {
        var a = Read(Graph).Services[0];
        Assert.Equal(
            new ServiceSpec { Name = "a", Replicas = 3, IsEntrypoint = true, Errors = new ErrorInjection(0.05, 500), ResponseBytes = 2048 },
            a with { Script = [] });
    }

    [Fact]
    public void Script_steps_become_sleeps_calls_and_concurrent_calls()
    {
        var script = Read(Graph).Services[0].Script;
        Assert.Equal<ScriptStep>(
            [
                new SleepStep(Distribution.Constant(10)),
                new CallStep(new ServiceCall { Service = "b", RequestBytes = 1024 }),
                new CallStep(new ServiceCall { Service = "c", RequestBytes = 10 * 1024, Probability = 0.6 }),
            ],
            script[..3]);
        var concurrent = Assert.IsType<ParallelStep>(script[3]);
        Assert.Equal<ServiceCall>(
            [new ServiceCall { Service = "b", RequestBytes = 1024 }, new ServiceCall { Service = "c", RequestBytes = 1024, Probability = 0.25 }],
            concurrent.Calls);
    }

    [Fact]
    public void Defaults_apply_to_the_services_that_do_not_set_them()
    {
        var t = Read(Graph);
        Assert.Equal(new ServiceSpec { Name = "b", Replicas = 2, Errors = new ErrorInjection(0.001, 500), ResponseBytes = 16 * 1024 }, t.Services[1] with { Script = [] });
        Assert.Equal(new ServiceSpec { Name = "c", Replicas = 2, Errors = new ErrorInjection(0.01, 500), ResponseBytes = 512 }, t.Services[2] with { Script = [] });
        Assert.Empty(t.Services[1].Script);
    }

    [Fact]
    public void Without_defaults_isotope_s_own_apply_one_replica_no_errors_and_empty_bodies()
    {
        var t = Read("""
            services:
            - name: a
              script: [ { call: b } ]
            - name: b
            """);
        Assert.Equal(new ServiceSpec { Name = "b", Replicas = 1, Errors = new ErrorInjection(0, 500), ResponseBytes = 0 }, t.Services[1] with { Script = [] });
        Assert.Equal(new CallStep(new ServiceCall { Service = "b", RequestBytes = 0 }), Assert.Single(t.Services[0].Script));
    }

    [Fact]
    public void A_default_script_runs_in_services_without_their_own()
    {
        var t = Read("""
            defaults:
              script: [ { sleep: 5ms } ]
            services:
            - name: a
              script: [ { call: b } ]
            - name: b
            """);
        Assert.Equal<ScriptStep>([new SleepStep(Distribution.Constant(5))], t.Services[1].Script);
        Assert.Equal(new ServiceCall { Service = "b", RequestBytes = 0 }, Assert.IsType<CallStep>(Assert.Single(t.Services[0].Script)).Call);
    }

    [Theory]
    [InlineData("0.1%", 0.001)]
    [InlineData("25%", 0.25)]
    [InlineData("100%", 1.0)]
    [InlineData("0.3", 0.3)]
    [InlineData("0", 0.0)]
    [InlineData("1", 1.0)]
    public void Error_rates_are_a_percent_string_or_a_share_and_fail_with_500(string errorRate, double rate)
    {
        var t = Read($"services:\n- name: a\n  errorRate: {errorRate}\n");
        Assert.Equal(new ErrorInjection(rate, 500), t.Services[0].Errors);
    }

    [Theory]
    [InlineData("60", 0.6)]
    [InlineData("0", 0.0)]
    [InlineData("100", 1.0)]
    [InlineData("5%", 0.05)]
    public void A_call_probability_is_a_whole_percentage_read_as_a_share(string probability, double share)
    {
        var t = Read($"services:\n- name: a\n  script: [ {{ call: {{ service: b, probability: {probability} }} }} ]\n- name: b\n");
        Assert.Equal(share, Assert.IsType<CallStep>(t.Services[0].Script[0]).Call.Probability);
    }

    [Theory]
    [InlineData("512", 512)]
    [InlineData("1 KB", 1024)]
    [InlineData("16KiB", 16 * 1024)]
    [InlineData("10K", 10 * 1024)]
    [InlineData("1 MB", 1024 * 1024)]
    [InlineData("2mb", 2 * 1024 * 1024)]
    public void Sizes_are_go_units_binary_or_bytes(string size, int bytes)
    {
        var t = Read($"defaults: {{ requestSize: {size}, responseSize: {size} }}\nservices:\n- name: a\n  script: [ {{ call: b }}, {{ call: {{ service: b, size: {size} }} }} ]\n- name: b\n");
        Assert.Equal(bytes, t.Services[1].ResponseBytes);
        Assert.All(t.Services[0].Script, step => Assert.Equal(bytes, Assert.IsType<CallStep>(step).Call.RequestBytes));
    }

    [Fact]
    public void A_service_s_request_size_is_the_size_of_its_calls_without_their_own()
    {
        var t = Read("""
            defaults: { requestSize: 1 KB }
            services:
            - name: a
              requestSize: 2 KB
              script: [ { call: b }, { call: { service: b, size: 100 } } ]
            - name: b
            """);
        Assert.Equal<int>([2048, 100], t.Services[0].Script.Select(s => ((CallStep)s).Call.RequestBytes));
    }

    [Theory]
    [InlineData("b.global:8080")]
    [InlineData("b.ns.svc.cluster.local")]
    [InlineData("b.ns.svc.cluster.local:8080")]
    [InlineData("b:9080")]
    [InlineData("backend.example.com")]
    public void A_host_name_names_the_service_that_declares_it_or_its_first_dns_label(string hostname)
    {
        var t = Read($"""
            services:
            - name: a
              namespace: ns
              cluster: cluster1
              labels: {"{"} app: a {"}"}
              script:
              - call: {hostname}
              - call: {"{"} hostname: "{hostname}" {"}"}
              - call: {"{"} service: b, hostname: "{hostname}" {"}"}
            - name: b
              hostname: backend.example.com
            """);
        Assert.All(t.Services[0].Script, step => Assert.Equal("b", Assert.IsType<CallStep>(step).Call.Service));
    }

    [Fact]
    public void Keys_match_ignoring_case()
    {
        var t = Read("""
            Defaults: { NUMREPLICAS: 4 }
            Services:
            - Name: a
              IsEntryPoint: true
              ErrorRate: 1%
              Script: [ { Sleep: 1ms }, { CALL: { Service: b, Probability: 50 } } ]
            - NAME: b
            """);
        Assert.Equal(4, t.Services[0].Replicas);
        Assert.True(t.Services[0].IsEntrypoint);
        Assert.Equal(0.01, t.Services[0].Errors.Rate);
        Assert.Equal(new ServiceCall { Service = "b", Probability = 0.5, RequestBytes = 0 }, ((CallStep)t.Services[0].Script[1]).Call);
    }

    [Fact]
    public void Unknown_keys_are_ignored_as_isotope_ignores_them()
    {
        var t = Read("""
            apiVersion: v1alpha1
            kind: MockServiceGraph
            metadata: { owner: perf-team }
            defaults: { numReplicas: 2, computeUsage: 10% }
            services:
            - name: a
              memoryUsage: 80%
              numRbacPolicies: 3
              script: [ { call: { service: b, payloadSize: 80B } } ]
            - name: b
            """);
        Assert.Equal(["a", "b"], t.Services.Select(s => s.Name));
        Assert.Equal(2, t.Services[0].Replicas);
    }

    [Fact]
    public void The_topology_is_named_after_the_file_and_has_the_mesh_defaults()
    {
        var t = Read(Graph, "perf/canonical.yaml");
        Assert.Equal("canonical", t.Name);
        Assert.Equal(new MeshSpec(), t.Mesh with { });
        Assert.Equal(new NetworkSpec(), t.Network);
        Assert.Equal(new LoadProfile() with { Requests = [] }, t.Load);
        Assert.Equal(new ServiceSpec { Name = "x" }.Workers, t.Services[0].Workers);
    }

    [Fact]
    public void The_implicit_gateway_routes_to_the_entrypoint()
    {
        var edge = Assert.Single(Read(Graph).Gateways);
        Assert.Equal(MeshTopology.ImplicitGatewayName, edge.Name);
        Assert.Equal(new RouteSpec { Prefix = "/", Service = "a" }, edge.Routes[0]);
    }

    [Fact]
    public void With_several_entrypoints_the_load_is_spread_over_them()
    {
        var t = Read("""
            services:
            - { name: web, isEntrypoint: true, script: [ { call: db } ] }
            - { name: api, isEntrypoint: true, script: [ { call: db } ] }
            - { name: db }
            """);
        Assert.Equal<RequestMix>([new RequestMix("/web"), new RequestMix("/api")], t.Load.Requests);
        Assert.Contains(new RouteSpec { Prefix = "/api", Service = "api" }, t.Gateways[0].Routes);
    }

    [Fact]
    public void The_service_type_is_recorded_and_grpc_runs_as_http()
    {
        Assert.Equal("isotope service graph; gRPC services run as HTTP here: b, c", Read(Graph).Description);
        Assert.Equal("isotope service graph", Read("services: [ { name: a, type: http } ]").Description);
    }

    [Fact]
    public void A_graph_of_10_services_with_1000_replicas_each_is_10_services_of_1000_replicas()
    {
        // Replicas are a number in the model, never expanded: reading does not grow with them.
        var t = Read(IsotopeGraphs.Tree(services: 10, replicas: 1000), "big.yaml");
        Assert.Equal(10, t.Services.Length);
        Assert.All(t.Services, s => Assert.Equal(1000, s.Replicas));
        Assert.Equal(10_000, t.Services.Sum(s => s.Replicas));
        Assert.Equal<ServiceCall>(
            [new ServiceCall { Service = "svc-1", RequestBytes = 1024 }, new ServiceCall { Service = "svc-2", RequestBytes = 1024 }],
            Assert.IsType<ParallelStep>(t.Services[0].Script[1]).Calls);
    }

    [Fact]
    public void The_sample_graph_is_valid()
    {
        var t = Read(Sample(), "sample-isotope.yaml");
        Assert.Equal("sample-isotope", t.Name);
        Assert.Equal(7, t.Services.Length);
        Assert.Equal("cart-db", ((CallStep)t.Service("cart")!.Script[0]).Call.Service);
        Assert.Equal("inventory", ((CallStep)t.Service("catalog")!.Script[1]).Call.Service);
    }

    internal static string Sample()
    {
        using var stream = typeof(TopologyFile).Assembly.GetManifestResourceStream("ActorMesh.Scenarios.Isotope.sample-isotope.yaml")!;
        return new StreamReader(stream).ReadToEnd();
    }
}
