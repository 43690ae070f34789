using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.DataPlane.Resilience.Retry;
using ActorMesh.Load;
using ActorMesh.Time;
using Akka.Actor;
using Akka.Configuration;

namespace ActorMesh.Scenarios.Bench;

/// <summary>What one way of running the chain sustained.</summary>
/// <param name="Rps">Answered requests per second.</param>
/// <param name="MessagesPerRequest">Actor messages per request (every mailbox counted).</param>
/// <param name="BytesPerRequest">Bytes allocated per request (whole process).</param>
/// <param name="Report">The mesh run's report (null for the raw chain).</param>
internal sealed record ThroughputResult(double Rps, double MessagesPerRequest, double BytesPerRequest, RunReport? Report)
{
    /// <summary>
    /// CPU time the whole process spent per request, in µs (every thread, GC included; 0 when not measured):
    /// unlike the rate, what other processes on a shared machine take does not move it much.
    /// </summary>
    public double CpuMicrosPerRequest { get; init; }
}

/// <summary>
/// The emulator's own ceiling: the end-to-end maximum sustainable throughput of the built-in
/// <c>chain</c> topology with nothing injected (no faults, no latency, no service time), so the
/// figure measures ActorMesh, not the system it emulates. Closed loop with enough users to saturate.
/// </summary>
internal static class ThroughputBench
{
    /// <summary>Calls per chain request (gateway → frontend → orders → payments): the "hops" allocations are divided by.</summary>
    public const int HopsPerRequest = 3;

    /// <summary>
    /// The chain topology for benchmarking: the built-in file with faults, latency and service time
    /// removed and every policy on (retries with per-try timeout, route timeout, outcome circuit
    /// breaker, outlier detection, least-request balancing).
    /// </summary>
    public static MeshTopology Chain(bool sidecars, int users)
    {
        var chain = ScenarioCatalog.Find("chain")!.Load().Topology!;
        var allOn = chain.Mesh.Defaults with
        {
            Timeout = TimeSpan.FromSeconds(5),
            Retries = new RetryOptions { Attempts = 2, RetryOn = RetryOn.FiveXx | RetryOn.ConnectFailure, PerTryTimeout = TimeSpan.FromSeconds(1) },
            CircuitBreaker = new CircuitBreakerOptions(),
            OutlierDetection = new OutlierDetectionOptions(),
            LoadBalancer = LoadBalancerKind.LeastRequest,
        };
        return chain with
        {
            Name = sidecars ? "bench-chain-mesh" : "bench-chain-no-sidecars",
            Network = new NetworkSpec { Latency = Distribution.Zero },
            Mesh = chain.Mesh with { Sidecars = sidecars, ProxyLatency = Distribution.Zero, Defaults = allOn, Destinations = chain.Mesh.Destinations.Clear() },
            Services = [.. chain.Services.Select(s => s with { ServiceTime = Distribution.Zero, Instances = [], Errors = ErrorInjection.None })],
            Load = new LoadProfile { Mode = LoadMode.Closed, Users = users, MaxOutstanding = users * 2, Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(2) },
            Timeline = [],
        };
    }

    /// <summary>
    /// The bench chain as a multi-zone deployment for <paramref name="zones"/> cluster nodes: zones
    /// zone-1 … zone-N (placement maps one onto each node), every service with one pod per zone, the
    /// gateway a replica per zone, and locality on (the default, with outlier detection): each zone's
    /// clients call their zone's gateway, whose calls stay in the zone, so a request need not cross nodes.
    /// </summary>
    public static MeshTopology ZonedChain(int users, int zones)
    {
        var chain = Chain(sidecars: true, users);
        string[] names = [.. Enumerable.Range(1, zones).Select(i => $"zone-{i}")];
        return chain with
        {
            Name = "bench-chain-zones",
            Zones = new ZonesSpec { Names = [.. names] },
            Gateways = [.. chain.Gateways.Select(g => g with { PerZone = true, Zone = null })],
            Services = [.. chain.Services.Select(s => s with { Replicas = zones, Zones = [] })],
        };
    }

    /// <summary>
    /// The bench chain with one pod per service: on 3 cluster nodes the control plane places each
    /// service on a node of its own (it fills the least-loaded node), so every call crosses nodes
    /// (gateway on the edge → frontend → orders → payments), and so does every answer.
    /// </summary>
    public static MeshTopology CrossNodeChain(int users)
    {
        var chain = Chain(sidecars: true, users);
        return chain with { Name = "bench-chain-cross-node", Services = [.. chain.Services.Select(s => s with { Replicas = 1 })] };
    }

    /// <summary>
    /// Runs <paramref name="topology"/> in its own ActorSystem: a warm-up load, then the measured one; with a
    /// <paramref name="tap"/>, exports read its telemetry while it runs and once it has ended.
    /// </summary>
    public static async Task<ThroughputResult> MeasureMeshAsync(MeshTopology topology, TimeSpan warmup, TimeSpan duration, Config? akkaConfig = null, TelemetryTap? tap = null)
    {
        using var runtime = new MeshRuntime(new HighResolutionClock(), topology.Seed);
        var config = MessageCounting.Config.WithFallback(akkaConfig ?? Config.Empty).WithFallback(MeshRunner.DefaultAkkaConfig);
        var system = ActorSystem.Create("bench", config);
        try
        {
            var mesh = await MeshSystem.StartAsync(system, topology, runtime);
            tap?.Attach([runtime]);
            var (load, result, _) = await MeasureLoadAsync(mesh, topology.Load, warmup, duration);
            var report = await mesh.ReportAsync(load);
            tap?.Complete(TelemetryView.Of(runtime));
            return result with { Report = report };
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>
    /// How accurately the run's real clock (a <see cref="HighResolutionClock"/>, as every real-time run
    /// uses) delivers an injected delay: <see cref="DelayAccuracy"/> with <paramref name="options"/>
    /// (default: 1 ms at 100,000 delays/s, 5 s measured after 1 s) into an actor on the default
    /// dispatcher, in an ActorSystem of its own with nothing else running.
    /// </summary>
    public static async Task<DelayAccuracyResult> MeasureDelayAsync(DelayAccuracyOptions? options = null, Config? akkaConfig = null)
    {
        using var clock = new HighResolutionClock();
        var system = ActorSystem.Create("bench-delay", (akkaConfig ?? Config.Empty).WithFallback(MeshRunner.DefaultAkkaConfig));
        try
        {
            return await DelayAccuracy.MeasureClockAsync(system, clock, options ?? new DelayAccuracyOptions());
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>
    /// Runs <paramref name="topology"/> on <paramref name="nodes"/> in-process cluster nodes (pods spread
    /// over them; gateways on the edge, or per zone on the zones' nodes with the load next to them): a
    /// warm-up load, then the measured one. Besides the
    /// throughput, returns the mesh messages and bytes that crossed nodes per request.
    /// </summary>
    public static async Task<ClusterThroughput> MeasureClusterAsync(
        MeshTopology topology, int nodes, TimeSpan warmup, TimeSpan duration, Config? akkaConfig = null)
    {
        using var clock = new HighResolutionClock();
        var config = MessageCounting.Config.WithFallback(akkaConfig ?? Config.Empty).WithFallback(MeshRunner.DefaultAkkaConfig);
        await using var cluster = await Clustering.MeshCluster.StartAsync(nodes, clock, topology.Seed, config);
        using var runtime = new MeshRuntime(clock, topology.Seed, "edge") { OwnsClock = false };
        var mesh = Hosting.MeshSystem.LaunchOnCluster(cluster.Edge, topology with { Nodes = nodes }, runtime);
        await mesh.Started;
        await mesh.Ready;
        var (load, result, crossed) = await MeasureLoadAsync(mesh, topology.Load, warmup, duration);
        var requests = Math.Max(1, load.Measured.Ended);
        await cluster.LeaveAsync();
        return new ClusterThroughput(nodes, result, (double)crossed.Messages / requests, (double)crossed.Bytes / requests) { MessagesPerBatch = crossed.MessagesPerBatch };
    }

    /// <summary>CPU time this process has used so far, on every thread.</summary>
    private static TimeSpan CpuTime()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>
    /// A warm-up load on <paramref name="mesh"/>, then the measured one: its rate, and the messages, bytes and
    /// CPU time of the whole process per request (the report is left to the caller), and what crossed nodes
    /// during the measured load only (the warm-up's crossings are not the measured requests').
    /// </summary>
    private static async Task<(LoadResult Load, ThroughputResult Result, Clustering.CrossNodeTotals Crossed)> MeasureLoadAsync(
        MeshSystem mesh, LoadProfile profile, TimeSpan warmup, TimeSpan duration)
    {
        await mesh.RunLoadAsync(profile with { Duration = warmup });
        var crossed = Clustering.CrossNodeTraffic.Total();
        var messages = MessageCounting.Total;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = CpuTime();
        var load = await mesh.RunLoadAsync(profile with { Duration = duration });
        cpu = CpuTime() - cpu;
        crossed = Clustering.CrossNodeTraffic.Total().Since(crossed);
        messages = MessageCounting.Total - messages;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var requests = Math.Max(1, load.Measured.Ended);
        var result = new ThroughputResult(load.Measured.Ended / load.MeasuredSeconds, (double)messages / requests, (double)allocated / requests, null)
        {
            CpuMicrosPerRequest = cpu.TotalMicroseconds / requests,
        };
        return (load, result, crossed);
    }

    /// <summary>Runs a raw actor chain with <paramref name="messagesPerRequest"/> messages per round.</summary>
    public static async Task<ThroughputResult> MeasureRawAsync(double messagesPerRequest, int users, TimeSpan warmup, TimeSpan duration, Config? akkaConfig = null)
    {
        var hops = Math.Max(1, (int)Math.Round(messagesPerRequest) - 1);
        var system = ActorSystem.Create("bench-raw", (akkaConfig ?? Config.Empty).WithFallback(MeshRunner.DefaultAkkaConfig));
        try
        {
            var (rps, bytes) = await RawActorChain.RunAsync(system, hops, users, warmup, duration);
            return new ThroughputResult(rps, hops + 1, bytes, null);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
