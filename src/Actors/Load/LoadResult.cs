using HdrHistogram;

namespace ActorMesh.Load;

/// <summary>Outcomes of one second of the measured window (by intended send time).</summary>
public sealed class SecondBucket : OutcomeTally
{
    /// <summary>End-to-end latency of this second's ok requests, in µs; made at the second's first ok answer (once per second, never per request).</summary>
    public IntHistogram? Latency;
    /// <summary>Retries the mesh sent during this second (by when they were sent, not by the request's intended time).</summary>
    public long Retries;
    /// <summary>Circuit breakers that opened during this second.</summary>
    public long CircuitOpened;
    /// <summary>Circuit breakers that closed again during this second.</summary>
    public long CircuitClosed;
    /// <summary>True once the mesh's counters were sampled at this second's end (<see cref="Retries"/> and the circuit counts are meaningful).</summary>
    public bool MeshSampled;

    /// <summary>Records an ok request's latency in µs.</summary>
    public void RecordOk(long microseconds) => (Latency ??= new IntHistogram(ServiceTelemetry.HighestMicroseconds, 2)).RecordValue(microseconds);

    /// <summary>Adds <paramref name="other"/>'s counts (the same second of another generator's share of the load).</summary>
    public void Add(SecondBucket other)
    {
        AddTally(other);
        if (other.Latency is { } latency) (Latency ??= new IntHistogram(ServiceTelemetry.HighestMicroseconds, 2)).Add(latency);
        Retries += other.Retries;
        CircuitOpened += other.CircuitOpened;
        CircuitClosed += other.CircuitClosed;
        MeshSampled |= other.MeshSampled;
    }
}

/// <summary>What the load generator measured for one kind of request of the mix (a path, or a journey).</summary>
public sealed class RequestKindResult
{
    /// <summary>Creates the result of the kind named <paramref name="name"/>.</summary>
    public RequestKindResult(string name, int steps, string gateway)
    {
        Name = name;
        Steps = steps;
        Gateway = gateway;
    }

    /// <summary>The kind's name (see <see cref="RequestMix.KindNames"/>).</summary>
    public string Name { get; }
    /// <summary>Requests per journey: 1 for a single request.</summary>
    public int Steps { get; }
    /// <summary>The gateway the kind is sent to.</summary>
    public string Gateway { get; }
    /// <summary>Outcomes of the kind's requests intended in the measured window.</summary>
    public OutcomeCounts Measured { get; } = new();
    /// <summary>End-to-end latency of those that ended ok, in µs, from the intended send time (a journey: to its last answer).</summary>
    public LongHistogram Latency { get; } = new(ServiceTelemetry.HighestMicroseconds, 3);
    /// <summary>Of those, the ones that failed or timed out after some service had committed a write (see <see cref="CallGraphObservation.PartialFailures"/>).</summary>
    public long PartialFailures { get; set; }
}

/// <summary>What the load generator measured.</summary>
public sealed class LoadResult : INoSerializationVerificationNeeded
{
    /// <summary>Requests intended during warm-up (not part of the figures).</summary>
    public OutcomeCounts Warmup { get; } = new();
    /// <summary>Requests intended during the measured window.</summary>
    public OutcomeCounts Measured { get; } = new();
    /// <summary>End-to-end latency of measured requests that ended ok, in µs, from the intended send time.</summary>
    public LongHistogram Latency { get; } = new(ServiceTelemetry.HighestMicroseconds, 3);
    /// <summary>Latency of every measured request that got an answer (any outcome), in µs.</summary>
    public LongHistogram LatencyAll { get; } = new(ServiceTelemetry.HighestMicroseconds, 3);
    /// <summary>
    /// Latency of measured requests that failed or timed out, in µs, from the intended send time to the
    /// failed answer, or to the client timeout for one that got none.
    /// </summary>
    public LongHistogram FailedLatency { get; } = new(ServiceTelemetry.HighestMicroseconds, 3);
    /// <summary>Retries per measured request that ended (any outcome but a client-side rejection), over its whole call tree.</summary>
    public RetryCounts Retries { get; } = new();
    /// <summary>Per-second outcomes over the measured window.</summary>
    public List<SecondBucket> Timeline { get; } = [];
    /// <summary>When the load started (mesh clock ticks; the warm-up starts then).</summary>
    public long StartedAt { get; set; }
    /// <summary>Measured window length in seconds.</summary>
    public double MeasuredSeconds { get; set; }
    /// <summary>Answers that arrived after the request had already ended (client timeout).</summary>
    public long LateAnswers { get; set; }
    /// <summary>Per kind of request of the mix, in the mix's order; their measured counts add up to <see cref="Measured"/>.</summary>
    public List<RequestKindResult> Kinds { get; } = [];
    /// <summary>What the measured requests' answers said about the services they reached.</summary>
    public CallGraphObservation CallGraph { get; } = new();
    /// <summary>
    /// Zones of a load per zone (<see cref="ZonalLoad"/>) whose generator never started or was lost before it
    /// finished: their requests are not in the counts above, and are accounted for here. Empty otherwise. Filled
    /// where the zones' results are merged (never sent between nodes).
    /// </summary>
    public List<LostZone> LostZones { get; } = [];

    // The outcome counts and the latency histograms, each in one order for merging (Add) and for the bytes a zone's result travels as (LoadResultCodec).
    internal OutcomeCounts[] Outcomes => [Warmup, Measured];
    internal LongHistogram[] Histograms => [Latency, LatencyAll, FailedLatency];

    /// <summary>
    /// Adds what another generator measured for its share of the same load (the same mix, so the same
    /// kinds in the same order): counts and histograms add up, seconds add up by their index in the
    /// measured window, the load started at the earlier start and measured the longer window.
    /// </summary>
    public void Add(LoadResult other)
    {
        if (other.Kinds.Count != Kinds.Count) throw new ArgumentException("the results are of different request mixes", nameof(other));
        var (outcomes, theirOutcomes) = (Outcomes, other.Outcomes);
        for (var i = 0; i < outcomes.Length; i++) outcomes[i].Add(theirOutcomes[i]);
        var (histograms, theirHistograms) = (Histograms, other.Histograms);
        for (var i = 0; i < histograms.Length; i++) histograms[i].Add(theirHistograms[i]);
        Retries.Add(other.Retries);
        for (var i = 0; i < other.Timeline.Count; i++)
        {
            if (i == Timeline.Count) Timeline.Add(new SecondBucket());
            Timeline[i].Add(other.Timeline[i]);
        }
        StartedAt = Math.Min(StartedAt, other.StartedAt);
        MeasuredSeconds = Math.Max(MeasuredSeconds, other.MeasuredSeconds);
        LateAnswers += other.LateAnswers;
        for (var i = 0; i < Kinds.Count; i++)
        {
            Kinds[i].Measured.Add(other.Kinds[i].Measured);
            Kinds[i].Latency.Add(other.Kinds[i].Latency);
            Kinds[i].PartialFailures += other.Kinds[i].PartialFailures;
        }
        CallGraph.Add(other.CallGraph);
    }
}

/// <summary>
/// A zone whose share of the load is missing from the counts: its generator never started (<paramref name="Sent"/> 0:
/// it sent nothing) or was lost with its node. Then <paramref name="Sent"/>, <paramref name="Answered"/> and
/// <paramref name="InFlight"/> are its counts as it last reported them, <paramref name="AtSeconds"/> into the load
/// (sent = answered + in flight); requests it sent after that report are unknown.
/// </summary>
/// <param name="Zone">The zone.</param>
/// <param name="Reason">What happened, in words.</param>
/// <param name="Sent">Requests it had sent (warm-up included) at its last report.</param>
/// <param name="Answered">Of those, answered (any outcome).</param>
/// <param name="InFlight">Of those, without an answer: lost with the zone.</param>
/// <param name="AtSeconds">When it last reported, in seconds since its load started; null when it never did.</param>
public sealed record LostZone(string Zone, string Reason, long Sent, long Answered, long InFlight, double? AtSeconds);

/// <summary>
/// How many retries requests caused, anywhere in their call trees (every sidecar's and gateway's retries
/// below them, as their answers reported them): a histogram of 0, 1, 2, 3 and 4 or more, the sum and the most.
/// A request that timed out at the client counts the retries of the answers it did get (a journey's earlier steps).
/// </summary>
public sealed class RetryCounts
{
    /// <summary>Buckets of the histogram: 0, 1, 2, 3, and 4 or more retries.</summary>
    public const int Buckets = 5;

    /// <summary>Requests by retries: [0] none, [1] one, [2] two, [3] three, [4] four or more.</summary>
    public readonly long[] Histogram = new long[Buckets];
    /// <summary>Requests counted.</summary>
    public long Requests;
    /// <summary>Retries over all of them.</summary>
    public long Sum;
    /// <summary>The most one request caused.</summary>
    public int Max;

    /// <summary>Adds <paramref name="other"/>'s requests.</summary>
    public void Add(RetryCounts other)
    {
        for (var i = 0; i < Buckets; i++) Histogram[i] += other.Histogram[i];
        Requests += other.Requests;
        Sum += other.Sum;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>Counts one request that caused <paramref name="retries"/> retries.</summary>
    public void Record(int retries)
    {
        Histogram[Math.Min(retries, Buckets - 1)]++;
        Requests++;
        Sum += retries;
        if (retries > Max) Max = retries;
    }
}

/// <summary>
/// Which services each measured request reached (every answer carries one bit per service index
/// below 64), and which failed requests had already committed a write somewhere: the raw material
/// for chatty pairs and partial failures.
/// </summary>
public sealed class CallGraphObservation
{
    /// <summary>Bits tracked: service indices below this.</summary>
    public const int Services = 64;

    /// <summary>Measured requests that answered with a service set.</summary>
    public long Requests;
    /// <summary>Requests that reached service i.</summary>
    public readonly long[] Reached = new long[Services];
    /// <summary>Requests that reached both i and j (i &lt; j), at [i * 64 + j].</summary>
    public readonly long[] ReachedTogether = new long[Services * Services];
    /// <summary>Requests that failed (or timed out) after some service on their path had committed a write.</summary>
    public long PartialFailures;

    /// <summary>Adds <paramref name="other"/>'s requests.</summary>
    public void Add(CallGraphObservation other)
    {
        Requests += other.Requests;
        PartialFailures += other.PartialFailures;
        for (var i = 0; i < Reached.Length; i++) Reached[i] += other.Reached[i];
        for (var i = 0; i < ReachedTogether.Length; i++) ReachedTogether[i] += other.ReachedTogether[i];
    }

    /// <summary>Counts one measured request's answer.</summary>
    public void Observe(ulong visited, RequestOutcome outcome, bool committed)
    {
        if (committed && outcome is RequestOutcome.Failed or RequestOutcome.TimedOut) PartialFailures++;
        if (visited == 0) return;
        Requests++;
        for (var rest = visited; rest != 0; rest &= rest - 1)
        {
            var i = System.Numerics.BitOperations.TrailingZeroCount(rest);
            Reached[i]++;
            for (var others = rest & (rest - 1); others != 0; others &= others - 1)
                ReachedTogether[i * Services + System.Numerics.BitOperations.TrailingZeroCount(others)]++;
        }
    }
}

/// <summary>Progress for a live view.</summary>
/// <param name="ElapsedSeconds">Since the load started (warm-up included).</param>
/// <param name="Phase">"warmup", "measure", "drain" or "done".</param>
/// <param name="Sent">Requests sent so far.</param>
/// <param name="Outstanding">Requests without an answer yet.</param>
/// <param name="IntervalRps">Answers per second since the previous snapshot.</param>
/// <param name="IntervalOkPercent">Share of those answers that were ok.</param>
/// <param name="IntervalP99Ms">p99 latency of ok answers since the previous snapshot.</param>
/// <param name="Ok">Ok so far.</param>
/// <param name="NotOk">Failed, timed out or rejected so far.</param>
public sealed record LiveStats(double ElapsedSeconds, string Phase, long Sent, long Outstanding, double IntervalRps, double IntervalOkPercent, double IntervalP99Ms, long Ok, long NotOk) : IMeshMessage;
