namespace ActorMesh.Time;

/// <summary>
/// One timer over a table of deadlines (a proxy's calls, a gateway's aggregations): instead of one
/// scheduler entry per deadline, the owner is woken at the earliest deadline it watches, at most once
/// per <see cref="Resolution"/>, and sweeps its table. Each wake-up carries a generation, so a timer
/// superseded by an earlier deadline is ignored when it fires. A wake-up also carries its due time: the
/// owner sweeps as of then, however late it runs. A sweep is <see cref="Begin"/>, one <see cref="Include"/>
/// per deadline still watched, and <see cref="End"/>, which sets the next wake-up.
/// </summary>
internal sealed class SweepTimer(MeshClock clock, IActorRef owner, Func<long, long, object> due)
{
    /// <summary>Sweeps happen at most this often: a deadline fires within ~1 ms.</summary>
    public static readonly long Resolution = MeshClock.TicksPerMillisecond;

    private long _generation;
    private long _at = long.MaxValue;
    private long _last = long.MinValue / 2;
    private long _next = long.MaxValue;

    /// <summary>Makes sure the owner sweeps by <paramref name="deadline"/> (<see cref="long.MaxValue"/>: none), as of mesh time <paramref name="now"/>.</summary>
    public void Watch(long deadline, long now)
    {
        if (deadline == long.MaxValue || deadline >= _at) return;
        var at = Math.Max(deadline, _last + Resolution);
        if (at >= _at) return;
        _at = at;
        var wake = Math.Max(at, now) + 1;
        clock.ScheduleAt(wake, owner, due(++_generation, wake), owner);
    }

    /// <summary>
    /// A wake-up of <paramref name="generation"/>, due at mesh clock time <paramref name="due"/>, arrived: true when it
    /// is the current one, and the sweep starts as of <paramref name="now"/> (its due time on the mesh clock).
    /// </summary>
    public bool Begin(long generation, long due, out long now)
    {
        now = clock.TimeOf(due);
        if (generation != _generation) return false;
        _last = now;
        _at = long.MaxValue;
        _next = long.MaxValue;
        return true;
    }

    /// <summary>During a sweep: a deadline still watched after it (<see cref="long.MaxValue"/>: none).</summary>
    public void Include(long deadline)
    {
        if (deadline < _next) _next = deadline;
    }

    /// <summary>Ends the sweep begun at <paramref name="now"/>: the owner is woken again by the earliest deadline included.</summary>
    public void End(long now) => Watch(_next, now);
}
