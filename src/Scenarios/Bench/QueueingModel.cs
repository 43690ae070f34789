namespace ActorMesh.Scenarios.Bench;

/// <summary>
/// The closed forms a single service must match, from queueing theory: one service with
/// <c>c</c> workers, exponential service time and Poisson arrivals is an M/M/c queue. Erlang-C gives
/// its mean response time; for c = 1 the response time is exponential, so its percentiles are exact.
/// </summary>
/// <remarks>
/// Kleinrock, <em>Queueing Systems</em> vol. 1 (1975), §3.5 (M/M/m) and §3.2 (M/M/1). With offered
/// load a = λ/μ and utilisation ρ = a/c, the probability that an arrival waits is
/// C(c, a) = (aᶜ/c! · 1/(1−ρ)) / (Σₖ₌₀..c₋₁ aᵏ/k! + aᶜ/c! · 1/(1−ρ)), the mean wait is
/// C / (cμ − λ), and the mean response time adds the service time 1/μ.
/// </remarks>
internal static class QueueingModel
{
    /// <summary>Erlang-C: the probability that an arrival waits, for <paramref name="workers"/> servers and offered load <paramref name="offeredLoad"/> (λ/μ).</summary>
    public static double ErlangC(int workers, double offeredLoad)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var rho = offeredLoad / workers;
        if (offeredLoad <= 0) return 0;
        if (rho >= 1) return 1;
        // aᵏ/k! built up term by term: no factorial overflows for any realistic worker count.
        double term = 1, sum = 0;
        for (var k = 0; k < workers; k++)
        {
            sum += term;
            term *= offeredLoad / (k + 1);
        }
        var waiting = term / (1 - rho);
        return waiting / (sum + waiting);
    }

    /// <summary>Mean response time (wait + service) of an M/M/c queue, in ms.</summary>
    /// <param name="workers">Servers c.</param>
    /// <param name="arrivalsPerSecond">λ.</param>
    /// <param name="serviceMs">Mean service time 1/μ, in ms.</param>
    public static double MeanResponseMs(int workers, double arrivalsPerSecond, double serviceMs)
    {
        var mu = 1000.0 / serviceMs;
        var offered = arrivalsPerSecond / mu;
        if (offered / workers >= 1) return double.PositiveInfinity;
        var wait = ErlangC(workers, offered) / (workers * mu - arrivalsPerSecond);
        return wait * 1000 + serviceMs;
    }

    /// <summary>The <paramref name="percentile"/> (0–100) of an M/M/1 queue's response time, in ms: it is exponential with mean S/(1−ρ).</summary>
    public static double MM1PercentileMs(double utilisation, double serviceMs, double percentile) =>
        utilisation >= 1 ? double.PositiveInfinity : -serviceMs * Math.Log(1 - percentile / 100) / (1 - utilisation);

    /// <summary>
    /// One service as an M/M/c queue behind a gateway, with nothing else in the way: no network or
    /// proxy latency, a queue long enough never to refuse, Poisson arrivals at utilisation
    /// <paramref name="utilisation"/>. The end-to-end latency the client measures is the queue's response time.
    /// </summary>
    public static MeshTopology Topology(int workers, double utilisation, double serviceMs, TimeSpan duration, TimeSpan warmup, long seed = 1) =>
        MeshTopology.Create($"mm{workers}")
            .Seed(seed)
            .Gateway("edge", g => g.Route("/", "queue"))
            .Service("queue", s => s.Workers(workers).Queue(1_000_000).ServiceTime(Distribution.Exponential(serviceMs)))
            .Latency(Distribution.Zero)
            .ProxyLatency(Distribution.Zero)
            .Load(l => l with
            {
                Rps = utilisation * workers * 1000.0 / serviceMs,
                Arrival = ArrivalProcess.Poisson,
                Duration = duration,
                Warmup = warmup,
                Drain = TimeSpan.FromSeconds(5),
                TraceSampling = 0,
                MaxOutstanding = 1_000_000,
            })
            .Build();
}
