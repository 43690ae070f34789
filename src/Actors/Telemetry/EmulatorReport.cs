namespace ActorMesh.Telemetry;

/// <summary>
/// The report's <c>run</c> section: what ran, where and when. Wall-clock facts: it differs between
/// two runs of the same file and seed, as does <see cref="EmulatorReport"/>; every other section of a
/// virtual-time run repeats byte for byte.
/// </summary>
public sealed record RunInfo
{
    /// <summary>ActorMesh's informational version (with the git commit when built from a checkout).</summary>
    public string ToolVersion { get; init; } = "";
    /// <summary>The command line that started the run, when it came from the console.</summary>
    public string? CommandLine { get; init; }
    /// <summary>The run's seed.</summary>
    public long Seed { get; init; }
    /// <summary>"real" or "virtual".</summary>
    public string Clock { get; init; } = "real";
    /// <summary>When the run started (UTC, ISO 8601).</summary>
    public string StartedAtUtc { get; init; } = "";
    /// <summary>Wall time the run took, start-up and report included, in seconds.</summary>
    public double WallSeconds { get; init; }
    /// <summary>Logical processors the process could use.</summary>
    public int Cores { get; init; }
    /// <summary>The operating system.</summary>
    public string Os { get; init; } = "";
    /// <summary>The .NET runtime.</summary>
    public string Dotnet { get; init; } = "";
}

/// <summary>How late delayed deliveries fired against their due time, in milliseconds.</summary>
/// <param name="P50">Median lateness.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Max">Largest.</param>
/// <param name="Samples">Deliveries sampled.</param>
public sealed record LatenessSummary(double P50, double P99, double Max, long Samples)
{
    /// <summary>Nothing sampled (a virtual-time run: deliveries are never late).</summary>
    public static readonly LatenessSummary None = new(0, 0, 0, 0);
}

/// <summary>
/// The report's <c>emulator</c> section: what the emulator itself cost and whether it kept up. In
/// real time, deliveries fire late. Every delayed step is scheduled from its due time (DESIGN §6), so
/// the lateness does not pile up into the latencies, but what races it can change (a response against
/// a timeout, which request a worker takes first); when the lateness is no longer small against the
/// latencies measured, <see cref="Saturated"/> is true and <see cref="Warning"/> says so. In virtual
/// time nothing is ever late.
/// </summary>
public sealed record EmulatorReport
{
    /// <summary>Lateness p99 above this is saturation whatever the latencies (1 ms).</summary>
    public const double SaturatedLatenessMs = 1.0;

    /// <summary>Lateness p99 above this share of the median ok latency is saturation (10 %).</summary>
    public const double SaturatedLatenessShare = 0.10;

    /// <summary>"real" or "virtual".</summary>
    public string Clock { get; init; } = "real";
    /// <summary>How late sampled delayed deliveries were handled against their due time (timer and dispatcher lag together).</summary>
    public LatenessSummary TimerLatenessMs { get; init; } = LatenessSummary.None;
    /// <summary>CPU time the process used, in seconds (every thread).</summary>
    public double CpuSeconds { get; init; }
    /// <summary>Wall time, in seconds.</summary>
    public double WallSeconds { get; init; }
    /// <summary>Logical processors the process could use.</summary>
    public int Cores { get; init; }
    /// <summary>Mesh time that passed, in seconds (start-up, load and drain).</summary>
    public double SimulatedSeconds { get; init; }
    /// <summary>Mesh seconds per wall second: about 1 in real time, the speed-up in virtual time.</summary>
    public double SimulatedSecondsPerWallSecond { get; init; }
    /// <summary>Messages sent to the mesh's actors, Akka's own left out (counted in virtual time, where a seed repeats it; 0 when not counted).</summary>
    public long MeshMessages { get; init; }
    /// <summary>Of those, per wall second.</summary>
    public double MeshMessagesPerWallSecond { get; init; }
    /// <summary>True when the emulator's own lag is large enough to change what the run reports.</summary>
    public bool Saturated { get; init; }
    /// <summary>What to do about it, when <see cref="Saturated"/>.</summary>
    public string? Warning { get; init; }

    /// <summary>
    /// True when lateness p99 exceeds <see cref="SaturatedLatenessMs"/>, or <see cref="SaturatedLatenessShare"/>
    /// of <paramref name="medianLatencyMs"/> (the run's median ok latency, when there is one).
    /// </summary>
    public static bool IsSaturated(LatenessSummary lateness, double medianLatencyMs) =>
        lateness.Samples > 0
        && (lateness.P99 > SaturatedLatenessMs || (medianLatencyMs > 0 && lateness.P99 > SaturatedLatenessShare * medianLatencyMs));

    /// <summary>The warning printed for a saturated run.</summary>
    public static string WarningFor(LatenessSummary lateness) =>
        $"the emulator ran up to {lateness.P99:0.###} ms behind its clock (timer lateness p99; max {lateness.Max:0.###} ms): latencies are kept free of the emulator's own lag, " +
        "but outcomes that race it (timeouts, which request goes first) may not be: lower the load or use --clock virtual";
}
