namespace ActorMesh;

/// <summary>
/// Marker for the mesh's control messages that may cross nodes (control plane, node agents, reports).
/// On a cluster they are serialized as JSON by <see cref="Clustering.ControlMessageSerializer"/>; the
/// data plane's requests and responses use the compact binary <see cref="Clustering.DataPlaneSerializer"/>.
/// </summary>
internal interface IMeshMessage;
