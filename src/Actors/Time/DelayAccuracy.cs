using HdrHistogram;

namespace ActorMesh.Time;

/// <summary>What a delay-accuracy run asks for. Every option documents its default.</summary>
internal sealed record DelayAccuracyOptions
{
    /// <summary>The delay requested for every message. Default 1 ms.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Delays requested per second. Default 100,000.</summary>
    public double Rate { get; init; } = 100_000;

    /// <summary>How long delays are requested and measured, after the warm-up. Default 5 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Delays requested first and delivered but not measured (JIT, thread-pool ramp-up). Default 1 s.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait, after the last request, for the last deliveries; the rest are counted lost. Default 5 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Akka dispatcher the receiving actor runs on; null means the system's default dispatcher (the
    /// .NET thread pool), so the error includes waking a pool thread, as a mesh actor's would.
    /// A pinned dispatcher isolates the delay service. Default null.
    /// </summary>
    public string? Dispatcher { get; init; }

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Positive("delay", Delay);
        at.Require(Rate is > 0 and <= 10_000_000, "rate", "must be between 0 (exclusive) and 10,000,000 per second");
        at.Positive("duration", Duration);
        at.NonNegative("warmup", Warmup);
        at.Positive("drainTimeout", DrainTimeout);
        at.Require(Delay + DrainTimeout < DelayAccuracy.HighestError, "drainTimeout", "delay + drainTimeout must stay under a minute");
    }
}

/// <summary>
/// The outcome of a delay-accuracy run. Error is how late the receiving actor processed a message
/// compared with the time it was asked for (request time + delay); early deliveries count as zero
/// error and are counted in <see cref="Early"/>.
/// </summary>
/// <param name="Scheduler">Which delay service was measured.</param>
/// <param name="Delay">The delay requested.</param>
/// <param name="RequestedRate">Delays requested per second.</param>
/// <param name="Requested">Delays requested in the measured window.</param>
/// <param name="Delivered">Measured delays delivered before the drain timeout.</param>
/// <param name="Early">Measured delays delivered before their due time.</param>
/// <param name="AchievedRate">Measured delays delivered per second of the measured window.</param>
/// <param name="MeanMs">Mean error, ms.</param>
/// <param name="P50Ms">Median error, ms.</param>
/// <param name="P90Ms">90th percentile error, ms.</param>
/// <param name="P99Ms">99th percentile error, ms.</param>
/// <param name="P999Ms">99.9th percentile error, ms.</param>
/// <param name="MaxMs">Largest error, ms.</param>
/// <param name="Elapsed">Time the whole run took (warm-up, measured window and drain), read from the clock.</param>
internal sealed record DelayAccuracyResult(
    string Scheduler, TimeSpan Delay, double RequestedRate, long Requested, long Delivered, long Early,
    double AchievedRate, double MeanMs, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs,
    TimeSpan Elapsed)
{
    /// <summary>Measured delays not delivered before the drain timeout.</summary>
    public long Lost => Requested - Delivered;
}

/// <summary>
/// Measures how accurately a delay service delivers: requests delays of one size at a steady rate
/// into a receiving actor, which records, on the clock, how late each one is processed. Works for
/// a <see cref="MeshClock"/> and, as the baseline, for Akka's own scheduler (timed by the same clock).
/// </summary>
/// <remarks>
/// The requests come from one dedicated thread that wakes about once a millisecond and requests, in a
/// batch, every delay whose intended time has passed; each delay records the clock time of its own
/// request, so batching does not count against the delay service. The receiving actor runs on the
/// system's default dispatcher unless told otherwise, so the error includes the hop from the
/// delivering thread into the mailbox and onto a dispatcher thread: what a mesh actor sees. One small
/// message is allocated per delay. In-flight delays are bounded by rate × (delay + error). Needs a
/// real clock: a <see cref="VirtualClock"/> is refused, since nothing would ever move it.
/// </remarks>
internal static class DelayAccuracy
{
    /// <summary>Largest error the histogram records (larger errors are recorded as this): one minute.</summary>
    public static readonly TimeSpan HighestError = TimeSpan.FromMinutes(1);

    private static int _runs; // names each run's receiver uniquely

    /// <summary>Measures <paramref name="clock"/>'s own <see cref="MeshClock.Schedule"/>.</summary>
    public static Task<DelayAccuracyResult> MeasureClockAsync(ActorSystem system, MeshClock clock, DelayAccuracyOptions options, CancellationToken cancel = default) =>
        MeasureAsync(system, clock, options, clock.GetType().Name,
            (delayTicks, target, message) => clock.Schedule(delayTicks, target, message, ActorRefs.Nobody), cancel);

    /// <summary>Measures Akka's scheduler of <paramref name="system"/> (<c>ScheduleTellOnce</c>), timed by <paramref name="clock"/>.</summary>
    public static Task<DelayAccuracyResult> MeasureAkkaSchedulerAsync(ActorSystem system, MeshClock clock, DelayAccuracyOptions options, CancellationToken cancel = default) =>
        MeasureAsync(system, clock, options, "AkkaScheduler",
            (delayTicks, target, message) => system.Scheduler.ScheduleTellOnce(TimeSpan.FromTicks(delayTicks), target, message, ActorRefs.Nobody), cancel);

    private static async Task<DelayAccuracyResult> MeasureAsync(
        ActorSystem system, MeshClock clock, DelayAccuracyOptions options, string name,
        Action<long, IActorRef, object> schedule, CancellationToken cancel)
    {
        var at = new ValidationContext();
        options.Validate(at);
        if (!at.IsValid) throw new ArgumentException(string.Join("; ", at.Errors), nameof(options));
        if (clock is VirtualClock) throw new ArgumentException("Delay accuracy is measured in real time; a virtual clock never moves by itself.", nameof(clock));

        var props = Props.Create(() => new DelayReceiver(clock));
        if (options.Dispatcher is not null) props = props.WithDispatcher(options.Dispatcher);
        var receiver = system.ActorOf(props, $"delay-accuracy-{Interlocked.Increment(ref _runs)}");
        try
        {
            var started = clock.Now;
            var pacer = new Pacer(clock, options, receiver, schedule, cancel);
            var thread = new Thread(pacer.Run) { IsBackground = true, Name = "delay-pacer" };
            thread.Start();
            await pacer.Done.Task.ConfigureAwait(false);

            DelayReport report;
            try
            {
                report = await receiver.Ask<DelayReport>(new ReportWhenReceived(pacer.Total), options.DrainTimeout, cancel).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                report = await receiver.Ask<DelayReport>(ReportNow.Instance, TimeSpan.FromSeconds(5), cancel).ConfigureAwait(false);
            }

            var h = report.Errors;
            var window = Math.Max(1, pacer.LastMeasured - pacer.FirstMeasured);
            static double Ms(double ticks) => ticks / TimeSpan.TicksPerMillisecond;
            return new DelayAccuracyResult(
                name, options.Delay, options.Rate, pacer.Measured, h.TotalCount, report.Early,
                h.TotalCount / (window / (double)TimeSpan.TicksPerSecond),
                Ms(h.GetMean()), Ms(h.GetValueAtPercentile(50)), Ms(h.GetValueAtPercentile(90)), Ms(h.GetValueAtPercentile(99)),
                Ms(h.GetValueAtPercentile(99.9)), Ms(h.GetMaxValue()), TimeSpan.FromTicks(clock.Now - started));
        }
        finally
        {
            receiver.Tell(PoisonPill.Instance);
        }
    }

    /// <summary>Requests the delays from a dedicated thread, in batches about a millisecond apart.</summary>
    private sealed class Pacer(MeshClock clock, DelayAccuracyOptions options, IActorRef receiver, Action<long, IActorRef, object> schedule, CancellationToken cancel)
    {
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long Total, Measured, FirstMeasured, LastMeasured;

        public void Run()
        {
            try
            {
                var delay = options.Delay.Ticks;
                var interval = TimeSpan.TicksPerSecond / options.Rate;
                var start = clock.Now;
                var measureFrom = start + options.Warmup.Ticks;
                var end = measureFrom + options.Duration.Ticks;
                var intended = (double)start;
                while (!cancel.IsCancellationRequested)
                {
                    var now = clock.Now;
                    while (intended <= now && intended < end)
                    {
                        var requestedAt = clock.Now;
                        var measured = intended >= measureFrom;
                        schedule(delay, receiver, new DelayProbe(requestedAt + delay, measured));
                        Total++;
                        if (measured)
                        {
                            if (Measured++ == 0) FirstMeasured = requestedAt;
                            LastMeasured = requestedAt;
                        }
                        intended += interval;
                    }
                    if (intended >= end) break;
                    // Not a timing device: only lets the delay service and the receiver have the CPU between batches.
                    Thread.Sleep(1);
                }
                if (cancel.IsCancellationRequested) Done.SetCanceled(cancel);
                else Done.SetResult();
            }
            catch (Exception e)
            {
                Done.TrySetException(e);
            }
        }
    }

    /// <summary>A delayed message; carries the time it is due.</summary>
    private sealed record DelayProbe(long Due, bool Measured) : INoSerializationVerificationNeeded;

    /// <summary>Reply once this many probes (measured or not) have arrived.</summary>
    private sealed record ReportWhenReceived(long Count) : INoSerializationVerificationNeeded;

    /// <summary>Reply now with what has arrived.</summary>
    private sealed class ReportNow : Signal<ReportNow>, INoSerializationVerificationNeeded;

    private sealed record DelayReport(LongHistogram Errors, long Early) : INoSerializationVerificationNeeded;

    /// <summary>Records each probe's error on the clock; the histogram is only touched on the actor's thread.</summary>
    private sealed class DelayReceiver : UntypedActor
    {
        private readonly MeshClock _clock;
        private readonly LongHistogram _errors = new(HighestError.Ticks, 3);
        private long _received, _early, _awaited = long.MaxValue;
        private IActorRef _requester = ActorRefs.Nobody;

        public DelayReceiver(MeshClock clock) => _clock = clock;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case DelayProbe probe:
                    var error = _clock.Now - probe.Due;
                    _received++;
                    if (probe.Measured)
                    {
                        if (error < 0) { _early++; error = 0; }
                        _errors.RecordValue(Math.Min(error, HighestError.Ticks));
                    }
                    if (_received == _awaited) Reply();
                    break;
                case ReportWhenReceived request:
                    _awaited = request.Count;
                    _requester = Sender;
                    if (_received >= _awaited) Reply();
                    break;
                case ReportNow:
                    _requester = Sender;
                    Reply();
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }

        private void Reply()
        {
            _requester.Tell(new DelayReport(_errors.Copy() as LongHistogram ?? throw new InvalidOperationException(), _early));
            _awaited = long.MaxValue;
        }
    }
}
