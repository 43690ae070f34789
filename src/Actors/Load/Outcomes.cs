using ActorMesh.DataPlane;

namespace ActorMesh.Load;

/// <summary>How one client request ended. Every request ends in exactly one of these (or is still in flight at the end).</summary>
public enum RequestOutcome
{
    /// <summary>2xx.</summary>
    Ok,
    /// <summary>An error status from a service (or a failed dependency).</summary>
    Failed,
    /// <summary>A timeout: the route timeout at the edge (504, UT) or the client's own timeout.</summary>
    TimedOut,
    /// <summary>Refused by the mesh or the client before it was handled.</summary>
    Rejected,
}

/// <summary>Why a request was rejected.</summary>
public enum RejectReason
{
    /// <summary>An outcome circuit breaker was open (CO).</summary>
    CircuitOpen,
    /// <summary>A resource limit overflowed (UO).</summary>
    Overflow,
    /// <summary>An instance's queue was full (OL).</summary>
    Overloaded,
    /// <summary>A rate limit (429).</summary>
    RateLimited,
    /// <summary>Authentication at the edge failed (401).</summary>
    Unauthorized,
    /// <summary>mTLS or an authorization policy denied it (403).</summary>
    Forbidden,
    /// <summary>No healthy endpoint (UH).</summary>
    NoHealthyUpstream,
    /// <summary>No route matched (404, NR).</summary>
    NoRoute,
    /// <summary>The load generator's bound on outstanding requests was reached.</summary>
    ClientBound,
}

/// <summary>Maps a response's status and flags to its outcome.</summary>
internal static class OutcomeClassifier
{
    /// <summary>Classifies a response; <paramref name="reason"/> is set for rejections.</summary>
    public static RequestOutcome Classify(int status, ResponseFlags flags, out RejectReason reason)
    {
        reason = default;
        if (StatusCodes.IsSuccess(status)) return RequestOutcome.Ok;
        if ((flags & ResponseFlags.UpstreamRequestTimeout) != 0) return RequestOutcome.TimedOut;
        if ((flags & ResponseFlags.CircuitOpen) != 0) return Rejected(RejectReason.CircuitOpen, out reason);
        if ((flags & ResponseFlags.UpstreamOverflow) != 0) return Rejected(RejectReason.Overflow, out reason);
        if ((flags & ResponseFlags.Overloaded) != 0) return Rejected(RejectReason.Overloaded, out reason);
        if ((flags & ResponseFlags.RateLimited) != 0 || status == StatusCodes.TooManyRequests) return Rejected(RejectReason.RateLimited, out reason);
        // Envoy's jwt_authn and RBAC filters answer 401 and 403 with no response flag.
        if (status == StatusCodes.Unauthorized) return Rejected(RejectReason.Unauthorized, out reason);
        if (status == StatusCodes.Forbidden) return Rejected(RejectReason.Forbidden, out reason);
        if ((flags & ResponseFlags.NoHealthyUpstream) != 0) return Rejected(RejectReason.NoHealthyUpstream, out reason);
        if ((flags & ResponseFlags.NoRoute) != 0) return Rejected(RejectReason.NoRoute, out reason);
        return RequestOutcome.Failed;
    }

    private static RequestOutcome Rejected(RejectReason r, out RejectReason reason)
    {
        reason = r;
        return RequestOutcome.Rejected;
    }

    /// <summary>The report name of a reject reason (camelCase).</summary>
    public static string Name(RejectReason reason) => reason switch
    {
        RejectReason.CircuitOpen => "circuitOpen",
        RejectReason.Overflow => "overflow",
        RejectReason.Overloaded => "overloaded",
        RejectReason.RateLimited => "rateLimited",
        RejectReason.Unauthorized => "unauthorized",
        RejectReason.Forbidden => "forbidden",
        RejectReason.NoHealthyUpstream => "noHealthyUpstream",
        RejectReason.NoRoute => "noRoute",
        _ => "clientBound",
    };
}

/// <summary>
/// How a set of requests ended, one counter per outcome: the figures a <see cref="SecondBucket"/> and an
/// <see cref="OutcomeCounts"/> both keep. Single writer (the load generator).
/// </summary>
public abstract class OutcomeTally
{
    /// <summary>Requests sent (or refused by the client's own bound).</summary>
    public long Sent;
    /// <summary>Ended ok.</summary>
    public long Ok;
    /// <summary>Of the ok, answered degraded (flag DG): part of the answer was skipped or stood in for. Not an outcome of its own.</summary>
    public long Degraded;
    /// <summary>Ended failed.</summary>
    public long Failed;
    /// <summary>Ended timed out.</summary>
    public long TimedOut;
    /// <summary>Ended rejected.</summary>
    public long Rejected;
    /// <summary>Still without an outcome when the run ended.</summary>
    public long InFlight;

    /// <summary>Counts one outcome; <paramref name="degraded"/> when its answer carried flag DG.</summary>
    public void Count(RequestOutcome outcome, bool degraded)
    {
        switch (outcome)
        {
            case RequestOutcome.Ok:
                Ok++;
                if (degraded) Degraded++;
                break;
            case RequestOutcome.TimedOut: TimedOut++; break;
            case RequestOutcome.Rejected: Rejected++; break;
            default: Failed++; break;
        }
    }

    /// <summary>Outcomes recorded so far (excluding in flight).</summary>
    public long Ended => Ok + Failed + TimedOut + Rejected;

    /// <summary>True when sent = ok + failed + timedOut + rejected + inFlight.</summary>
    public bool AddsUp => Sent == Ended + InFlight;

    /// <summary>Adds <paramref name="other"/>'s outcome counters (another generator's share of the same load).</summary>
    protected void AddTally(OutcomeTally other)
    {
        Sent += other.Sent;
        Ok += other.Ok;
        Degraded += other.Degraded;
        Failed += other.Failed;
        TimedOut += other.TimedOut;
        Rejected += other.Rejected;
        InFlight += other.InFlight;
    }
}

/// <summary>Outcome counters of a set of requests, with rejections by reason and failures by status. Single writer (the load generator).</summary>
public sealed class OutcomeCounts : OutcomeTally
{
    /// <summary>Rejections by reason.</summary>
    public readonly long[] RejectedBy = new long[Enum.GetValues<RejectReason>().Length];
    /// <summary>Failures by status.</summary>
    public readonly SortedDictionary<int, long> FailedBy = new();

    /// <summary>Counts one outcome, by reason or status too; <paramref name="degraded"/> when its answer carried flag DG.</summary>
    public void Record(RequestOutcome outcome, int status, RejectReason reason, bool degraded = false)
    {
        Count(outcome, degraded);
        if (outcome == RequestOutcome.Rejected) RejectedBy[(int)reason]++;
        else if (outcome is not (RequestOutcome.Ok or RequestOutcome.TimedOut)) FailedBy[status] = FailedBy.GetValueOrDefault(status) + 1;
    }

    /// <summary>Adds <paramref name="other"/>'s counts (another generator's share of the same load).</summary>
    public void Add(OutcomeCounts other)
    {
        AddTally(other);
        for (var i = 0; i < RejectedBy.Length; i++) RejectedBy[i] += other.RejectedBy[i];
        foreach (var (status, count) in other.FailedBy) FailedBy[status] = FailedBy.GetValueOrDefault(status) + count;
    }
}
