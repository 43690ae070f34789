using ActorMesh.Time;
using Akka.Configuration;

namespace ActorMesh.Scenarios.Bench;

/// <summary>What <c>bench</c> measures and for how long. Every option documents its default.</summary>
internal sealed record BenchOptions
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    /// <summary>Rounds; each runs every measurement once. Default 5.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Measured time of each single measurement (one run of one way, in one round). Default 2 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Closed-loop users driving each run. Default 256.</summary>
    public int Users { get; init; } = 256;

    /// <summary>Also run the full mesh on this many in-process cluster nodes in every round; null for none. Default null.</summary>
    public int? Nodes { get; init; }

    /// <summary>
    /// Pods of the start-up measurement in each round (a tree of 3 services with a third of them each;
    /// from 10,000 pods a mesh uses the compact pod mailbox); 0 for none. Default 10,002.
    /// </summary>
    public int StartupPods { get; init; } = 10_002;

    /// <summary>
    /// Where an export reads the mesh runs' telemetry (<c>bench --metrics-port</c>: Istio's metrics served
    /// while the bench runs), attached to every single-node mesh run; null for none. Default null.
    /// </summary>
    public ActorMesh.Hosting.TelemetryTap? Tap { get; init; }

    /// <summary>Warm-up before each measurement, unmeasured: half the duration, from 0.1 s to 1 s.</summary>
    public TimeSpan Warmup => TimeSpan.FromSeconds(Math.Clamp(Duration.TotalSeconds / 2, 0.1, 1));

    /// <summary>
    /// Warm-up before each measurement of the first round: at least 1 s, so the JIT has compiled the
    /// hot code before anything is measured. Later rounds run in the same process and reuse it.
    /// </summary>
    public TimeSpan FirstRoundWarmup => Warmup < OneSecond ? OneSecond : Warmup;

    /// <summary>Measured time of the delay service in each round: the duration, at most 1 s (100,000 delays at 100,000/s).</summary>
    public TimeSpan DelayDuration => Duration < OneSecond ? Duration : OneSecond;

    /// <summary>Throws, naming every invalid option, when one is out of range.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (Rounds < 1) errors.Add("rounds: must be at least 1");
        if (Duration <= TimeSpan.Zero) errors.Add("duration: must be positive");
        if (Users < 1) errors.Add("users: must be at least 1");
        if (Nodes is < 1) errors.Add("nodes: must be at least 1");
        if (StartupPods < 0) errors.Add("startupPods: must be 0 or more");
        if (errors.Count > 0) throw new ArgumentException("invalid bench options: " + string.Join("; ", errors));
    }
}

/// <summary>
/// <c>bench</c>'s measurements, interleaved: each round runs the full mesh, the chain without
/// sidecars, the raw actor chain, the cluster (when asked for) and the delay service once, back to
/// back, so a change in the host's load reaches every way alike and a round's ratios compare
/// neighbours. Every measurement gets its own ActorSystem and starts from a collected heap; all run
/// in one process, so later rounds reuse the JIT's work.
/// </summary>
internal static class InterleavedBench
{
    /// <summary>Runs <paramref name="options"/>' rounds; <paramref name="roundMeasured"/> hears each round as it ends.</summary>
    public static async Task<IReadOnlyList<BenchRound>> RunAsync(BenchOptions options, Config? akkaConfig = null, Action<BenchRound>? roundMeasured = null)
    {
        options.Validate();
        var mesh = ThroughputBench.Chain(sidecars: true, options.Users);
        var plain = ThroughputBench.Chain(sidecars: false, options.Users);
        var crossNodeChain = ThroughputBench.CrossNodeChain(options.Users);
        var zonedChain = ThroughputBench.ZonedChain(options.Users, options.Nodes ?? 1);
        var rounds = new List<BenchRound>(options.Rounds);
        double? rawMessages = null;
        for (var number = 1; number <= options.Rounds; number++)
        {
            var warmup = number == 1 ? options.FirstRoundWarmup : options.Warmup;
            Settle();
            var full = await ThroughputBench.MeasureMeshAsync(mesh, warmup, options.Duration, akkaConfig, options.Tap);
            Settle();
            var noSidecar = await ThroughputBench.MeasureMeshAsync(plain, warmup, options.Duration, akkaConfig, options.Tap);
            // Every round's raw chain is as long as the first round's mesh request, so the raw runs are alike.
            rawMessages ??= full.MessagesPerRequest;
            Settle();
            var raw = await ThroughputBench.MeasureRawAsync(rawMessages.Value, options.Users, warmup, options.Duration, akkaConfig);
            ClusterThroughput? cluster = null, crossNode = null;
            if (options.Nodes is { } nodes)
            {
                Settle();
                cluster = await ThroughputBench.MeasureClusterAsync(zonedChain, nodes, warmup, options.Duration, akkaConfig);
                Settle();
                crossNode = await ThroughputBench.MeasureClusterAsync(crossNodeChain, nodes, warmup, options.Duration, akkaConfig);
            }
            StartupResult? startup = null;
            if (options.StartupPods > 0)
            {
                Settle();
                startup = await StartupBench.MeasureAsync(3, Math.Max(1, options.StartupPods / 3), akkaConfig: akkaConfig);
            }
            Settle();
            var delay = await ThroughputBench.MeasureDelayAsync(new DelayAccuracyOptions { Duration = options.DelayDuration, Warmup = warmup }, akkaConfig);
            var round = new BenchRound(number, full, noSidecar, raw, cluster, delay, crossNode, startup);
            rounds.Add(round);
            roundMeasured?.Invoke(round);
        }
        return rounds;
    }

    /// <summary>Collects the garbage the previous measurement left, so no measurement pays for another's.</summary>
    private static void Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }
}
