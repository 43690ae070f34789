using Akka.Actor;
using System.Collections.Concurrent;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace ActorMesh.Tests.Support;

/// <summary>
/// Akka's scheduler (a <see cref="HashedWheelTimerScheduler"/> inside), noting the path of every actor it
/// is asked to send a message to: what in a run waits on Akka's real-time timers. Installed with
/// <see cref="Config"/>; process-wide, so one test at a time may use it.
/// </summary>
public sealed class NotingScheduler(Config config, ILoggingAdapter log) : SchedulerBase(config, log), IDisposable
{
    /// <summary>Akka configuration that installs it as the ActorSystem's scheduler.</summary>
    public static readonly Config Config = ConfigurationFactory.ParseString(
        $"akka.scheduler.implementation = \"{typeof(NotingScheduler).AssemblyQualifiedName}\"");

    /// <summary>"path: message type" of every message scheduled for an actor, by every system that used it.</summary>
    public static readonly ConcurrentQueue<string> Tells = new();

    private readonly HashedWheelTimerScheduler _inner = new(config, log);

    private IScheduler Inner => _inner;

    protected override DateTimeOffset TimeNow => ((IDateTimeOffsetNowTimeProvider)_inner).Now;
    public override TimeSpan MonotonicClock => _inner.MonotonicClock;
    public override TimeSpan HighResMonotonicClock => _inner.HighResMonotonicClock;

    private static void Note(ICanTell receiver, object message) =>
        Tells.Enqueue($"{(receiver as IActorRef)?.Path.ToStringWithoutAddress() ?? receiver.ToString()}: {message.GetType().Name}");

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable)
    {
        Note(receiver, message);
        Inner.ScheduleTellOnce(delay, receiver, message, sender, cancelable);
    }

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable)
    {
        Note(receiver, message);
        Inner.ScheduleTellRepeatedly(initialDelay, interval, receiver, message, sender, cancelable);
    }

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) => Inner.Advanced.ScheduleOnce(delay, action, cancelable);
    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) => Inner.Advanced.ScheduleOnce(delay, action, cancelable);
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) => Inner.Advanced.ScheduleRepeatedly(initialDelay, interval, action, cancelable);
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) => Inner.Advanced.ScheduleRepeatedly(initialDelay, interval, action, cancelable);

    public void Dispose() => _inner.Dispose();
}
