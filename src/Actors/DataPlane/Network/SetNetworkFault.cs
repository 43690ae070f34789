namespace ActorMesh.DataPlane.Network;

/// <summary>To every node agent: start (<paramref name="Active"/>) or end <paramref name="Fault"/> in the node's network (a timeline event).</summary>
internal sealed record SetNetworkFault(NetworkFault Fault, bool Active) : IMeshMessage;
