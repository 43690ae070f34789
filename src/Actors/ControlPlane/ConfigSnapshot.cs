namespace ActorMesh.ControlPlane;

/// <summary>One instance of a service that proxies can send to.</summary>
/// <param name="PodId">Pod id, e.g. "payments-2".</param>
/// <param name="Service">Service name.</param>
/// <param name="Index">Instance index within the service.</param>
/// <param name="Address">Where requests go: the pod's sidecar, or its app when the mesh has no sidecars.</param>
/// <param name="Node">Node (ActorSystem) the pod runs on.</param>
/// <param name="Version">Deployed version label.</param>
/// <param name="Zone">Zone the pod runs in; null when the topology has no zones.</param>
internal sealed record Endpoint(string PodId, string Service, int Index, IActorRef Address, string Node, string Version, string? Zone = null);

/// <summary>
/// A versioned, immutable configuration the control plane pushes to every sidecar and gateway (as
/// xDS does): the policies, the network, the routes, and the endpoints of every service. Proxies
/// hold the last snapshot they accepted and never ask the control plane per request.
/// </summary>
/// <param name="Version">Monotonic version.</param>
/// <param name="Topology">Desired state the snapshot was rendered from (policies, network, routes).</param>
/// <param name="Endpoints">Ready endpoints per service.</param>
internal sealed record ConfigSnapshot(long Version, MeshTopology Topology, ImmutableDictionary<string, ImmutableArray<Endpoint>> Endpoints)
{
    /// <summary>The endpoints of <paramref name="service"/> (empty when none is ready).</summary>
    public ImmutableArray<Endpoint> EndpointsOf(string service) => Endpoints.TryGetValue(service, out var e) ? e : [];
}

/// <summary>Messages between the control plane and the data plane (xDS in spirit).</summary>
internal interface IConfigProtocol : IMeshMessage;

/// <summary>A pushed snapshot; the receiver answers <see cref="ConfigAck"/> or <see cref="ConfigNack"/>.</summary>
internal sealed record ConfigPush(ConfigSnapshot Snapshot) : IConfigProtocol;

/// <summary>The snapshot of <paramref name="Version"/> was accepted.</summary>
internal sealed record ConfigAck(long Version, string Workload) : IConfigProtocol;

/// <summary>
/// The snapshot pushed as <paramref name="Nonce"/> was rejected; the receiver keeps its last good one, whose
/// version it reports in <paramref name="Version"/> (0: none yet), as an xDS NACK does: its
/// <c>version_info</c> is the previous accepted version, its <c>response_nonce</c> the rejected push's, its
/// <c>error_detail</c> the <paramref name="Reason"/>. A push's nonce here is the version it carries.
/// </summary>
internal sealed record ConfigNack(long Version, string Workload, string Reason, long Nonce) : IConfigProtocol;
