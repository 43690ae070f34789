namespace ActorMesh.Load;

/// <summary>Starts the load; the sender gets <see cref="LoadFinished"/> when the run (with drain) is over.</summary>
internal sealed class StartLoad : Signal<StartLoad>, IMeshMessage;

/// <summary>
/// Ends the load early (an interrupt): no more sends. Requests still outstanding get at most
/// <paramref name="Drain"/> of mesh time to be answered (never more than the profile's own drain);
/// whatever is still open then counts as in flight.
/// </summary>
internal sealed record StopLoad(TimeSpan Drain) : IMeshMessage
{
    /// <summary>Stop with no drain: whatever is outstanding counts as in flight at once.</summary>
    public static readonly StopLoad Now = new(TimeSpan.Zero);
}

/// <summary>Ask for a <see cref="LiveStats"/> snapshot (what happened since the previous ask).</summary>
internal sealed class GetLiveStats : Signal<GetLiveStats>, IMeshMessage;

/// <summary>Ask a generator for its <see cref="LoadProgress"/> (cumulative counts; unlike <see cref="GetLiveStats"/> it resets nothing).</summary>
internal sealed class GetLoadProgress : Signal<GetLoadProgress>, IMeshMessage;

/// <summary>A generator's counts so far (warm-up included): requests sent, answered (any outcome), and without an answer yet.</summary>
internal sealed record LoadProgress(long Sent, long Answered, long Outstanding, double ElapsedSeconds) : IMeshMessage;

/// <summary>A gateway the load generator can send to: its address, the client's link to it, and what a valid token for it names.</summary>
/// <param name="Name">Gateway name.</param>
/// <param name="Gateway">Where requests go.</param>
/// <param name="ClientLink">One-way latency of the client's link, sampled for the request and for the answer.</param>
/// <param name="Issuer">Issuer of a valid token.</param>
/// <param name="Audience">Audience of a valid token.</param>
internal sealed record LoadTarget(string Name, IActorRef Gateway, Distribution ClientLink, string Issuer, string Audience) : IMeshMessage;

/// <summary>The load is over.</summary>
internal sealed record LoadFinished(LoadResult Result) : IMeshMessage, INoSerializationVerificationNeeded;

/// <summary>
/// One generator's part of a load that several share (<see cref="ZonalLoad"/>): the <paramref name="Index"/>-th
/// of <paramref name="Of"/>. Each draws from its own random stream and numbers its requests (trace ids) in a
/// range of its own; only one per node samples the mesh's counters for the timeline (<paramref name="SampleMesh"/>),
/// so that the merged seconds count each retry once.
/// </summary>
internal sealed record LoadShare(int Index, int Of, bool SampleMesh)
{
    /// <summary>The whole load, by one generator.</summary>
    public static readonly LoadShare Whole = new(0, 1, true);

    /// <summary>The random stream the generator draws from.</summary>
    public string Stream => Of == 1 ? "load-generator" : $"load-generator/{Index}";

    /// <summary>The id before the generator's first request (request ids are trace ids).</summary>
    public long FirstId => (long)Index << 40;
}

/// <summary>Edge → the agent of a node running a gateway replica: start a load generator for <paramref name="Zone"/>'s share (answer: <see cref="LoadGeneratorStarted"/>).</summary>
internal sealed record StartLoadGenerator(string Zone, LoadProfile Profile, IReadOnlyList<LoadTarget> Targets, IReadOnlyList<RequestMix> Requests, LoadShare Share) : IMeshMessage;

/// <summary>Node agent → edge: <paramref name="Zone"/>'s load generator runs at <paramref name="Generator"/>, waiting for <see cref="StartLoad"/>.</summary>
internal sealed record LoadGeneratorStarted(string Zone, IActorRef Generator) : IMeshMessage;
