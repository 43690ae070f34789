namespace ActorMesh.DataPlane.App;

/// <summary>A request waiting for a worker: what to answer, to whom, and when it arrived (mesh clock).</summary>
internal readonly record struct WaitingRequest(MeshRequest Request, IActorRef ReplyTo, long Arrived);

/// <summary>
/// An app's workers and its queue: a request holds a worker from its start to its answer; while every
/// worker is busy it waits in a bounded first-come-first-served queue, and past the queue's capacity it
/// is refused. Times are due times on the mesh clock (DESIGN §6): a request starts at
/// max(its arrival, when its worker became free), never when the app's actor got round to it, so the
/// emulator's own lateness never piles up into the queue.
/// </summary>
/// <remarks>
/// Workers that have worked are free since their last job's due end, and a request takes the one free
/// the longest (a min-heap: jobs need not end in due order when the actor runs late); a worker that has
/// never worked is free since forever and is taken first. Allocates nothing once its queues have grown
/// to their peak.
/// </remarks>
internal sealed class WorkerPool(int workers, int queueCapacity)
{
    private readonly PriorityQueue<long, long> _freeSince = new();
    private readonly Queue<WaitingRequest> _waiting = new();
    private int _busy;

    /// <summary>Workers holding a request.</summary>
    public int Busy => _busy;

    /// <summary>Requests waiting for a worker.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>
    /// Takes a free worker for a request that arrived at <paramref name="arrived"/>; <paramref name="start"/>
    /// is when it starts: its arrival, or later if the worker became free later. False when every worker is busy.
    /// </summary>
    public bool TryTake(long arrived, out long start)
    {
        start = arrived;
        if (_busy >= workers) return false;
        // More free workers than free-since times: one has never worked.
        if (workers - _busy <= _freeSince.Count) start = Math.Max(arrived, _freeSince.Dequeue());
        _busy++;
        return true;
    }

    /// <summary>Queues a request for the next free worker; false when the queue is full (the request is refused).</summary>
    public bool TryWait(in WaitingRequest request)
    {
        if (_waiting.Count >= queueCapacity) return false;
        _waiting.Enqueue(request);
        return true;
    }

    /// <summary>
    /// A worker's job ended at <paramref name="at"/> (its due end). True when a waiting request takes the
    /// worker: <paramref name="next"/>, starting at <paramref name="start"/> = max(its arrival, <paramref name="at"/>).
    /// </summary>
    public bool Release(long at, out WaitingRequest next, out long start)
    {
        if (_waiting.TryDequeue(out next))
        {
            start = Math.Max(next.Arrived, at);
            return true;
        }
        start = 0;
        _busy--;
        _freeSince.Enqueue(at, at);
        return false;
    }
}
