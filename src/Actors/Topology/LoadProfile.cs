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

/// <summary>Which clock a run's mesh runs on.</summary>
public enum ClockMode
{
    /// <summary>The real high-resolution clock: actors run on many threads, as the emulator would under real load. The default.</summary>
    Real,
    /// <summary>
    /// Virtual time: one thread, deliveries in due order, as fast as the machine allows. A seed repeats
    /// the whole report (every section but <c>run</c> and <c>emulator</c>) byte for byte. One node only.
    /// </summary>
    Virtual,
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
    /// <summary>Share of requests traced end to end (spans at every hop). Default 0.001 (0.1 %); 0 traces none.</summary>
    public double TraceSampling { get; init; } = 0.001;
    /// <summary>The gateway to send to; null means the first gateway.</summary>
    public string? Gateway { get; init; }
    /// <summary>The request mix: paths with weights. Empty means the gateway's first route prefix.</summary>
    public ImmutableArray<RequestMix> Requests { get; init; } = [];
    /// <summary>
    /// Share (0..1) of requests sent with a bad bearer token: missing, expired, from the wrong
    /// issuer, for the wrong audience, or with a bad signature, picked with the run's seeded random
    /// stream. The others carry a valid token for their gateway. Default 0.
    /// </summary>
    public double BadTokenShare { get; init; }
    /// <summary>
    /// Distinct client ids (token subjects <c>client-0</c> .. <c>client-N-1</c>), for per-client rate
    /// limits and caches: open loop takes them in turn, closed loop gives user <c>u</c> client
    /// <c>u mod N</c>. Default 1.
    /// </summary>
    public int Clients { get; init; } = 1;
    /// <summary>The clock the run's mesh runs on. Default real time.</summary>
    public ClockMode Clock { get; init; } = ClockMode.Real;
}

/// <summary>
/// One kind of request in the load mix: one request to <see cref="Path"/>, or a client
/// <em>journey</em>: the paths of <see cref="Sequence"/> called one after another, each waiting for
/// the previous answer. A journey counts as one request: ok only if every step is ok, otherwise the
/// outcome of the first step that was not; its latency runs from its intended start to its last answer.
/// </summary>
/// <param name="Path">Request path (matched against gateway routes); empty for a journey.</param>
/// <param name="Weight">Relative weight among the kinds of the mix. Default 1.</param>
public sealed record RequestMix(string Path, double Weight = 1)
{
    /// <summary>Steps one journey may have at most.</summary>
    public const int MaxJourneySteps = 100;

    /// <summary>Name of this kind in the report's <c>requestKinds</c>; null derives one from the paths, method and gateway.</summary>
    public string? Name { get; init; }

    /// <summary>HTTP method. Default null: GET.</summary>
    public string? Method { get; init; }

    /// <summary>Gateway to send to (backends for frontends); null means the load profile's gateway.</summary>
    public string? Gateway { get; init; }

    /// <summary>The paths of a journey, in order; empty (the default) for a single request to <see cref="Path"/>.</summary>
    public ImmutableArray<string> Sequence { get; init; } = [];

    /// <summary>True for a journey.</summary>
    public bool IsJourney => !Sequence.IsEmpty;

    /// <summary>The paths this kind calls, in order.</summary>
    public ImmutableArray<string> Steps => IsJourney ? Sequence : [Path];

    /// <summary>The method in force, upper case.</summary>
    public string EffectiveMethod => Method is null ? "GET" : Method.ToUpperInvariant();

    /// <summary>A journey through <paramref name="paths"/>, called one after another.</summary>
    public static RequestMix Journey(params string[] paths) => new("") { Sequence = [.. paths] };

    /// <summary>
    /// The report name of every entry of <paramref name="mix"/>, in order: its <see cref="Name"/>, or
    /// "[METHOD ]path" (a journey's paths joined by " then ", so the JSON report needs no escapes), then "@gateway" when it names one;
    /// a derived name that repeats gets " #2", " #3", ...
    /// </summary>
    public static IReadOnlyList<string> KindNames(IReadOnlyList<RequestMix> mix)
    {
        var names = new List<string>(mix.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in mix) if (m.Name is { } n) seen.Add(n);
        foreach (var m in mix)
        {
            if (m.Name is { } given)
            {
                names.Add(given);
                continue;
            }
            var method = m.Method is null || m.EffectiveMethod == "GET" ? "" : m.EffectiveMethod + " ";
            var derived = method + string.Join(" then ", m.Steps) + (m.Gateway is { } g ? "@" + g : "");
            var name = derived;
            for (var i = 2; !seen.Add(name); i++) name = $"{derived} #{i}";
            names.Add(name);
        }
        return names;
    }
}
