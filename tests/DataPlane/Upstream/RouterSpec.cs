using System.Collections.Immutable;
using ActorMesh.ControlPlane;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.DataPlane.Upstream;
using ActorMesh.Pooling;
using ActorMesh.Time;
using Akka.Actor;

namespace ActorMesh.Tests.DataPlane.Upstream;

/// <summary>What a scripted endpoint does with a request: answer after a delay, or never.</summary>
public sealed record Reply(int Status, ResponseFlags Flags = ResponseFlags.None, double AfterMs = 1, bool Silent = false)
{
    public static Reply Ok(double afterMs = 1) => new(StatusCodes.Ok, AfterMs: afterMs);
    public static Reply ServerError(double afterMs = 1) => new(StatusCodes.ServiceUnavailable, AfterMs: afterMs);
    public static readonly Reply Refused = new(StatusCodes.ServiceUnavailable, ResponseFlags.Overloaded);
    public static readonly Reply Reset = new(StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamReset);
    public static readonly Reply Silence = new(0, Silent: true);
}

/// <summary>An outcome the owner got: the call's id, its status and flags, its bytes, and when (ms since the spec started).</summary>
public sealed record Completed(long CallerId, int Status, ResponseFlags Flags, int Bytes, double AtMs);

/// <summary>
/// A router under test on the virtual clock: hosted by an inbox actor that feeds it its messages,
/// owned by a fake owner that records each call's outcome, and sending to endpoints that answer as
/// their script says (or to stopped ones, which refuse the connection). The network takes 0.5 ms
/// one way to an endpoint; an endpoint answers straight back after its reply's delay.
/// </summary>
public abstract class RouterSpec : VirtualTimeSpec
{
    protected const string Destination = "orders";
    protected const double Hop = 0.5;

    private readonly MeshRuntime _runtime;
    private readonly RecordingOwner _owner;
    private readonly long _t0;
    private long _version;

    protected RouterSpec(ITestOutputHelper output) : base(output)
    {
        _runtime = NewRuntime(seed: 7);
        _owner = new RecordingOwner(Clock);
        var box = new RouterBox();
        var inbox = Started(Sys.ActorOf(Props.Create(() => new RouterInbox(box))));
        Router = new UpstreamRouter("web", _runtime, _runtime.Random.Stream("router"), inbox, _owner, incarnation: 1, identity: null);
        box.Router = Router;
        _t0 = Clock.Now;
    }

    internal UpstreamRouter Router { get; }

    /// <summary>Runs when the owner gets an outcome (inside the router, as an owner's handler does).</summary>
    protected Action<Completed>? WhenCompleted { set => _owner.WhenCompleted = value; }

    /// <summary>The outcomes the owner got, in order.</summary>
    protected IReadOnlyList<Completed> Outcomes => _owner.Outcomes;

    /// <summary>The destination's counters in the source's telemetry.</summary>
    private protected ServiceTelemetry Counters => _runtime.Telemetry.Merge(_runtime.Services.Names.Count)[_runtime.Services.Of(Destination)];

    /// <summary>
    /// Late answers counted anywhere: one whose slot is free again is counted against service index 0
    /// (the router cannot tell whose it was).
    /// </summary>
    protected long LateResponses => _runtime.Telemetry.Merge(_runtime.Services.Names.Count).Sum(t => t[ServiceCounter.LateResponses]);

    internal UpstreamCluster Cluster => Router.Cluster(Destination)!;

    /// <summary>The network the router sends through (to start and end faults).</summary>
    internal ActorMesh.DataPlane.Network.MeshNetwork Network => _runtime.Network;

    protected double NowMs => (Clock.Now - _t0) / (double)TimeSpan.TicksPerMillisecond;

    // ---- policies -----------------------------------------------------------------------------

    /// <summary>A policy that tries each host in turn (round robin from the first), route timeout 1 s, no retries unless given.</summary>
    protected static TrafficPolicy Policy(RetryOptions? retries = null, ConnectionLimits? limits = null, CircuitBreakerOptions? breaker = null,
        OutlierDetectionOptions? outliers = null, double timeoutMs = 1000) => new()
    {
        Timeout = TimeSpan.FromMilliseconds(timeoutMs),
        Retries = retries ?? RetryOptions.Disabled,
        Limits = limits ?? new ConnectionLimits(),
        CircuitBreaker = breaker,
        OutlierDetection = outliers,
        LoadBalancer = LoadBalancerKind.RoundRobin,
    };

    /// <summary>Retries on <paramref name="on"/> at once (no back-off unless given), with no retry budget (the limits' maxRetries applies).</summary>
    protected static RetryOptions Retrying(RetryOn on, int attempts = 2, double perTryMs = 0, double backoffMs = 0) => new()
    {
        RetryOn = on,
        Attempts = attempts,
        PerTryTimeout = perTryMs > 0 ? TimeSpan.FromMilliseconds(perTryMs) : null,
        BackoffBase = TimeSpan.FromMilliseconds(backoffMs),
        BackoffMax = TimeSpan.FromMilliseconds(backoffMs * 10),
        Budget = null,
    };

    /// <summary>A breaker that opens on the first failure and probes after 5 s.</summary>
    protected static CircuitBreakerOptions OpensOnFirstFailure => new()
    {
        Mode = BreakOn.ConsecutiveFailures,
        ConsecutiveFailures = 1,
        BreakDuration = TimeSpan.FromSeconds(5),
    };

    // ---- endpoints and config -------------------------------------------------------------------

    /// <summary>An endpoint answering each request with the next reply of <paramref name="script"/>, then with <paramref name="otherwise"/> (200 after 1 ms).</summary>
    internal ScriptedEndpoint Endpoint(Reply? otherwise = null, params Reply[] script)
    {
        var endpoint = new ScriptedEndpoint(Clock, otherwise ?? Reply.Ok(), script);
        endpoint.Ref = Started(Sys.ActorOf(Props.Create(() => new EndpointActor(endpoint))));
        return endpoint;
    }

    /// <summary>An endpoint that has stopped: a connection to it is refused.</summary>
    internal IActorRef DeadEndpoint()
    {
        var dead = Endpoint().Ref;
        Await(dead.GracefulStop(TimeSpan.FromSeconds(5)));
        return dead;
    }

    /// <summary>Pushes a config in which <see cref="Destination"/> has <paramref name="policy"/> and <paramref name="endpoints"/> (host 0, 1, ...).</summary>
    protected void Configure(TrafficPolicy policy, params IActorRef[] endpoints)
    {
        var topology = new MeshTopology
        {
            Name = "router",
            Services = [new ServiceSpec { Name = "web", Script = [new CallStep(new ServiceCall { Service = Destination })] }, new ServiceSpec { Name = Destination }],
            Network = new NetworkSpec { Latency = Distribution.Constant(Hop) },
            Mesh = new MeshSpec { Defaults = policy },
        };
        var hosts = endpoints.Select((e, i) => new Endpoint($"{Destination}-{i}", Destination, i, e, "node-1", "v1")).ToImmutableArray();
        Router.Apply(new ConfigSnapshot(++_version, topology, ImmutableDictionary<string, ImmutableArray<Endpoint>>.Empty.Add(Destination, hosts)), Distribution.Zero);
    }

    // ---- driving ------------------------------------------------------------------------------

    /// <summary>Sends call <paramref name="id"/> to the destination; returns its token.</summary>
    internal SlotHandle Call(long id = 1) => Router.Send(ActorRefs.Nobody, id, Destination, "/orders", 100, TraceContext.None, Clock.Now);

    /// <summary>Lets <paramref name="ms"/> of virtual time pass, delivering everything due on the way.</summary>
    protected void Run(double ms) => Clock.Advance(TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond)));

    /// <summary>The one outcome of call <paramref name="id"/>.</summary>
    protected Completed OutcomeOf(long id = 1) => Assert.Single(Outcomes, o => o.CallerId == id);

    /// <summary>Nothing is left held: no call, no request slot, no pending place, no retry token.</summary>
    protected void AssertNothingHeld()
    {
        Assert.Equal(0, Router.InFlight);
        Assert.Equal(0, Cluster.Pool.ActiveRequests);
        Assert.Equal(0, Cluster.Pool.PendingRequests);
        Assert.Equal(0, Cluster.Pool.ActiveRetries);
        Assert.All(Cluster.Active, active => Assert.Equal(0, active));
    }

    private IActorRef Started(IActorRef actor)
    {
        Await(actor.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(10)));
        return actor;
    }

    private sealed class RecordingOwner(MeshClock clock) : IUpstreamOwner
    {
        private readonly long _t0 = clock.Now;
        public List<Completed> Outcomes { get; } = [];
        public Action<Completed>? WhenCompleted { get; set; }

        public void OnCallCompleted(IActorRef caller, long callerId, in CallResult result)
        {
            var completed = new Completed(callerId, result.Status, result.Flags, result.ResponseBytes, (clock.Now - _t0) / (double)TimeSpan.TicksPerMillisecond);
            Outcomes.Add(completed);
            WhenCompleted?.Invoke(completed);
        }
    }

    private sealed class RouterBox
    {
        public UpstreamRouter? Router;
    }

    /// <summary>The router's actor: feeds it its messages (responses, timers), as a sidecar does.</summary>
    private sealed class RouterInbox(RouterBox box) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (box.Router?.Handle(message) != true) Unhandled(message);
        }
    }

    private sealed class EndpointActor(ScriptedEndpoint endpoint) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is MeshRequest request) endpoint.Receive(request, Sender, Self);
            else Unhandled(message);
        }
    }
}

/// <summary>An upstream endpoint that answers per script, and remembers what it got.</summary>
internal sealed class ScriptedEndpoint(MeshClock clock, Reply otherwise, IEnumerable<Reply> script)
{
    private readonly Queue<Reply> _script = new(script);

    public IActorRef Ref { get; set; } = ActorRefs.Nobody;

    /// <summary>The requests it got, in order.</summary>
    public List<MeshRequest> Received { get; } = [];

    public void Receive(MeshRequest request, IActorRef sender, IActorRef self)
    {
        Received.Add(request);
        var reply = _script.Count > 0 ? _script.Dequeue() : otherwise;
        if (reply.Silent) return;
        var bytes = reply.Status < 500 ? 100 : 0;
        clock.Schedule((long)(reply.AfterMs * TimeSpan.TicksPerMillisecond), sender, new MeshResponse(request.CorrelationId, reply.Status, reply.Flags, bytes), self);
    }
}
