namespace ActorMesh.DataPlane.Logs;

/// <summary>
/// The log-collector sidecar (Fluent Bit's role in a pod): the app records one structured log event
/// per handled request into the pod's bounded log buffer; the collector ships them in batches, through
/// Serilog, to the run's central log store. The buffer belongs to the pod, so events wait there while
/// the collector restarts; an event that finds the buffer full is dropped and counted, never lost
/// silently. Defaults are in this record, each documented.
/// </summary>
public sealed record LogCollectorOptions
{
    /// <summary>Largest <see cref="BufferSize"/> accepted.</summary>
    public const int MaxBufferSize = 1_000_000;

    /// <summary>
    /// Events the pod's buffer holds while they wait to be shipped (the bound of the pod's log volume).
    /// An event emitted while it is full is dropped and counted. Default 1024.
    /// </summary>
    public int BufferSize { get; init; } = 1024;

    /// <summary>Events per batch: a batch ships as soon as this many wait. Default 100.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Whatever waits is shipped at least this often, full batch or not. Default 1 s (Fluent Bit's <c>Flush</c>).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Time a crashed collector needs after its restart before it ships again (its process starting);
    /// events wait in the pod's buffer meanwhile. The first start is immediate. Default 1 s.
    /// </summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Share of handled requests the app logs, one event each, 0..1. Default 1 (every request).</summary>
    public double SampleRate { get; init; } = 1;

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Require(BufferSize is >= 1 and <= MaxBufferSize, "bufferSize", $"must be between 1 and {MaxBufferSize}");
        at.Require(BatchSize >= 1, "batchSize", "must be at least 1");
        if (BatchSize > BufferSize && BufferSize >= 1) at.Error("batchSize", $"must not exceed bufferSize ({BufferSize}): a batch that cannot fill would only ship on the interval");
        at.Positive("flushInterval", FlushInterval);
        at.NonNegative("restartDelay", RestartDelay);
        at.Require(SampleRate is >= 0 and <= 1, "sampleRate", "must be between 0 and 1 (or a percentage like '10%')");
    }
}
