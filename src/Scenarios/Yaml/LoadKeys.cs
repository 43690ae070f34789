namespace ActorMesh.Scenarios.Yaml;

/// <summary>The keys of <c>load</c>: what the load generator sends.</summary>
internal static class LoadKeys
{
    private static readonly Schema<RequestMix> Request = new(new RequestMix(""))
    {
        { "name", Syntax.Text, (q, v) => q with { Name = v }, "The kind's name in the report." },
        { "path", Syntax.Text, (q, v) => q with { Path = v }, "The request's path; a kind has a path or a sequence." },
        { "sequence", Syntax.List(Syntax.Text, "list of paths"), (q, v) => q with { Sequence = v }, "A journey's paths, called one after another." },
        { "method", Syntax.Text, (q, v) => q with { Method = v }, "The HTTP method." },
        { "gateway", Syntax.Text, (q, v) => q with { Gateway = v }, "The gateway this kind goes to; default: load.gateway." },
        { "weight", Syntax.Number, (q, v) => q with { Weight = v }, "Relative share of the mix." },
    };

    public static readonly Schema<LoadProfile> Load = new(new LoadProfile())
    {
        { "mode", Syntax.Choice<LoadMode>(), (l, v) => l with { Mode = v }, "open: requests at a rate (wrk2); closed: users who wait and think (fortio)." },
        { "rps", Syntax.Number, (l, v) => l with { Rps = v }, "Requests per second, open loop." },
        { "arrival", Syntax.Choice<ArrivalProcess>(), (l, v) => l with { Arrival = v }, "Open loop: constant or poisson gaps." },
        { "users", Syntax.Integer, (l, v) => l with { Users = v }, "Concurrent users, closed loop." },
        { "thinkTime", Distributions.Value, (l, v) => l with { ThinkTime = v }, "Closed loop: a user's pause between an answer and its next request." },
        { "duration", Syntax.Duration, (l, v) => l with { Duration = v }, "The measured time." },
        { "warmup", Syntax.Duration, (l, v) => l with { Warmup = v }, "Load before measuring starts." },
        { "drain", Syntax.Duration, (l, v) => l with { Drain = v }, "How long to wait for answers after the last send." },
        { "clientTimeout", Syntax.Duration, (l, v) => l with { ClientTimeout = v }, "A request without an answer by then ends as timed out." },
        { "maxOutstanding", Syntax.Integer, (l, v) => l with { MaxOutstanding = v }, "Requests open at once; beyond it the client rejects a request." },
        { "gateway", Syntax.Text, (l, v) => l with { Gateway = v }, "Where requests go; default: the first gateway." },
        { "requests", Syntax.List(Syntax.Of("request", ReadRequest), "list of requests"), (l, v) => l with { Requests = v }, "The request mix." },
        { "badTokenShare", Syntax.Ratio, (l, v) => l with { BadTokenShare = v }, "Share of requests sent with a bad bearer token." },
        { "clients", Syntax.Integer, (l, v) => l with { Clients = v }, "Distinct clients (token subjects)." },
        { "traceSampling", Syntax.Ratio, (l, v) => l with { TraceSampling = v }, "Share of requests traced end to end." },
        { "clock", Syntax.Choice<ClockMode>(), (l, v) => l with { Clock = v }, "real: the real clock, many threads; virtual: one thread in virtual time, repeatable by seed." },
    };

    /// <summary>A request of the mix: a <c>path</c>, or a journey's <c>sequence</c> of paths.</summary>
    private static RequestMix ReadRequest(YamlReader r, YamlNode node, string path)
    {
        var s = r.Open(node, path, Request);
        // The validator says what is wrong with a path; here only that one of the two is needed.
        if (s.Mapping is not null && s["path"] is null && s["sequence"] is null) r.Problem(node, path, "a request needs a 'path', or a 'sequence' of paths for a journey");
        return Request.Build(s, Request.Defaults);
    }
}
