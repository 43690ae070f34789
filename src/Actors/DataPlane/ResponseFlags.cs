namespace ActorMesh.DataPlane;

/// <summary>
/// Why a hop answered as it did, after Envoy's response flags (<c>%RESPONSE_FLAGS%</c>). A response
/// carries the flags of the hop that produced it; the client classifies its outcome from them.
/// </summary>
[Flags]
public enum ResponseFlags
{
    /// <summary>Nothing special.</summary>
    None = 0,
    /// <summary>UO: a circuit-breaking resource limit overflowed (max requests, pending or retries).</summary>
    UpstreamOverflow = 1 << 0,
    /// <summary>UT: the request (route) timeout expired.</summary>
    UpstreamRequestTimeout = 1 << 1,
    /// <summary>UH: no healthy upstream host to send to.</summary>
    NoHealthyUpstream = 1 << 2,
    /// <summary>UF: the connection to the upstream failed (the endpoint is gone).</summary>
    UpstreamConnectionFailure = 1 << 3,
    /// <summary>URX: the request failed and its retries were used up or not allowed.</summary>
    UpstreamRetryLimitExceeded = 1 << 4,
    /// <summary>RL: rejected by a local rate limit (429).</summary>
    RateLimited = 1 << 5,
    /// <summary>UAEX: rejected by authentication at the edge (401).</summary>
    Unauthorized = 1 << 6,
    /// <summary>RBAC: denied by peer authentication or an authorization policy (403).</summary>
    Forbidden = 1 << 7,
    /// <summary>NR: no route matched the request.</summary>
    NoRoute = 1 << 8,
    /// <summary>UR: the upstream connection was reset (its sidecar crashed mid-request).</summary>
    UpstreamReset = 1 << 9,
    /// <summary>CO (ActorMesh): the outcome circuit breaker is open and refused the request.</summary>
    CircuitOpen = 1 << 10,
    /// <summary>OL (ActorMesh): the service instance's queue was full and it refused the request (503).</summary>
    Overloaded = 1 << 11,
    /// <summary>FI: a fault was injected (abort).</summary>
    FaultInjected = 1 << 12,
    /// <summary>DI: a delay was injected.</summary>
    DelayInjected = 1 << 13,
    /// <summary>
    /// DG (ActorMesh): a 2xx answer that is partial: a gateway's aggregation some of whose backends
    /// failed, or a service whose script went on past a failed call (an optional call skipped, or a
    /// fallback's answer in its place). A service's answer carries it on when a call it made was
    /// degraded; it only ever comes with a 2xx.
    /// </summary>
    Degraded = 1 << 14,
    /// <summary>CH (ActorMesh): served from the gateway's response cache.</summary>
    CacheHit = 1 << 15,
    /// <summary>CM (ActorMesh): some service on the request's path wrote to its data store (committed its part).</summary>
    Committed = 1 << 16,
}

/// <summary>Status codes the mesh itself produces.</summary>
public static class StatusCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 200;
    /// <summary>Authentication failed at the edge.</summary>
    public const int Unauthorized = 401;
    /// <summary>Denied by mTLS or authorization.</summary>
    public const int Forbidden = 403;
    /// <summary>No route.</summary>
    public const int NotFound = 404;
    /// <summary>Retriable 4xx in Envoy's terms.</summary>
    public const int Conflict = 409;
    /// <summary>Rate limited.</summary>
    public const int TooManyRequests = 429;
    /// <summary>A script step failed inside a service.</summary>
    public const int InternalServerError = 500;
    /// <summary>Bad gateway.</summary>
    public const int BadGateway = 502;
    /// <summary>Overflow, circuit open, no healthy upstream, queue full, connection failure.</summary>
    public const int ServiceUnavailable = 503;
    /// <summary>A timeout.</summary>
    public const int GatewayTimeout = 504;

    /// <summary>True for 2xx.</summary>
    public static bool IsSuccess(int status) => status is >= 200 and < 300;

    /// <summary>True for 5xx.</summary>
    public static bool IsServerError(int status) => status >= 500;
}
