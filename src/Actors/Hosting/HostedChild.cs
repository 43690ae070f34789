namespace ActorMesh.Hosting;

/// <summary>
/// A host actor (a node's, the control plane's) stands in front of a child it runs, which may be absent:
/// not started yet, or stopped for an outage. What is not the host's own goes on to the child.
/// </summary>
internal static class HostedChild
{
    /// <summary>Forwards <paramref name="message"/> to <paramref name="child"/> with its sender; false when there is no child to take it.</summary>
    public static bool TryForward(this IActorRef child, object message)
    {
        if (child.IsNobody()) return false;
        child.Forward(message);
        return true;
    }
}
