using Akka.Event;

namespace ActorMesh.DataPlane;

/// <summary>Marker for messages that carry requests and responses through the data plane.</summary>
internal interface IDataPlaneMessage;

/// <summary>
/// Trace context carried by every request (W3C trace-context in spirit): the trace, the span of the
/// hop that sent it, and whether the trace is sampled (only sampled traces record spans).
/// </summary>
internal readonly record struct TraceContext(long TraceId, long SpanId, bool Sampled)
{
    /// <summary>No trace.</summary>
    public static readonly TraceContext None = default;
}

/// <summary>
/// A request on the wire between proxies (or, without sidecars, between apps), and from a sidecar to
/// its app. <see cref="CorrelationId"/> is chosen by the sender and echoed in the <see cref="MeshResponse"/>.
/// </summary>
/// <param name="CorrelationId">Opaque to the receiver; echoed back.</param>
/// <param name="Service">Destination service.</param>
/// <param name="Path">Request path.</param>
/// <param name="Source">Source workload (service or gateway name).</param>
/// <param name="Attempt">1 for the first try, 2 for the first retry, ...</param>
/// <param name="RequestBytes">Request size.</param>
/// <param name="Trace">Trace context.</param>
/// <param name="SourceIdentity">
/// The sender's mTLS identity (<c>spiffe://cluster.local/ns/default/sa/orders</c>) when a sidecar or gateway
/// sent it; null for plaintext, from a workload without a sidecar.
/// </param>
/// <param name="SentAt">When it left the sender (mesh clock), so the receiver can time the network leg of a sampled trace.</param>
/// <param name="Due">When it is due at the receiver (mesh clock), which takes it as the time it arrived (see <see cref="Time.MeshClock.TimeOf"/>); 0: unknown.</param>
/// <param name="SourceZone">The sender's zone (null: none), for the latency and faults of the way back.</param>
/// <param name="SourcePod">The sender's pod (null: a gateway), for network faults on one pod.</param>
internal sealed record MeshRequest(long CorrelationId, string Service, string Path, string Source, int Attempt, int RequestBytes, TraceContext Trace, string? SourceIdentity = null, long SentAt = 0,
    long Due = 0, string? SourceZone = null, string? SourcePod = null)
    : IDataPlaneMessage;

/// <summary>The one outcome of a <see cref="MeshRequest"/>.</summary>
/// <param name="CorrelationId">The request's correlation id.</param>
/// <param name="Status">HTTP-like status.</param>
/// <param name="Flags">Why the hop answered so (Envoy response flags).</param>
/// <param name="ResponseBytes">Response size.</param>
/// <param name="Visited">The services the request reached, one bit per service index below 64 (the call graph a request saw).</param>
/// <param name="SentAt">When it left the sender (mesh clock), to time the network leg of a sampled trace.</param>
/// <param name="Retries">Retries the request caused anywhere in its call tree below the answering hop.</param>
/// <param name="Due">When it is due at the receiver (mesh clock), which takes it as the time it arrived; 0: unknown.</param>
internal sealed record MeshResponse(long CorrelationId, int Status, ResponseFlags Flags, int ResponseBytes, ulong Visited = 0, long SentAt = 0, int Retries = 0, long Due = 0)
    : IDataPlaneMessage;

/// <summary>An app's call to another service, handed to its own sidecar (a plain call to localhost).</summary>
/// <param name="CallId">Chosen by the app, echoed in the <see cref="EgressResult"/>.</param>
/// <param name="Service">Service called.</param>
/// <param name="Path">Request path.</param>
/// <param name="RequestBytes">Request size.</param>
/// <param name="Trace">Trace context.</param>
/// <param name="Due">When the app made the call (mesh clock): the sidecar starts it then; 0: unknown.</param>
internal sealed record EgressCall(long CallId, string Service, string Path, int RequestBytes, TraceContext Trace, long Due = 0) : IDataPlaneMessage;

/// <summary>The sidecar's answer to an <see cref="EgressCall"/>, after all retries.</summary>
/// <param name="CallId">The call's id.</param>
/// <param name="Status">HTTP-like status.</param>
/// <param name="Flags">Envoy response flags.</param>
/// <param name="Visited">The services the call reached, one bit per service index below 64.</param>
/// <param name="Retries">Retries the call caused: the sidecar's own and those reported from below.</param>
/// <param name="Due">When the call ended (mesh clock): the app goes on from then; 0: unknown.</param>
internal sealed record EgressResult(long CallId, int Status, ResponseFlags Flags, ulong Visited = 0, int Retries = 0, long Due = 0) : IDataPlaneMessage;

/// <summary>A client's request to a gateway.</summary>
/// <param name="RequestId">Chosen by the client, echoed in the <see cref="ClientResponse"/>.</param>
/// <param name="Path">Request path, matched against the gateway's routes.</param>
/// <param name="RequestBytes">Request size.</param>
/// <param name="Trace">Trace context.</param>
/// <param name="Method">HTTP method, matched against the routes' methods (any case).</param>
/// <param name="Token">The <c>Authorization: Bearer</c> token, or null when the request has none.</param>
/// <param name="Due">When it is due at the gateway (mesh clock); 0: unknown.</param>
internal sealed record ClientRequest(long RequestId, string Path, int RequestBytes, TraceContext Trace, string Method = "GET", BearerToken? Token = null, long Due = 0)
    : IDataPlaneMessage;

/// <summary>
/// An emulated JWT bearer token: the claims a gateway checks and whether its signature verifies
/// (no cryptography is emulated, only the outcome). Its subject is the client id that per-client
/// rate limits and caches key on.
/// </summary>
/// <param name="Subject">Who the token was issued to (<c>sub</c>): the client id.</param>
/// <param name="Issuer">Who issued it (<c>iss</c>).</param>
/// <param name="Audience">Whom it is for (<c>aud</c>).</param>
/// <param name="ExpiresAt">Expiry (<c>exp</c>) in mesh clock ticks: the token is no good from then on.</param>
/// <param name="SignatureValid">True when the signature verifies.</param>
internal sealed record BearerToken(string Subject, string Issuer, string Audience, long ExpiresAt, bool SignatureValid);

/// <summary>What is wrong with a request's bearer token, as the gateway finds it (checked in this order).</summary>
public enum TokenProblem
{
    /// <summary>Nothing: the token is good.</summary>
    None,
    /// <summary>No token at all.</summary>
    Missing,
    /// <summary>The signature does not verify.</summary>
    BadSignature,
    /// <summary>Issued by someone else.</summary>
    WrongIssuer,
    /// <summary>Meant for another audience (another gateway, another API).</summary>
    WrongAudience,
    /// <summary>Past its expiry by the mesh clock.</summary>
    Expired,
}

/// <summary>A gateway's answer to a <see cref="ClientRequest"/>.</summary>
/// <param name="RequestId">The request's id.</param>
/// <param name="Status">HTTP-like status.</param>
/// <param name="Flags">Envoy response flags.</param>
/// <param name="ResponseBytes">Response size.</param>
/// <param name="Visited">The services the request reached, one bit per service index below 64.</param>
/// <param name="Retries">Retries the request caused anywhere in its call tree.</param>
/// <param name="Due">When it is due at the client (mesh clock): the client's answer time; 0: unknown.</param>
internal sealed record ClientResponse(long RequestId, int Status, ResponseFlags Flags, int ResponseBytes, ulong Visited = 0, int Retries = 0, long Due = 0) : IDataPlaneMessage;

/// <summary>Tells an app that its sidecar restarted: calls in flight through it are lost (connection reset).</summary>
internal sealed class SidecarRestarted : Signal<SidecarRestarted>, INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Tells a sidecar that its app restarted: requests it was handling are lost.</summary>
internal sealed class AppRestarted : Signal<AppRestarted>, INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Makes a pod's container throw, to exercise supervision (tests and fault timelines).</summary>
/// <param name="Container">"app", "proxy" or another sidecar's kind.</param>
internal sealed record CrashContainer(string Container) : IMeshMessage;
