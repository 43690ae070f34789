using Akka.Event;

namespace ActorMesh.Hosting;

/// <summary>
/// A one-shot listener: asks <c>target</c> once and completes a task with the typed answer <em>on
/// the thread that delivers it</em> (no asynchronous continuation), so that in virtual time the answer
/// is visible as soon as the actor has sent it. Times out after a span of real time.
/// </summary>
/// <remarks>
/// The time-out is a <see cref="CancellationTokenSource"/>'s timer, not Akka's receive timeout: that would
/// start Akka's scheduler (a thread-pool timer ticking every 10 ms, which throws and catches an
/// <see cref="OperationCanceledException"/> as the system stops) in runs that otherwise never use it,
/// virtual-time runs and one-node runs in real time.
/// </remarks>
internal sealed class Reply<T>(IActorRef target, object question, TimeSpan timeout, TaskCompletionSource<T> completion) : UntypedActor
{
    private readonly CancellationTokenSource _patience = new();

    public static Props Props(MeshRuntime runtime, IActorRef target, object question, TimeSpan timeout, TaskCompletionSource<T> completion) =>
        runtime.Place(Akka.Actor.Props.Create(() => new Reply<T>(target, question, timeout, completion)));

    protected override void PreStart()
    {
        var self = Self;
        _patience.Token.Register(() => self.Tell(ReplyTimedOut.Instance, ActorRefs.NoSender));
        _patience.CancelAfter(timeout);
        target.Tell(question, Self);
    }

    // Disposing stops the timer: a listener that was answered never hears it.
    protected override void PostStop() => _patience.Dispose();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case T answer:
                completion.TrySetResult(answer);
                Context.Stop(Self);
                break;
            case ReplyTimedOut:
                completion.TrySetException(new TimeoutException($"no {typeof(T).Name} from {target.Path} within {timeout}"));
                Context.Stop(Self);
                break;
        }
    }
}

/// <summary>A <see cref="Reply{T}"/> waited its time out.</summary>
internal sealed class ReplyTimedOut : Signal<ReplyTimedOut>, INoSerializationVerificationNeeded, IDeadLetterSuppression;
