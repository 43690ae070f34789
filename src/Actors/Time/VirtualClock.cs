namespace ActorMesh.Time;

/// <summary>
/// Virtual time for tests and repeatable runs: nothing is delivered until <see cref="Advance"/>
/// moves time forward, and deliveries happen in due order on the caller's thread. Given the
/// <see cref="VirtualTimeDispatcher"/> the mesh's actors run on, every delivery's consequences are
/// run to completion before time moves on, so a run is single-threaded and deterministic.
/// </summary>
public sealed class VirtualClock(VirtualTimeDispatcher? dispatcher = null) : MeshClock
{
    // With the dispatcher, every actor runs on the thread that drives this clock, so the heap needs no
    // lock (a virtual-time run schedules millions of deliveries). Without it, actors on Akka's threads schedule.
    private readonly Lock? _lock = dispatcher is null ? new() : null;
    private readonly DeliveryHeap _heap = new();
    private long _now;

    /// <inheritdoc />
    public override long Now => Volatile.Read(ref _now);

    /// <inheritdoc />
    public override int Pending
    {
        get
        {
            if (_lock is null) return _heap.Count;
            lock (_lock) return _heap.Count;
        }
    }

    /// <inheritdoc />
    public override void Schedule(long delayTicks, IActorRef target, object message, IActorRef sender)
    {
        if (delayTicks <= 0)
        {
            target.Tell(message, sender);
            return;
        }
        if (_lock is null) _heap.Push(new TimedDelivery(_now + delayTicks, target, message, sender));
        else lock (_lock) _heap.Push(new TimedDelivery(_now + delayTicks, target, message, sender));
    }

    /// <summary>Moves time forward by <paramref name="by"/>, delivering everything that falls due on the way, in order.</summary>
    public void Advance(TimeSpan by) => AdvanceTo(Now + by.Ticks);

    /// <summary>Runs the actors' queued work until they are all idle (no time passes); returns how many items ran.</summary>
    public int RunUntilIdle() => dispatcher?.RunUntilIdle() ?? 0;

    /// <summary>Moves time forward to <paramref name="ticks"/>, delivering everything that falls due on the way, in order.</summary>
    public void AdvanceTo(long ticks)
    {
        while (true)
        {
            RunUntilIdle();
            if (!TryPopDue(ticks, out var next)) break;
            next.Target.Tell(next.Message, next.Sender);
        }
        if (_lock is null) MoveTo(ticks);
        else lock (_lock) MoveTo(ticks);
        RunUntilIdle();
    }

    private bool TryPopDue(long ticks, out TimedDelivery next)
    {
        if (_lock is null) return TryPopDueUnlocked(ticks, out next);
        lock (_lock) return TryPopDueUnlocked(ticks, out next);
    }

    private bool TryPopDueUnlocked(long ticks, out TimedDelivery next)
    {
        if (_heap.Count == 0 || _heap.PeekDue > ticks)
        {
            next = default;
            return false;
        }
        next = _heap.Pop();
        MoveTo(next.Due);
        return true;
    }

    private void MoveTo(long ticks)
    {
        if (ticks > _now) Volatile.Write(ref _now, ticks);
    }
}
