namespace ActorMesh.DataPlane.App;

/// <summary>
/// A request an app is working on, from admission to its answer: where its script stands and what
/// its calls brought back. Pooled: the app's job table keeps the instance for the next job in its slot.
/// </summary>
internal sealed class Job
{
    public MeshRequest? Request;
    public IActorRef? ReplyTo;
    public long Arrived;
    /// <summary>The service time is over; the script runs.</summary>
    public bool Computed;
    /// <summary>Calls of the current step not yet answered.</summary>
    public int Pending;
    public bool Failed;
    public int FailStatus;
    /// <summary>The current step's calls are being sent (an answer arriving meanwhile must not run the script on).</summary>
    public bool Issuing;
    /// <summary>Sleeps, store round trips and module calls not yet waited out.</summary>
    public long Wait;
    /// <summary>The job's mesh time: the due time of the step it is at (its start, a wait's end, its calls' end).</summary>
    public long At;
    /// <summary>Retries its calls caused, over their whole call trees.</summary>
    public int Retries;
    public ulong Visited;
    public bool Committed;
    /// <summary>The answer will be degraded (flag DG): a call was skipped or fell back, or answered degraded itself.</summary>
    public bool Degraded;
    /// <summary>The calls the current step made, in order, each with its own id (so a parallel call's answer names its call); 0 once answered.</summary>
    public ServiceCall?[] Calls = new ServiceCall?[1];
    public long[] CallIds = new long[1];
    public int Issued;
    /// <summary>The script frames: the service's own at 0, a module's above it.</summary>
    public int Depth;
    public ScriptFrame[] Frames = new ScriptFrame[2];
    public long Span;

    /// <summary>The job has answered: it lets go of its request and caller, and what it noted on the way.</summary>
    public void End()
    {
        Request = null;
        ReplyTo = null;
        Degraded = false;
        Issued = 0;
    }

    /// <summary>Notes that the current step made <paramref name="call"/> with id <paramref name="id"/>.</summary>
    public void Track(ServiceCall call, long id)
    {
        if (Issued == CallIds.Length)
        {
            Array.Resize(ref CallIds, Issued * 2);
            Array.Resize(ref Calls, Issued * 2);
        }
        Calls[Issued] = call;
        CallIds[Issued++] = id;
    }

    /// <summary>The current step's call with id <paramref name="id"/>, now answered; null when no unanswered call of the step has it (a stale or repeated answer).</summary>
    public ServiceCall? Answer(long id)
    {
        for (var i = 0; i < Issued; i++)
        {
            if (CallIds[i] != id) continue;
            CallIds[i] = 0;
            return Calls[i];
        }
        return null;
    }

    /// <summary>The ids of the current step's calls not answered yet.</summary>
    public void Unanswered(List<long> into)
    {
        for (var i = 0; i < Issued; i++)
            if (CallIds[i] != 0) into.Add(CallIds[i]);
    }
}

/// <summary>Where a job stands in one script: the service's own (module -1) or a module's.</summary>
internal struct ScriptFrame(ImmutableArray<ScriptStep> script, int module)
{
    public readonly ImmutableArray<ScriptStep> Script = script;
    public readonly int Module = module;
    public int Step;
}
