namespace ActorMesh.ControlPlane;

/// <summary>What a node may run.</summary>
[Flags]
internal enum NodeRoles
{
    /// <summary>Nothing (a node the control plane only watches).</summary>
    None = 0,
    /// <summary>Service pods.</summary>
    Pods = 1,
    /// <summary>Gateways (the edge: the node that also drives the load).</summary>
    Gateways = 2,
    /// <summary>Both: a single-node mesh.</summary>
    All = Pods | Gateways,
}

/// <summary>
/// A node offers itself to the control plane: <paramref name="Agent"/> starts and stops what the
/// control plane places there. Idempotent; on a cluster every node sends it again every second, so
/// a control plane that has just moved learns every node.
/// </summary>
internal sealed record RegisterNode(string Node, IActorRef Agent, NodeRoles Roles) : IMeshMessage;

/// <summary>The edge (the node that drives a run) offers the run's API server to the control plane; sent again every second.</summary>
internal sealed record RegisterEdge(IActorRef ApiServer) : IMeshMessage;

/// <summary>A node is gone (unreachable, downed or removed): its endpoints are dropped and its pods placed elsewhere.</summary>
internal sealed record NodeLost(string Node, string Reason) : IMeshMessage;

/// <summary>Ask the control plane's host for the nodes it knows (answer: <see cref="MeshNodes"/>).</summary>
internal sealed class GetNodes : Signal<GetNodes>, IMeshMessage;

/// <summary>One node as the control plane sees it.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="Agent">Its agent.</param>
/// <param name="Roles">What it may run.</param>
/// <param name="Up">False once it was lost.</param>
internal sealed record NodeInfo(string Node, IActorRef Agent, NodeRoles Roles, bool Up);

/// <summary>The nodes the control plane knows, lost ones included, in the order they registered.</summary>
internal sealed record MeshNodes(IReadOnlyList<NodeInfo> Nodes) : IMeshMessage;

/// <summary>Deliver <paramref name="Message"/> to pod <paramref name="PodId"/> on whichever node runs it; nodes without it ignore it.</summary>
internal sealed record ToPod(string PodId, object Message) : IMeshMessage;

/// <summary>Deliver <paramref name="Message"/> to every node agent that is up.</summary>
internal sealed record ToAllNodes(object Message) : IMeshMessage;

/// <summary>Crash node <paramref name="Node"/>: its ActorSystem stops at once, without leaving the cluster (as a killed process would).</summary>
internal sealed record CrashNode(string Node) : IMeshMessage;
