namespace ActorMesh.Load;

/// <summary>Starts the load; the sender gets <see cref="LoadFinished"/> when the run (with drain) is over.</summary>
internal sealed class StartLoad
{
    /// <summary>The one instance.</summary>
    public static readonly StartLoad Instance = new();
    private StartLoad() { }
}

/// <summary>
/// Ends the load early (an interrupt): no more sends. Requests still outstanding get at most
/// <paramref name="Drain"/> of mesh time to be answered (never more than the profile's own drain);
/// whatever is still open then counts as in flight.
/// </summary>
internal sealed record StopLoad(TimeSpan Drain)
{
    /// <summary>Stop with no drain: whatever is outstanding counts as in flight at once.</summary>
    public static readonly StopLoad Now = new(TimeSpan.Zero);
}

/// <summary>Ask for a <see cref="LiveStats"/> snapshot (what happened since the previous ask).</summary>
internal sealed class GetLiveStats
{
    /// <summary>The one instance.</summary>
    public static readonly GetLiveStats Instance = new();
    private GetLiveStats() { }
}

/// <summary>A gateway the load generator can send to: its address, the client's link to it, and what a valid token for it names.</summary>
/// <param name="Name">Gateway name.</param>
/// <param name="Gateway">Where requests go.</param>
/// <param name="ClientLink">One-way latency of the client's link, sampled for the request and for the answer.</param>
/// <param name="Issuer">Issuer of a valid token.</param>
/// <param name="Audience">Audience of a valid token.</param>
internal sealed record LoadTarget(string Name, IActorRef Gateway, Distribution ClientLink, string Issuer, string Audience);

/// <summary>The load is over.</summary>
internal sealed record LoadFinished(LoadResult Result) : INoSerializationVerificationNeeded;
