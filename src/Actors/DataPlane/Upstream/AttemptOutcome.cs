namespace ActorMesh.DataPlane.Upstream;

/// <summary>How an attempt ended, or why a call ended without one in flight.</summary>
internal enum AttemptEnd : byte
{
    /// <summary>The endpoint answered with a status.</summary>
    Response,
    /// <summary>The endpoint answered that the request was reset mid-way (flag UR).</summary>
    Reset,
    /// <summary>The endpoint could not be reached (503, UF): it is gone, or its sidecar has no config to listen with.</summary>
    ConnectFailure,
    /// <summary>The attempt's per-try timeout passed (504, UT).</summary>
    PerTryTimeout,
    /// <summary>The call's route timeout passed (504, UT): it ends whatever it was doing.</summary>
    RouteTimeout,
    /// <summary>No connection and no room to wait, or <c>max_requests</c> in flight (503, UO): no attempt was sent.</summary>
    Overflow,
    /// <summary>The circuit breaker is open (503, CO): no attempt was sent.</summary>
    CircuitOpen,
    /// <summary>No healthy host, or the destination is gone (503, NH): no attempt was sent.</summary>
    NoHealthyUpstream,
    /// <summary>The owner gave up on the call: it ends and no outcome reaches the owner.</summary>
    Cancelled,
    /// <summary>The owner is going away: every call ends with the status it gives.</summary>
    Aborted,
}

/// <summary>
/// The outcome of one attempt (or of a call that has none in flight) as the router's one exit sees it:
/// what ended it, the status and flags the call would end with, and what an answer carried.
/// </summary>
/// <remarks><see cref="Retries"/>: the retries an answer reported from below the host it came from.</remarks>
internal readonly record struct AttemptOutcome(AttemptEnd Kind, int Status, ResponseFlags Flags, int Bytes = 0, ulong Visited = 0, int Retries = 0)
{
    /// <summary>
    /// The outcome of an endpoint's answer: a reset (UR) and a refused connection (UF) are told apart from a
    /// response. An app's full-queue 503 (OL) is a response like any other: not a refused stream.
    /// </summary>
    public static AttemptOutcome Of(MeshResponse response) => new(
        (response.Flags & ResponseFlags.UpstreamReset) != 0 ? AttemptEnd.Reset
        : (response.Flags & ResponseFlags.UpstreamConnectionFailure) != 0 ? AttemptEnd.ConnectFailure
        : AttemptEnd.Response,
        response.Status, response.Flags, response.ResponseBytes, response.Visited, response.Retries);

    /// <summary>The outcome of <paramref name="kind"/>, an end without an answer, with its status and flag.</summary>
    public static AttemptOutcome Of(AttemptEnd kind) => kind switch
    {
        AttemptEnd.ConnectFailure => new(kind, StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamConnectionFailure),
        AttemptEnd.PerTryTimeout or AttemptEnd.RouteTimeout => new(kind, StatusCodes.GatewayTimeout, ResponseFlags.UpstreamRequestTimeout),
        AttemptEnd.Overflow => new(kind, StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamOverflow),
        AttemptEnd.CircuitOpen => new(kind, StatusCodes.ServiceUnavailable, ResponseFlags.CircuitOpen),
        AttemptEnd.NoHealthyUpstream => new(kind, StatusCodes.ServiceUnavailable, ResponseFlags.NoHealthyUpstream),
        AttemptEnd.Cancelled => new(kind, 0, ResponseFlags.None),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "an answer carries its own status"),
    };

    /// <summary>The owner is going away: calls end with <paramref name="status"/> and <paramref name="flags"/>.</summary>
    public static AttemptOutcome Aborted(int status, ResponseFlags flags) => new(AttemptEnd.Aborted, status, flags);

    /// <summary>Counts the outcomes that have a counter of their own: timeouts, connect failures, rejections, cancellations.</summary>
    public void CountIn(ServiceTelemetry t)
    {
        switch (Kind)
        {
            case AttemptEnd.ConnectFailure: t[ServiceCounter.ConnectFailures]++; break;
            case AttemptEnd.PerTryTimeout: t[ServiceCounter.PerTryTimeouts]++; break;
            case AttemptEnd.RouteTimeout: t[ServiceCounter.Timeouts]++; break;
            case AttemptEnd.Overflow: t[ServiceCounter.Overflows]++; break;
            case AttemptEnd.CircuitOpen: t[ServiceCounter.RejectedByCircuit]++; break;
            case AttemptEnd.NoHealthyUpstream: t[ServiceCounter.NoHealthyUpstream]++; break;
            case AttemptEnd.Cancelled: t[ServiceCounter.Cancelled]++; break;
        }
    }

    /// <summary>A failure for the breaker and outlier detection: any 5xx, including the router's own 503s and 504s.</summary>
    public bool Failed => Status >= 500;

    /// <summary>A response that is not a failure: the call ends with it, and its bytes.</summary>
    public bool Succeeded => Kind == AttemptEnd.Response && !Failed;

    /// <summary>True when the outcome tells about the host the attempt was on (not when the owner walked away).</summary>
    public bool JudgesHost => Kind is not (AttemptEnd.Cancelled or AttemptEnd.Aborted);

    /// <summary>
    /// True when the retry policy is asked: an attempt that did not succeed and that the route timeout has not
    /// already ended. Any answer but a 2xx is asked about: retriable-4xx retries a 409, retriable-status-codes any status.
    /// </summary>
    public bool MayRetry => Kind switch
    {
        AttemptEnd.Response => !StatusCodes.IsSuccess(Status),
        AttemptEnd.Reset or AttemptEnd.ConnectFailure or AttemptEnd.PerTryTimeout => true,
        _ => false,
    };

    /// <summary>The failure as the retry policy names it (meaningful when <see cref="MayRetry"/>).</summary>
    public AttemptFailure RetryAs => Kind switch
    {
        AttemptEnd.Reset => AttemptFailure.Reset,
        AttemptEnd.ConnectFailure => AttemptFailure.ConnectFailure,
        AttemptEnd.PerTryTimeout => AttemptFailure.PerTryTimeout,
        _ when (Flags & ResponseFlags.RateLimited) != 0 => AttemptFailure.RateLimited,
        _ => AttemptFailure.Response,
    };
}
