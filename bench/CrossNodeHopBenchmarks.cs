using ActorMesh.Clustering;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Network;
using ActorMesh.Time;
using ActorMesh.Hosting;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ActorMesh.Bench;

/// <summary>
/// What crossing nodes costs: one mesh request (<see cref="MeshRequest"/>) and its answer
/// (<see cref="MeshResponse"/>) between two actors, with <see cref="Window"/> in flight, on the same
/// node (<c>InNode</c>, the baseline) and on two nodes (<c>CrossNode</c>: two ActorSystems in this
/// process talking through Akka.Remote on 127.0.0.1, each message through ActorMesh's compact
/// <see cref="DataPlaneSerializer"/>, as between the sidecars of pods on different cluster nodes), and
/// on two nodes through the per-node-pair outboxes the mesh uses (<c>CrossNodeBatched</c>: both ways in
/// envelopes of many messages, see <see cref="CrossNodeOutbox"/>, on the node pair's direct link once it has
/// connected during the warm-up, see <see cref="DirectLink"/>).
/// Allocated is the whole process's per request: both nodes, the transport included.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CrossNodeConfig))]
public class CrossNodeHopBenchmarks
{
    /// <summary>Requests per benchmark invocation.</summary>
    public const int Requests = 5_000;

    /// <summary>Requests in flight at once.</summary>
    public const int Window = 64;

    private ActorSystem _local = null!;
    private ActorSystem? _remote;
    private IActorRef _driver = ActorRefs.Nobody;
    private IActorRef _target = ActorRefs.Nobody;
    private HighResolutionClock? _clock;
    private readonly List<CrossNodeLinks> _links = [];

    private static Config Node => ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.remote.log-remote-lifecycle-events = off
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """).WithFallback(MeshClusterConfig.Serialization).WithFallback(MeshRunner.DefaultAkkaConfig);

    [GlobalSetup(Target = nameof(InNode))]
    public void SetupInNode()
    {
        _local = ActorSystem.Create(MeshClusterConfig.SystemName, Node);
        _target = _local.ActorOf(Props.Create(() => new Echo(null)), "echo");
        _driver = _local.ActorOf(Props.Create(() => new Driver(null)));
        Warm();
    }

    [GlobalSetup(Target = nameof(CrossNode))]
    public void SetupCrossNode() => SetUpTwoNodes(batched: false);

    [GlobalSetup(Target = nameof(CrossNodeBatched))]
    public void SetupCrossNodeBatched() => SetUpTwoNodes(batched: true);

    private void SetUpTwoNodes(bool batched)
    {
        _local = ActorSystem.Create(MeshClusterConfig.SystemName, Node);
        _remote = ActorSystem.Create(MeshClusterConfig.SystemName, Node);
        CrossNodeLinks? Links(ActorSystem system)
        {
            if (!batched) return null;
            _clock ??= new HighResolutionClock();
            var links = new CrossNodeLinks(system, _clock);
            _links.Add(links);
            return links;
        }
        var remoteLinks = Links(_remote);
        _remote.ActorOf(Props.Create(() => new Echo(remoteLinks)), "echo");
        var address = ((ExtendedActorSystem)_remote).Provider.DefaultAddress;
        _target = _local.ActorSelection($"{address}/user/echo").ResolveOne(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        var localLinks = Links(_local);
        _driver = _local.ActorOf(Props.Create(() => new Driver(localLinks)));
        Warm();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var links in _links) links.Dispose();
        _links.Clear();
        _clock?.Dispose();
        _local.Terminate().Wait(TimeSpan.FromSeconds(10));
        _remote?.Terminate().Wait(TimeSpan.FromSeconds(10));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Requests)]
    public long InNode() => Run();

    [Benchmark(OperationsPerInvoke = Requests)]
    public long CrossNode() => Run();

    [Benchmark(OperationsPerInvoke = Requests)]
    public long CrossNodeBatched() => Run();

    private long Run()
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _driver.Tell(new Go(_target, done));
        if (!done.Task.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException("requests were lost");
        return done.Task.Result;
    }

    private void Warm()
    {
        // One invocation first, so the association exists and both sides are jitted.
        if (Run() != Requests) throw new InvalidOperationException("the warm-up lost answers");
    }

    private sealed record Go(IActorRef Target, TaskCompletionSource<long> Done);

    /// <summary>The destination: answers every request, as an app would with nothing injected.</summary>
    private sealed class Echo(CrossNodeLinks? links) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is MeshRequest r) Send(links, Sender, new MeshResponse(r.CorrelationId, StatusCodes.Ok, ResponseFlags.None, 128), Self);
        }
    }

    /// <summary>Straight to <paramref name="target"/>, or into its node's outbox when <paramref name="links"/> are given (as <c>MeshNetwork</c> does).</summary>
    private static void Send(CrossNodeLinks? links, IActorRef target, object message, IActorRef sender)
    {
        if (links?.OutboxFor(target) is { } outbox) outbox.Send(target, message, sender);
        else target.Tell(message, sender);
    }

    /// <summary>Keeps <see cref="Window"/> requests in flight until <see cref="Requests"/> are answered; completes with the number answered.</summary>
    private sealed class Driver(CrossNodeLinks? links) : UntypedActor
    {
        private Go? _go;
        private int _sent, _answered;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Go go:
                    _go = go;
                    _sent = _answered = 0;
                    for (var i = 0; i < Window; i++) Send();
                    break;
                case MeshResponse:
                    if (++_answered == Requests) _go!.Done.SetResult(_answered);
                    else if (_sent < Requests) Send();
                    break;
            }
        }

        private void Send() =>
            CrossNodeHopBenchmarks.Send(links, _go!.Target, new MeshRequest(++_sent, "payments", "/checkout", "orders", 1, 256, TraceContext.None, "spiffe://cluster.local/ns/default/sa/orders"), Self);
    }

    /// <summary>Short: one launch, 3 warm-up and 10 measured iterations; each invocation is <see cref="Requests"/> requests.</summary>
    private sealed class CrossNodeConfig : ManualConfig
    {
        public CrossNodeConfig() => AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(10).WithInvocationCount(1).WithUnrollFactor(1));
    }
}
