using Akka.Event;

namespace ActorMesh.Time;

/// <summary>
/// An actor's timers on the <see cref="MeshClock"/>, keyed as Akka's <c>IWithTimers</c> are (Akka's
/// own run on the system scheduler, which virtual time does not move). Starting a timer under a key
/// replaces the one running under it; a replaced or cancelled timer's message never arrives. The
/// owner hands every message to <see cref="TryTake"/> first (from <c>AroundReceive</c>), which unwraps
/// a current timer's message and swallows a stale one.
/// </summary>
internal sealed class ClockTimers(MeshClock clock, IActorRef owner)
{
    private readonly Dictionary<object, long> _running = [];
    private long _generation;

    /// <summary>Delivers <paramref name="message"/> to the owner after <paramref name="delay"/>, replacing the timer under <paramref name="key"/>.</summary>
    public void StartSingleTimer(object key, object message, TimeSpan delay)
    {
        var generation = ++_generation;
        _running[key] = generation;
        clock.Schedule(delay.Ticks, owner, new Fired(this, key, generation, message), owner);
    }

    /// <summary>True while the timer under <paramref name="key"/> has neither fired nor been cancelled.</summary>
    public bool IsTimerActive(object key) => _running.ContainsKey(key);

    /// <summary>Cancels the timer under <paramref name="key"/>, if any: its message will not arrive.</summary>
    public void Cancel(object key) => _running.Remove(key);

    /// <summary>
    /// True when <paramref name="message"/> is one of these timers firing: <paramref name="due"/> is its
    /// message when the timer is still current, null when it was replaced or cancelled (drop it).
    /// </summary>
    public bool TryTake(object message, out object? due)
    {
        due = null;
        if (message is not Fired fired) return false;
        if (ReferenceEquals(fired.Timers, this) && _running.TryGetValue(fired.Key, out var generation) && generation == fired.Generation)
        {
            _running.Remove(fired.Key);
            due = fired.Message;
        }
        return true;
    }

    /// <summary>A timer firing; it names its <see cref="ClockTimers"/>, so a restarted owner ignores its predecessor's timers.</summary>
    private sealed record Fired(ClockTimers Timers, object Key, long Generation, object Message) : INoSerializationVerificationNeeded, IDeadLetterSuppression;
}
