namespace ActorMesh.DataPlane.Proxy;

/// <summary>
/// A request a sidecar has handed to its app and not yet answered: who to answer, when it arrived, and
/// its trace. Kept in the sidecar's inbound <see cref="Pooling.SlotTable{T}"/>, whose id the app echoes.
/// </summary>
/// <param name="ReplyTo">The caller's proxy (or gateway).</param>
/// <param name="CorrelationId">The caller's correlation id, echoed in the answer.</param>
/// <param name="Source">The caller: its workload, zone and pod.</param>
/// <param name="Start">Arrival at the sidecar (mesh clock).</param>
/// <param name="Trace">The request's trace context as it arrived.</param>
/// <param name="Span">The sidecar's own span id, for a sampled request.</param>
internal readonly record struct InboundEntry(IActorRef ReplyTo, long CorrelationId, ActorMesh.Topology.LinkEnd Source, long Start, TraceContext Trace, long Span);
