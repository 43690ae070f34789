using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Yaml;

public class TopologyFileTests
{
    private const string Chain = """
        name: chain
        description: frontend fans out, payments is flaky
        seed: 42
        network:
          latency: 1ms
          edges:
            - { from: frontend, to: orders, latency: 2ms }
            - { from: "*", to: payments, latency: { type: uniform, min: 1ms, max: 3ms } }
        mesh:
          sidecars: true
          proxyLatency: 0.1ms
          defaults:
            timeout: 10s
            retries: { attempts: 3, retryOn: "5xx,gateway-error", perTryTimeout: 500ms }
            loadBalancer: round-robin
          destinations:
            payments:
              retries:
                attempts: 1
                retryOn: [retriable-status-codes, reset]
                retriableStatusCodes: [503]
                backoff: { base: 10ms, max: 100ms }
                budget: none
              connectionPool: { maxRequests: 100, maxPendingRequests: 10, maxRetries: 2 }
              circuitBreaker: { mode: consecutive-failures, consecutiveFailures: 5, breakDuration: 2s }
              outlierDetection: { consecutive5xxErrors: 3, interval: 1s, maxEjectionPercent: 50% }
            orders:
              timeout: 0s
              circuitBreaker: { failureRatio: 20%, minimumThroughput: 10, samplingDuration: 5s, halfOpenProbes: 2 }
              retries: { budget: { percent: 10%, minRetryConcurrency: 1 } }
        services:
          - name: frontend
            replicas: 3
            workers: 16
            queue: 100
            serviceTime: { type: lognormal, median: 2ms, sigma: 0.5 }
            responseSize: 2 KB
            version: v2
            entrypoint: true
            script:
              - call: orders
              - sleep: 5ms
              - parallel: [inventory, { service: pricing, probability: 50%, size: 512 }]
          - name: orders
            serviceTime: 1ms
            script:
              - call: { service: payments, path: /pay, probability: 0.9, size: 1 KiB }
          - name: payments
            replicas: 3
            errors: { rate: 1%, status: 503 }
            instances:
              - { index: 0, errors: { rate: 0.3, status: 502 }, serviceTime: 5ms }
              - { index: 2, serviceTime: { type: pareto, scale: 1ms, shape: 1.5 } }
          - name: inventory
          - name: pricing
            serviceTime: { type: exponential, mean: 3ms }
        gateways:
          - name: edge
            clientLatency: 40ms
            routes:
              - { prefix: /, service: frontend }
              - { prefix: /orders, service: orders }
        load:
          mode: closed
          rps: 2000
          arrival: poisson
          users: 50
          thinkTime: { type: normal, mean: 10ms, stddev: 2ms }
          duration: 1m
          warmup: 2s
          drain: 3s
          clientTimeout: 20s
          maxOutstanding: 5000
          gateway: edge
          requests: [ { path: /, weight: 3 }, { path: /orders } ]
        """;

    private static MeshTopology Read(string yaml)
    {
        var result = TopologyFile.Parse(yaml, "test.yaml");
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Problems));
        return result.Topology!;
    }

    [Fact]
    public void Top_level_fields_and_the_network_are_read()
    {
        var t = Read(Chain);
        Assert.Equal("chain", t.Name);
        Assert.Equal("frontend fans out, payments is flaky", t.Description);
        Assert.Equal(42, t.Seed);
        Assert.Equal(Distribution.Constant(1), t.Network.Latency);
        Assert.Equal<EdgeLatency>(
            [new EdgeLatency("frontend", "orders", Distribution.Constant(2)), new EdgeLatency("*", "payments", Distribution.Uniform(1, 3))],
            t.Network.Edges);
    }

    [Fact]
    public void Services_are_read_with_every_field()
    {
        var frontend = Read(Chain).Services[0];
        Assert.Equal(
            new ServiceSpec
            {
                Name = "frontend", Replicas = 3, Workers = 16, QueueCapacity = 100, ServiceTime = Distribution.LogNormal(2, 0.5),
                ResponseBytes = 2048, Version = "v2", IsEntrypoint = true,
            },
            frontend with { Script = [], Instances = [] });
    }

    [Fact]
    public void Script_steps_of_every_kind_are_read()
    {
        var t = Read(Chain);
        var script = t.Services[0].Script;
        Assert.Equal(new CallStep(new ServiceCall { Service = "orders" }), script[0]);
        Assert.Equal(new SleepStep(Distribution.Constant(5)), script[1]);
        var parallel = Assert.IsType<ParallelStep>(script[2]);
        Assert.Equal<ServiceCall>([new ServiceCall { Service = "inventory" }, new ServiceCall { Service = "pricing", Probability = 0.5, RequestBytes = 512 }], parallel.Calls);
        Assert.Equal(
            new CallStep(new ServiceCall { Service = "payments", Path = "/pay", Probability = 0.9, RequestBytes = 1024 }),
            Assert.Single(t.Services[1].Script));
    }

    [Fact]
    public void Error_injection_and_instance_overrides_are_read()
    {
        var payments = Read(Chain).Service("payments")!;
        Assert.Equal(new ErrorInjection(0.01, 503), payments.Errors);
        Assert.Equal<InstanceOverride>(
            [
                new InstanceOverride { Index = 0, Errors = new ErrorInjection(0.3, 502), ServiceTime = Distribution.Constant(5) },
                new InstanceOverride { Index = 2, ServiceTime = Distribution.Pareto(1, 1.5) },
            ],
            payments.Instances);
        Assert.Equal(new ErrorInjection(0.3, 502), payments.ErrorsOf(0));
        Assert.Equal(new ErrorInjection(0.01, 503), payments.ErrorsOf(1));
    }

    [Fact]
    public void The_envoy_profile_starts_every_policy_and_each_section_given_from_raw_envoys_defaults()
    {
        var t = Read("""
            name: raw
            mesh:
              profile: envoy
              defaults:
                retries: { retryOn: 5xx }
              destinations:
                b:
                  connectionPool: { maxRequests: 10 }
                  outlierDetection: on
            services:
              - name: a
                script: [ { call: b } ]
              - name: b
            """);

        var envoy = MeshProfiles.Policy(MeshProfile.Envoy);
        Assert.Equal(MeshProfile.Envoy, t.Mesh.Profile);
        // Envoy's num_retries default of 1 once conditions are named; its 15 s route timeout; round robin.
        Assert.Equal(envoy with { Retries = envoy.Retries with { RetryOn = RetryOn.FiveXx } }, t.Mesh.Defaults);
        Assert.Equal((1, TimeSpan.FromSeconds(15), LoadBalancerKind.RoundRobin), (t.Mesh.Defaults.Retries.Attempts, t.Mesh.Defaults.Timeout, t.Mesh.Defaults.LoadBalancer));
        var b = t.Mesh.PolicyFor("b");
        Assert.Equal(ConnectionLimits.Envoy with { MaxRequests = 10 }, b.Limits);
        Assert.Equal(50, b.OutlierDetection!.PanicThresholdPercent);
    }

    [Fact]
    public void Without_a_profile_policies_start_from_istios_defaults()
    {
        var t = Read("""
            name: istio
            mesh:
              defaults:
                outlierDetection: on
                retries: { retryOn: "503,connect-failure", retriableStatusCodes: [429], previousHosts: false }
            services:
              - name: a
            """);

        Assert.Equal(MeshProfile.Istio, t.Mesh.Profile);
        var d = t.Mesh.Defaults;
        Assert.Equal((TimeSpan.Zero, new ConnectionLimits(), 0.0), (d.Timeout, d.Limits, d.OutlierDetection!.PanicThresholdPercent));
        // A bare status in retryOn is retried under retriable-status-codes, as Istio takes it.
        Assert.Equal(RetryOn.RetriableStatusCodes | RetryOn.ConnectFailure, d.Retries.RetryOn);
        Assert.Equal([503, 429], d.Retries.RetriableStatusCodes.ToArray());
        Assert.False(d.Retries.AvoidPreviousHosts);
    }

    [Fact]
    public void The_default_policy_changes_only_the_sections_given()
    {
        var defaults = Read(Chain).Mesh.Defaults;
        Assert.Equal(
            new TrafficPolicy
            {
                Timeout = TimeSpan.FromSeconds(10),
                Retries = new RetryOptions { Attempts = 3, RetryOn = RetryOn.FiveXx | RetryOn.GatewayError, PerTryTimeout = TimeSpan.FromMilliseconds(500) },
                LoadBalancer = LoadBalancerKind.RoundRobin,
            },
            defaults);
    }

    [Fact]
    public void A_destination_policy_replaces_whole_sections_and_takes_the_rest_from_the_defaults()
    {
        var mesh = Read(Chain).Mesh;
        var payments = mesh.PolicyFor("payments");
        Assert.Equal<int>([503], payments.Retries.RetriableStatusCodes);
        Assert.Equal(
            mesh.Defaults with
            {
                // retries is given, so it starts from RetryOptions' defaults, not from mesh.defaults (no perTryTimeout)
                Retries = new RetryOptions
                {
                    Attempts = 1, RetryOn = RetryOn.RetriableStatusCodes | RetryOn.Reset, RetriableStatusCodes = payments.Retries.RetriableStatusCodes,
                    BackoffBase = TimeSpan.FromMilliseconds(10), BackoffMax = TimeSpan.FromMilliseconds(100), Budget = null,
                },
                Limits = new ConnectionLimits { MaxRequests = 100, MaxPendingRequests = 10, MaxRetries = 2 },
                CircuitBreaker = new CircuitBreakerOptions { Mode = BreakOn.ConsecutiveFailures, ConsecutiveFailures = 5, BreakDuration = TimeSpan.FromSeconds(2) },
                OutlierDetection = new OutlierDetectionOptions { Consecutive5xx = 3, Interval = TimeSpan.FromSeconds(1), MaxEjectionPercent = 50 },
            },
            payments);
    }

    [Fact]
    public void A_destination_can_disable_the_timeout_and_set_a_breaker_and_budget()
    {
        var mesh = Read(Chain).Mesh;
        Assert.Equal(
            mesh.Defaults with
            {
                Timeout = TimeSpan.Zero,
                Retries = new RetryOptions { Budget = new RetryBudgetOptions { Percent = 10, MinRetryConcurrency = 1 } },
                CircuitBreaker = new CircuitBreakerOptions { FailureRatio = 0.2, MinimumThroughput = 10, SamplingDuration = TimeSpan.FromSeconds(5), HalfOpenProbes = 2 },
            },
            mesh.PolicyFor("orders"));
        Assert.Same(mesh.Defaults, mesh.PolicyFor("frontend"));
    }

    [Fact]
    public void Gateways_and_the_load_profile_are_read()
    {
        var t = Read(Chain);
        var edge = Assert.Single(t.Gateways);
        Assert.Equal("edge", edge.Name);
        Assert.Equal(Distribution.Constant(40), edge.ClientLatency);
        Assert.Equal<RouteSpec>([new RouteSpec { Prefix = "/", Service = "frontend" }, new RouteSpec { Prefix = "/orders", Service = "orders" }], edge.Routes);
        Assert.Equal<RequestMix>([new RequestMix("/", 3), new RequestMix("/orders")], t.Load.Requests);
        Assert.Equal(
            new LoadProfile
            {
                Mode = LoadMode.Closed, Rps = 2000, Arrival = ArrivalProcess.Poisson, Users = 50, ThinkTime = Distribution.Normal(10, 2),
                Duration = TimeSpan.FromMinutes(1), Warmup = TimeSpan.FromSeconds(2), Drain = TimeSpan.FromSeconds(3),
                ClientTimeout = TimeSpan.FromSeconds(20), MaxOutstanding = 5000, Gateway = "edge", Requests = t.Load.Requests,
            },
            t.Load);
    }

    [Fact]
    public void A_minimal_file_gets_the_model_defaults_and_an_implicit_gateway()
    {
        var t = Read("""
            name: tiny
            services:
              - name: a
              - name: b
                entrypoint: true
            """);
        Assert.Equal(new ServiceSpec { Name = "a" }, t.Services[0] with { Script = [], Instances = [] });
        Assert.Equal(new NetworkSpec().Latency, t.Network.Latency);
        Assert.Equal(new MeshSpec().Defaults, t.Mesh.Defaults);
        Assert.Equal(new LoadProfile() with { Requests = t.Load.Requests }, t.Load);
        var edge = Assert.Single(t.Gateways);
        Assert.Equal(MeshTopology.ImplicitGatewayName, edge.Name);
        Assert.Equal("b", edge.Routes[0].Service);
    }

    [Fact]
    public void Keys_match_ignoring_case_and_enum_names_too()
    {
        var t = Read("""
            Name: tiny
            SERVICES:
              - NAME: a
                ServiceTime: { Type: Uniform, MIN: 1ms, Max: 2ms }
            Mesh:
              Defaults: { LoadBalancer: Random, ConnectionPool: { maxrequests: 5 } }
            load: { MODE: Closed }
            """);
        Assert.Equal("a", t.Services[0].Name);
        Assert.Equal(Distribution.Uniform(1, 2), t.Services[0].ServiceTime);
        Assert.Equal(LoadBalancerKind.Random, t.Mesh.Defaults.LoadBalancer);
        Assert.Equal(5, t.Mesh.Defaults.Limits.MaxRequests);
        Assert.Equal(LoadMode.Closed, t.Load.Mode);
    }

    [Fact]
    public void Circuit_breaker_and_outlier_detection_switch_off_with_off_none_or_null()
    {
        var t = Read("""
            name: switches
            services: [ { name: a }, { name: b }, { name: c } ]
            mesh:
              defaults:
                circuitBreaker: {}
                outlierDetection: {}
              destinations:
                a: { circuitBreaker: off, outlierDetection: none }
                b: { circuitBreaker: null, outlierDetection: }
            """);
        Assert.Equal(new CircuitBreakerOptions(), t.Mesh.Defaults.CircuitBreaker);
        Assert.Equal(new OutlierDetectionOptions(), t.Mesh.Defaults.OutlierDetection);
        foreach (var service in new[] { "a", "b" })
        {
            Assert.Null(t.Mesh.PolicyFor(service).CircuitBreaker);
            Assert.Null(t.Mesh.PolicyFor(service).OutlierDetection);
        }
        Assert.NotNull(t.Mesh.PolicyFor("c").CircuitBreaker);
    }

    [Fact]
    public void Distributions_of_every_type_are_read()
    {
        var t = Read("""
            name: shapes
            services:
              - { name: a, serviceTime: 3ms }
              - { name: b, serviceTime: { type: constant, value: 2ms } }
              - { name: c, serviceTime: { type: normal, mean: 1s, stddev: 100ms } }
              - { name: d, serviceTime: { type: exponential, mean: 500us } }
            """);
        Assert.Equal<Distribution>(
            [Distribution.Constant(3), Distribution.Constant(2), Distribution.Normal(1000, 100), Distribution.Exponential(0.5)],
            t.Services.Select(s => s.ServiceTime));
    }

    [Fact]
    public void Load_reads_a_file_and_names_it_in_problems()
    {
        var path = Path.Combine(Path.GetTempPath(), $"actormesh-{Environment.ProcessId}-load.yaml");
        File.WriteAllText(path, "name: x\nservices: [ { name: a, replicas: many } ]\n");
        try
        {
            var problem = Assert.Single(TopologyFile.Load(path).Problems);
            Assert.Equal($"{path}:2:34: services[0].replicas: expected a whole number, got 'many'", problem.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_is_one_problem_naming_it()
    {
        var result = TopologyFile.Load("no/such/topology.yaml");
        Assert.False(result.Ok);
        Assert.Null(result.Topology);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("no/such/topology.yaml", problem.File);
        Assert.StartsWith("no/such/topology.yaml: file not found (looked for /", problem.ToString());
    }

    [Fact]
    public void An_unreadable_file_is_one_problem_naming_it()
    {
        var directory = Path.GetTempPath();
        var problem = Assert.Single(TopologyFile.Load(directory).Problems);
        Assert.StartsWith($"{directory}: cannot read the file: ", problem.ToString());
    }
}
