using Akka.Event;
using HdrHistogram;

namespace ActorMesh.Time;

/// <summary>The probe's own delayed delivery: due at <see cref="Due"/> on the mesh clock.</summary>
internal sealed record LatenessTick(long Due) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Ask the probe for what it measured; answered with <see cref="LatenessSamples"/>.</summary>
internal sealed class GetLateness : Signal<GetLateness>, INoSerializationVerificationNeeded;

/// <summary>The probe's samples so far: lateness in ticks (a copy).</summary>
internal sealed record LatenessSamples(HistogramBase Ticks) : INoSerializationVerificationNeeded;

/// <summary>
/// Samples the emulator's own lag off the hot path: it schedules a delivery to itself every
/// <see cref="Interval"/> through the mesh clock, on the mesh's dispatcher, and records how late each is
/// handled against its due time. That lateness is what the clock's thread and the dispatcher's backlog
/// add to every modelled delay of the same moment. The next tick is scheduled from the previous due
/// time, never from when the probe ran, so its own lag does not drift the sampling.
/// </summary>
internal sealed class LatenessProbe : UntypedActor
{
    /// <summary>Time between samples: 200 a second, negligible next to a mesh's deliveries.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

    private readonly MeshClock _clock;
    private readonly LongHistogram _lateness = new(TimeSpan.TicksPerHour, 3);

    public LatenessProbe(MeshClock clock) => _clock = clock;

    public static Props Props(MeshRuntime runtime) => runtime.Place(Akka.Actor.Props.Create(() => new LatenessProbe(runtime.Clock)));

    protected override void PreStart() => ScheduleFrom(_clock.Now);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case LatenessTick tick:
                var now = _clock.Now;
                _lateness.RecordValue(Math.Clamp(now - tick.Due, 0, TimeSpan.TicksPerHour));
                // From the due time; when the probe fell behind by more than an interval, it skips the ticks it missed.
                var next = tick.Due + Interval.Ticks;
                ScheduleFrom(next > now ? tick.Due : now);
                break;
            case GetLateness:
                Sender.Tell(new LatenessSamples(_lateness.Copy()));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void ScheduleFrom(long from)
    {
        var due = from + Interval.Ticks;
        _clock.Schedule(due - _clock.Now, Self, new LatenessTick(due), Self);
    }

    /// <summary>Summarises a histogram of lateness in ticks.</summary>
    public static Telemetry.LatenessSummary Summary(HistogramBase ticks)
    {
        if (ticks.TotalCount == 0) return Telemetry.LatenessSummary.None;
        static double Ms(long t) => Math.Round(t / (double)TimeSpan.TicksPerMillisecond, 3);
        return new Telemetry.LatenessSummary(Ms(ticks.GetValueAtPercentile(50)), Ms(ticks.GetValueAtPercentile(99)), Ms(ticks.GetMaxValue()), ticks.TotalCount);
    }
}
