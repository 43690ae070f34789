namespace ActorMesh.Time;

/// <summary>
/// The one clock and delay service of a run. Everything in the mesh reads time from here and
/// schedules delayed deliveries (network hops, service time, back-off, timeout sweeps) through
/// here, so a run can use the real high-resolution clock or a <see cref="VirtualClock"/>.
/// </summary>
/// <remarks>Time is measured in <see cref="TimeSpan"/> ticks (100 ns) since the clock started.</remarks>
public abstract class MeshClock : IDisposable
{
    /// <summary>Ticks (100 ns) in one millisecond.</summary>
    public const long TicksPerMillisecond = TimeSpan.TicksPerMillisecond;

    /// <summary>Monotonic time since the clock started, in ticks (100 ns).</summary>
    public abstract long Now { get; }

    /// <summary>
    /// Delivers <paramref name="message"/> to <paramref name="target"/> after <paramref name="delayTicks"/>.
    /// A delay of zero or less is delivered at once on the caller's thread.
    /// </summary>
    public abstract void Schedule(long delayTicks, IActorRef target, object message, IActorRef sender);

    /// <summary>
    /// Delivers <paramref name="message"/> to <paramref name="target"/> at mesh time <paramref name="due"/>
    /// (at once when that has passed). A delayed step is scheduled from its due time, never from when its
    /// actor got to run, so the emulator's own lateness does not pile up into modelled time (DESIGN §6).
    /// </summary>
    public void ScheduleAt(long due, IActorRef target, object message, IActorRef sender) => Schedule(due - Now, target, message, sender);

    /// <summary>
    /// The mesh time a message due at <paramref name="due"/> is handled at: its due time (never later than
    /// now), or now when it carries none (0). In virtual time it is always now; in real time the actor may
    /// run late, and what it schedules next starts from the due time all the same.
    /// </summary>
    public long TimeOf(long due)
    {
        var now = Now;
        return due > 0 && due < now ? due : now;
    }

    /// <summary>Deliveries scheduled and not yet made.</summary>
    public abstract int Pending { get; }

    /// <summary>Converts milliseconds to ticks.</summary>
    public static long FromMilliseconds(double milliseconds) => (long)(milliseconds * TicksPerMillisecond);

    /// <summary>Converts ticks to milliseconds.</summary>
    public static double ToMilliseconds(long ticks) => ticks / (double)TicksPerMillisecond;

    /// <summary>Stops the clock's delivery thread, if it has one.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
