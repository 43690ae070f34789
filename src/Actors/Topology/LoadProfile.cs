using System.Collections.Immutable;

namespace ActorMesh.Topology;

/// <summary>Open loop (a rate) or closed loop (a number of users).</summary>
public enum LoadMode
{
    /// <summary>Requests are sent at a rate whatever the responses (wrk2); latency counts from the intended send time.</summary>
    Open,
    /// <summary>Each user sends, waits for the answer, thinks, and sends again (fortio, JMeter).</summary>
    Closed,
}

/// <summary>Spacing of open-loop arrivals.</summary>
public enum ArrivalProcess
{
    /// <summary>Evenly spaced.</summary>
    Constant,
    /// <summary>Exponential gaps (a Poisson process).</summary>
    Poisson,
}

/// <summary>The load the load generator applies, and how long.</summary>
public sealed record LoadProfile
{
    /// <summary>Open or closed loop. Default open.</summary>
    public LoadMode Mode { get; init; } = LoadMode.Open;
    /// <summary>Requests per second (open loop). Default 100.</summary>
    public double Rps { get; init; } = 100;
    /// <summary>Arrival spacing (open loop). Default constant.</summary>
    public ArrivalProcess Arrival { get; init; } = ArrivalProcess.Constant;
    /// <summary>Concurrent users (closed loop). Default 10.</summary>
    public int Users { get; init; } = 10;
    /// <summary>Think time between a user's requests (closed loop). Default zero.</summary>
    public Distribution ThinkTime { get; init; } = Distribution.Zero;
    /// <summary>Measured duration. Default 10 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Load applied before measuring starts; excluded from the figures. Default 1 s.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long to wait after the last send for answers; what is still open then counts as in flight. Default 5 s.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Client-side timeout: a request without an answer by then ends as timed out. Default 30 s.</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Requests outstanding at once; beyond it a request is rejected by the client (reason clientBound). Default 10,000.</summary>
    public int MaxOutstanding { get; init; } = 10_000;
    /// <summary>The gateway to send to; null means the first gateway.</summary>
    public string? Gateway { get; init; }
    /// <summary>The request mix: paths with weights. Empty means the gateway's first route prefix.</summary>
    public ImmutableArray<RequestMix> Requests { get; init; } = [];
}

/// <summary>One kind of request in the load mix.</summary>
/// <param name="Path">Request path (matched against gateway routes).</param>
/// <param name="Weight">Relative weight.</param>
public sealed record RequestMix(string Path, double Weight = 1);
