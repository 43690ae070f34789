using ActorMesh.ControlPlane;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Resilience.Retry;
using ActorMesh.Hosting;
using ActorMesh.Scenarios.Bench;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ActorMesh.Bench;

/// <summary>
/// What one hop costs: one request and its answer between two workloads of the benchmark chain
/// (nothing injected: zero network and proxy latency, zero service time), per request, with a
/// closed loop of <see cref="Window"/> requests in flight so the dispatcher is kept busy as under load.
/// <list type="bullet">
/// <item><c>Direct</c> (baseline): a caller → the payments app → back, in a mesh without sidecars (2 messages).</item>
/// <item><c>RawActors6</c>: six plain actor messages per request through five actors, no mesh logic (the ceiling for 6 messages).</item>
/// <item><c>Sidecars*</c>: the caller stands in for the orders app: orders' sidecar (outbound chain) → payments' sidecar
/// (inbound) → payments app, and back (6 messages).</item>
/// <item><c>GatewaySidecars*</c>: client → gateway (routing + outbound chain) → payments' sidecar → payments app, and back (6 messages).</item>
/// </list>
/// <c>PoliciesOff</c>: one try, no timeouts, no breaker, no outlier detection, round robin (resource limits at
/// their defaults and metrics stay on: neither can be turned off). <c>AllPolicies</c>: retries (2, 5xx and
/// connect-failure, 1 s per try), 5 s route timeout, outcome circuit breaker, outlier detection,
/// least-request balancing, metrics. Allocations are the process's per request, so they include
/// what the clock and the dispatcher allocate on the request's behalf.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(HopConfig))]
public class HopBenchmarks
{
    /// <summary>Requests per benchmark invocation.</summary>
    public const int Requests = 20_000;

    /// <summary>Requests in flight at once.</summary>
    public const int Window = 64;

    private ActorSystem _system = null!;
    private MeshRuntime? _runtime;
    private IActorRef _driver = ActorRefs.Nobody;
    private Func<long, object> _request = null!;
    private IActorRef _target = ActorRefs.Nobody;

    [GlobalSetup(Target = nameof(Direct))]
    public void SetupDirect() => SetupMesh(sidecars: false, policies: true, (mesh, snapshot) =>
        (snapshot.EndpointsOf("payments")[0].Address, id => new MeshRequest(id, "payments", "/", "bench", 1, 0, TraceContext.None)));

    [GlobalSetup(Targets = [nameof(SidecarsPoliciesOff)])]
    public void SetupSidecarsOff() => SetupSidecars(policies: false);

    [GlobalSetup(Targets = [nameof(SidecarsAllPolicies)])]
    public void SetupSidecarsOn() => SetupSidecars(policies: true);

    [GlobalSetup(Targets = [nameof(GatewaySidecarsPoliciesOff)])]
    public void SetupGatewayOff() => SetupGateway(policies: false);

    [GlobalSetup(Targets = [nameof(GatewaySidecarsAllPolicies)])]
    public void SetupGatewayOn() => SetupGateway(policies: true);

    [GlobalSetup(Target = nameof(RawActors6))]
    public void SetupRaw()
    {
        _system = ActorSystem.Create("hop-raw", Quiet.WithFallback(MeshRunner.DefaultAkkaConfig));
        _driver = _system.ActorOf(Props.Create(() => new Driver()));
        var next = _driver;
        for (var i = 0; i < 5; i++)
        {
            var target = next;
            next = _system.ActorOf(Props.Create(() => new Link(target)));
        }
        _target = next;
        _request = _ => Token.Instance;
        Warm();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _system.Terminate().Wait(TimeSpan.FromSeconds(10));
        _runtime?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Requests)]
    public long Direct() => Run();

    [Benchmark(OperationsPerInvoke = Requests)]
    public long RawActors6() => Run();

    [Benchmark(OperationsPerInvoke = Requests)]
    public long SidecarsPoliciesOff() => Run();

    [Benchmark(OperationsPerInvoke = Requests)]
    public long SidecarsAllPolicies() => Run();

    [Benchmark(OperationsPerInvoke = Requests)]
    public long GatewaySidecarsPoliciesOff() => Run();

    [Benchmark(OperationsPerInvoke = Requests)]
    public long GatewaySidecarsAllPolicies() => Run();

    private long Run()
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _driver.Tell(new Go(_target, _request, Requests, Window, done));
        if (!done.Task.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException("requests were lost");
        return done.Task.Result;
    }

    private void Warm()
    {
        // One full invocation before BenchmarkDotNet's own warm-up, so clusters, tables and pools exist; every answer must be a success.
        var failed = Run();
        if (failed > 0) throw new InvalidOperationException($"{failed} of {Requests} warm-up requests failed");
    }

    private void SetupSidecars(bool policies) => SetupMesh(sidecars: true, policies, (mesh, snapshot) =>
        (snapshot.EndpointsOf("orders")[0].Address, id => new EgressCall(id, "payments", "/", 0, TraceContext.None)));

    private void SetupGateway(bool policies) => SetupMesh(sidecars: true, policies, (mesh, snapshot) =>
        (mesh.EntryGateway, id => new ClientRequest(id, "/", 0, TraceContext.None)));

    private void SetupMesh(bool sidecars, bool policies, Func<MeshSystem, ConfigSnapshot, (IActorRef Target, Func<long, object> Request)> choose)
    {
        var topology = Topology(sidecars, policies);
        _runtime = new MeshRuntime(new HighResolutionClock(), topology.Seed);
        _system = ActorSystem.Create("hop", Quiet.WithFallback(MeshRunner.DefaultAkkaConfig));
        var mesh = MeshSystem.StartAsync(_system, topology, _runtime).GetAwaiter().GetResult();
        _driver = _system.ActorOf(Props.Create(() => new Driver()));
        // The driver subscribes like a sidecar, to learn the endpoints from the control plane's snapshot.
        var snapshot = new TaskCompletionSource<ConfigSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        _driver.Tell(new Subscribe(snapshot));
        mesh.NodeAgent.Tell(new RegisterWorkload("bench-driver", _driver));
        if (!snapshot.Task.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("no config snapshot");
        (_target, _request) = choose(mesh, snapshot.Task.Result);
        Warm();
    }

    /// <summary>The benchmark chain (<see cref="ThroughputBench.Chain"/>: nothing injected, all policies on), its gateway routed straight to payments.</summary>
    internal static MeshTopology Topology(bool sidecars, bool policies)
    {
        var chain = ThroughputBench.Chain(sidecars, users: 1);
        var gateway = chain.Gateways[0] with { Routes = [new RouteSpec { Prefix = "/", Service = "payments" }] };
        var mesh = policies ? chain.Mesh : chain.Mesh with { Defaults = PoliciesOff };
        return chain with { Gateways = [gateway], Mesh = mesh };
    }

    private static readonly TrafficPolicy PoliciesOff = new()
    {
        Timeout = TimeSpan.Zero,
        Retries = RetryOptions.Disabled,
        CircuitBreaker = null,
        OutlierDetection = null,
        LoadBalancer = LoadBalancerKind.RoundRobin,
    };

    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """);

    private sealed record Go(IActorRef Target, Func<long, object> Request, int Total, int Window, TaskCompletionSource<long> Done);

    private sealed record Subscribe(TaskCompletionSource<ConfigSnapshot> Snapshot);

    private sealed class Token
    {
        public static readonly Token Instance = new();
    }

    /// <summary>Keeps <c>Window</c> requests in flight until <c>Total</c> are answered; completes with the number that failed.</summary>
    private sealed class Driver : UntypedActor
    {
        private Go? _go;
        private int _sent, _answered;
        private long _failed;
        private TaskCompletionSource<ConfigSnapshot>? _snapshot;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Go go:
                    _go = go;
                    _sent = _answered = 0;
                    _failed = 0;
                    for (var i = 0; i < Math.Min(go.Window, go.Total); i++) Send();
                    break;
                case EgressResult r: Answered(StatusCodes.IsSuccess(r.Status)); break;
                case MeshResponse r: Answered(StatusCodes.IsSuccess(r.Status)); break;
                case ClientResponse r: Answered(StatusCodes.IsSuccess(r.Status)); break;
                case Token: Answered(true); break;
                case Subscribe s: _snapshot = s.Snapshot; break;
                case ConfigPush push: _snapshot?.TrySetResult(push.Snapshot); break;
            }
        }

        private void Send() => _go!.Target.Tell(_go.Request(++_sent), Self);

        private void Answered(bool ok)
        {
            if (!ok) _failed++;
            if (++_answered == _go!.Total) _go.Done.SetResult(_failed);
            else if (_sent < _go.Total) Send();
        }
    }

    private sealed class Link(IActorRef next) : UntypedActor
    {
        protected override void OnReceive(object message) => next.Tell(message, Self);
    }

    /// <summary>Short: one launch, 3 warm-up and 10 measured iterations; each invocation is <see cref="Requests"/> requests.</summary>
    private sealed class HopConfig : ManualConfig
    {
        public HopConfig() => AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(10).WithInvocationCount(1).WithUnrollFactor(1));
    }
}
