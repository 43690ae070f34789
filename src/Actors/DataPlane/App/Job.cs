using System.Collections.Immutable;
using ActorMesh.Topology;
using Akka.Actor;

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
    /// <summary>The script frames: the service's own at 0, a module's above it.</summary>
    public int Depth;
    public ScriptFrame[] Frames = new ScriptFrame[2];
    public long Span;
}

/// <summary>Where a job stands in one script: the service's own (module -1) or a module's.</summary>
internal struct ScriptFrame(ImmutableArray<ScriptStep> script, int module)
{
    public readonly ImmutableArray<ScriptStep> Script = script;
    public readonly int Module = module;
    public int Step;
}
