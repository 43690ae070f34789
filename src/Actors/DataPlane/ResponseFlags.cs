namespace ActorMesh.DataPlane;

/// <summary>
/// Why a hop answered as it did, after Envoy's response flags (<c>%RESPONSE_FLAGS%</c>; the short
/// names are those Envoy writes, source/common/stream_info/utility.cc). A response carries the flags of
/// the hop that produced it; the client classifies its outcome from them and from its status. Local
/// replies Envoy writes with no flag (an RBAC denial, a JWT rejection) have none here either: their
/// status says what they are, and <see cref="ResponseCodeDetails"/> what Envoy's details say.
/// Flags marked (ActorMesh) are the emulator's own, for accounting.
/// </summary>
[Flags]
public enum ResponseFlags
{
    /// <summary>Nothing special.</summary>
    None = 0,
    /// <summary>UO: a circuit-breaking resource limit overflowed (max requests or pending), or a retry was refused by max retries or the retry budget.</summary>
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
    /// <summary>NR: no route matched the request.</summary>
    NoRoute = 1 << 8,
    /// <summary>UR: the upstream connection was reset (its sidecar crashed mid-request).</summary>
    UpstreamReset = 1 << 9,
    /// <summary>CO (ActorMesh): the outcome circuit breaker is open and refused the request.</summary>
    CircuitOpen = 1 << 10,
    /// <summary>OL (ActorMesh): the service instance's queue was full and it answered 503 at once: a 503 response, not a refused stream.</summary>
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
    /// <summary>RFCF: served from the gateway's response cache (Envoy's cache filter).</summary>
    CacheHit = 1 << 15,
    /// <summary>CM (ActorMesh): some service on the request's path wrote to its data store (committed its part).</summary>
    Committed = 1 << 16,
}

/// <summary>Status codes the mesh itself produces.</summary>
public static class StatusCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 200;
    /// <summary>Authentication failed at the edge (Envoy's jwt_authn filter: no flag).</summary>
    public const int Unauthorized = 401;
    /// <summary>Denied by mTLS or authorization (Envoy's RBAC filter: no flag).</summary>
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

/// <summary>
/// Envoy's response code details (<c>%RESPONSE_CODE_DETAILS%</c>) for the local replies that carry no
/// response flag, so that the report can name them as Envoy's access log does. (An RBAC denial's are
/// <c>rbac_access_denied_matched_policy[…]</c>, source/extensions/filters/http/rbac/rbac_filter.cc.)
/// </summary>
public static class ResponseCodeDetails
{
    /// <summary>
    /// The jwt_authn filter's 401 for <paramref name="problem"/>: <c>jwt_authn_access_denied{…}</c> with the
    /// jwt_verify status text, spaces as underscores (source/extensions/filters/http/jwt_authn/filter.cc).
    /// </summary>
    public static string JwtAuthnAccessDenied(TokenProblem problem) => problem switch
    {
        TokenProblem.Missing => "jwt_authn_access_denied{Jwt_is_missing}",
        TokenProblem.BadSignature => "jwt_authn_access_denied{Jwt_verification_fails}",
        TokenProblem.WrongIssuer => "jwt_authn_access_denied{Jwt_issuer_is_not_configured}",
        TokenProblem.WrongAudience => "jwt_authn_access_denied{Audiences_in_Jwt_are_not_allowed}",
        TokenProblem.Expired => "jwt_authn_access_denied{Jwt_is_expired}",
        _ => "",
    };
}
