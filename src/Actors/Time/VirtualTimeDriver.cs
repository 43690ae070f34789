using System.Diagnostics;

namespace ActorMesh.Time;

/// <summary>
/// Drives a mesh in virtual time from one thread: runs the actors' queued work and moves the
/// <see cref="VirtualClock"/> forward. Used by virtual-time runs from the console
/// (<c>--clock virtual</c>) and by test experiments. Nothing here reads the mesh's time from the
/// wall clock; a stall guard in real time only turns a mesh that stopped answering into an error.
/// </summary>
public sealed class VirtualTimeDriver(VirtualClock clock)
{
    /// <summary>How long a wait with no virtual time passing may take in real time before it is given up (a mesh that never answers).</summary>
    public TimeSpan StallLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock driven.</summary>
    public VirtualClock Clock => clock;

    /// <summary>Waits for <paramref name="task"/> (an ask of the mesh, a report), running the actors' work on this thread meanwhile; no virtual time passes.</summary>
    public T Await<T>(Task<T> task)
    {
        Await((Task)task);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Waits for <paramref name="task"/>, running the actors' work on this thread meanwhile; no virtual time passes.</summary>
    public void Await(Task task)
    {
        var started = Stopwatch.GetTimestamp();
        while (!task.IsCompleted)
        {
            if (clock.RunUntilIdle() > 0) continue;
            if (Stopwatch.GetElapsedTime(started) > StallLimit)
                throw new TimeoutException($"the mesh did not answer within {StallLimit.TotalSeconds:0} s of real time");
            task.Wait(TimeSpan.FromMilliseconds(1));
        }
    }

    /// <summary>
    /// Advances virtual time in <paramref name="step"/>s (default 1 ms) until <paramref name="task"/>
    /// completes, for at most <paramref name="limit"/> of virtual time.
    /// </summary>
    public void Advance(Task task, TimeSpan limit, TimeSpan? step = null)
    {
        var end = clock.Now + limit.Ticks;
        var by = (step ?? TimeSpan.FromMilliseconds(1)).Ticks;
        clock.RunUntilIdle();
        while (!task.IsCompleted && clock.Now < end) clock.AdvanceTo(Math.Min(end, clock.Now + by));
        if (!task.IsCompleted) throw new TimeoutException($"still not done after {limit} of virtual time");
    }

    /// <summary>Runs the actors' work until <paramref name="terminated"/> (an ActorSystem's termination) completes, for at most 10 s of real time.</summary>
    public void Shutdown(Task terminated)
    {
        var started = Stopwatch.GetTimestamp();
        while (!terminated.IsCompleted && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(10))
        {
            if (clock.RunUntilIdle() == 0) terminated.Wait(TimeSpan.FromMilliseconds(1));
        }
    }
}
