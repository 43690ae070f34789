using Akka.Cluster;

namespace ActorMesh.Clustering;

/// <summary>A cluster member became unreachable or left: whatever ran at <paramref name="Address"/> is gone.</summary>
internal sealed record MemberGone(Address Address, string Reason) : INoSerializationVerificationNeeded;

/// <summary>
/// Watches cluster membership for the control plane's host (the cluster singleton) and tells it when
/// a member becomes unreachable or is removed. Unreachable is enough: a node that stops answering
/// heartbeats serves no requests, so its endpoints go at once rather than after the split-brain
/// resolver has downed it.
/// </summary>
internal sealed class ClusterMembershipWatcher : UntypedActor
{
    /// <summary>The role of nodes that run pods.</summary>
    public const string PodsRole = "pods";
    /// <summary>The role of the node that drives a run (API server, gateways, load).</summary>
    public const string EdgeRole = "edge";

    public static Props Props() => Akka.Actor.Props.Create(() => new ClusterMembershipWatcher());

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberRemoved), typeof(ClusterEvent.MemberDowned));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClusterEvent.UnreachableMember m: Context.Parent.Tell(new MemberGone(m.Member.Address, "unreachable")); break;
            case ClusterEvent.MemberDowned m: Context.Parent.Tell(new MemberGone(m.Member.Address, "downed")); break;
            case ClusterEvent.MemberRemoved m: Context.Parent.Tell(new MemberGone(m.Member.Address, "removed")); break;
        }
    }

    /// <summary>Members with the pods role that are up and reachable, as <paramref name="system"/> sees them.</summary>
    public static int PodNodesUp(ActorSystem system)
    {
        var state = Cluster.Get(system).State;
        var count = 0;
        foreach (var m in state.Members)
            if (m.Status == MemberStatus.Up && m.HasRole(PodsRole) && !state.Unreachable.Contains(m)) count++;
        return count;
    }
}

/// <summary>
/// Counts, from one node's point of view (the edge's), the nodes with the pods role that failed:
/// became unreachable or were downed. A clean leave is not a failure.
/// </summary>
internal sealed class NodeFailureCounter
{
    private readonly HashSet<Address> _failed = [];

    /// <summary>Nodes failed so far.</summary>
    public int Count
    {
        get { lock (_failed) return _failed.Count; }
    }

    /// <summary>True when the node at <paramref name="address"/> is among those failed.</summary>
    public bool Includes(Address address)
    {
        lock (_failed) return _failed.Contains(address);
    }

    /// <summary>Starts counting for <paramref name="system"/> (a member of the cluster).</summary>
    public static NodeFailureCounter Start(ActorSystem system)
    {
        var counter = new NodeFailureCounter();
        system.ActorOf(Props.Create(() => new Watcher(counter)));
        return counter;
    }

    private sealed class Watcher(NodeFailureCounter counter) : UntypedActor
    {
        protected override void PreStart() =>
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberDowned));

        protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

        protected override void OnReceive(object message)
        {
            var member = message switch
            {
                ClusterEvent.UnreachableMember u => u.Member,
                ClusterEvent.MemberDowned d => d.Member,
                _ => null,
            };
            if (member is null || !member.HasRole(ClusterMembershipWatcher.PodsRole)) return;
            lock (counter._failed) counter._failed.Add(member.Address);
        }
    }
}
