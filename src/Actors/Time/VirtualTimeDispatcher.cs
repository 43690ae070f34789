using System.Collections.Concurrent;
using Akka.Configuration;
using Akka.Dispatch;

namespace ActorMesh.Time;

/// <summary>
/// A dispatcher that runs nothing by itself: actors' work queues up until <see cref="RunUntilIdle"/>
/// runs it, in order, on the caller's thread. Installed as an ActorSystem's default dispatcher (with
/// <see cref="Config"/>) and paired with a <see cref="VirtualClock"/>, it makes a whole mesh run
/// single-threaded and deterministic for its seed, taking no wall time. Akka's own guardians run on
/// its internal dispatcher, so a top-level actor starts at a moment of their choosing: the mesh
/// therefore creates exactly one top-level actor and everything else beneath it.
/// </summary>
public sealed class VirtualTimeDispatcher : MessageDispatcher
{
    /// <summary>Configuration that makes the virtual-time dispatcher the ActorSystem's default dispatcher.</summary>
    public static readonly Config Config = ConfigurationFactory.ParseString($$"""
        akka.actor.default-dispatcher {
          type = "{{typeof(VirtualTimeDispatcherConfigurator).AssemblyQualifiedName}}"
          throughput = 100
        }
        akka.loggers-dispatcher = "akka.actor.internal-dispatcher"
        """);

    /// <summary>The virtual-time dispatcher of <paramref name="system"/> (configured with <see cref="Config"/>).</summary>
    public static VirtualTimeDispatcher Of(Akka.Actor.ActorSystem system) =>
        system.Dispatchers.DefaultGlobalDispatcher as VirtualTimeDispatcher
        ?? throw new InvalidOperationException("The ActorSystem's default dispatcher is not the virtual-time dispatcher; create it with VirtualTimeDispatcher.Config.");

    private readonly ConcurrentQueue<IRunnable> _work = new();
    private long _messages;

    internal VirtualTimeDispatcher(MessageDispatcherConfigurator configurator) : base(configurator) { }

    /// <summary>True when no work is waiting.</summary>
    public bool IsIdle => _work.IsEmpty;

    /// <summary>Runs queued work (and the work it causes) until none is left; returns how many items ran.</summary>
    public int RunUntilIdle()
    {
        var ran = 0;
        while (_work.TryDequeue(out var work))
        {
            work.Run();
            ran++;
        }
        return ran;
    }

    /// <summary>
    /// Messages sent to the actors on this dispatcher (the mesh's) so far, each counted once as it is
    /// handed to its actor's mailbox, whatever the mailbox. Akka's own actors (guardians, event stream,
    /// loggers) run elsewhere and are not counted, nor are system messages: on one thread, for a seed,
    /// the count is the same on every run.
    /// </summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <inheritdoc />
    public override void Dispatch(ActorCell cell, Envelope envelope)
    {
        // Atomic: an answer piped from a task, or Akka's scheduler, may send to a mesh actor from another thread.
        Interlocked.Increment(ref _messages);
        base.Dispatch(cell, envelope);
    }

    /// <inheritdoc />
    protected override void ExecuteTask(IRunnable run) => _work.Enqueue(run);

    /// <inheritdoc />
    protected override void Shutdown() { }
}

/// <summary>Creates the one <see cref="VirtualTimeDispatcher"/> of an ActorSystem.</summary>
internal sealed class VirtualTimeDispatcherConfigurator(Config config, IDispatcherPrerequisites prerequisites)
    : MessageDispatcherConfigurator(config, prerequisites)
{
    private VirtualTimeDispatcher? _dispatcher;

    /// <inheritdoc />
    public override MessageDispatcher Dispatcher() => _dispatcher ??= new VirtualTimeDispatcher(this);
}
