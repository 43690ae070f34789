namespace ActorMesh.Hosting;

/// <summary>
/// A one-shot listener: asks <c>target</c> once and completes a task with the typed answer <em>on
/// the thread that delivers it</em> (no asynchronous continuation), so that in virtual time the answer
/// is visible as soon as the actor has sent it. Times out after a span of real time.
/// </summary>
internal sealed class Reply<T>(IActorRef target, object question, TimeSpan timeout, TaskCompletionSource<T> completion) : UntypedActor
{
    public static Props Props(MeshRuntime runtime, IActorRef target, object question, TimeSpan timeout, TaskCompletionSource<T> completion) =>
        runtime.Place(Akka.Actor.Props.Create(() => new Reply<T>(target, question, timeout, completion)));

    protected override void PreStart()
    {
        Context.SetReceiveTimeout(timeout);
        target.Tell(question, Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case T answer:
                completion.TrySetResult(answer);
                Context.Stop(Self);
                break;
            case ReceiveTimeout:
                completion.TrySetException(new TimeoutException($"no {typeof(T).Name} from {target.Path} within {timeout}"));
                Context.Stop(Self);
                break;
        }
    }
}
