namespace ActorMesh.DataPlane.Resilience.Timeouts;

/// <summary>Which of a call's deadlines has passed.</summary>
internal enum Expiry : byte
{
    /// <summary>None yet.</summary>
    None,
    /// <summary>The per-try timeout of the attempt in flight: the attempt ends, and may be retried.</summary>
    PerTry,
    /// <summary>The route timeout: the whole call ends, whatever it is doing.</summary>
    Route,
}

/// <summary>
/// A call's two deadlines, as Envoy's router keeps them: the route timeout covers every attempt and
/// back-off from the call's start; the per-try timeout bounds each attempt, never past the route's.
/// A timeout of zero (route) or null (per try) sets no deadline of its own. Ticks of the mesh clock.
/// </summary>
internal struct CallDeadlines
{
    /// <summary>When the call times out as a whole (<see cref="long.MaxValue"/>: never).</summary>
    public long Route;

    /// <summary>When the attempt in flight times out (at most <see cref="Route"/>).</summary>
    public long Try;

    /// <summary>Starts the call at <paramref name="now"/> under route timeout <paramref name="timeout"/> (zero: none).</summary>
    public void StartCall(long now, TimeSpan timeout)
    {
        Route = timeout.Ticks > 0 ? now + timeout.Ticks : long.MaxValue;
        Try = Route;
    }

    /// <summary>Starts an attempt at <paramref name="now"/> under <paramref name="perTryTimeout"/> (null: the route timeout bounds it).</summary>
    public void StartAttempt(long now, TimeSpan? perTryTimeout) =>
        Try = perTryTimeout is { } perTry ? Math.Min(now + perTry.Ticks, Route) : Route;

    /// <summary>The deadline that has passed at <paramref name="now"/>; the per-try one counts only while an attempt is in flight.</summary>
    public readonly Expiry ExpiredAt(long now, bool attemptInFlight) =>
        now >= Route ? Expiry.Route
        : attemptInFlight && now >= Try ? Expiry.PerTry
        : Expiry.None;

    /// <summary>The next deadline to watch (<see cref="long.MaxValue"/>: none).</summary>
    public readonly long Next(bool attemptInFlight) => attemptInFlight ? Try : Route;
}
