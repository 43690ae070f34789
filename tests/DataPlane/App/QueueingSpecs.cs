using ActorMesh.Scenarios.Bench;

namespace ActorMesh.Tests.DataPlane.App;

/// <summary>
/// A service is a queue: with exponential service time and Poisson arrivals it is an M/M/c queue,
/// and in virtual time (no emulator lag) its response time must match the closed forms
/// (<see cref="QueueingModel"/>: Erlang-C, Kleinrock vol. 1 §3.2 and §3.5) within statistical error.
/// </summary>
/// <remarks>
/// Response times of a queue are strongly autocorrelated, so the error of a run's mean is far larger
/// than σ/√n. The tolerance comes from independent replications instead (one seed each): the standard
/// error of the mean over <see cref="Replications"/> runs, and a claim holds within 4 of them
/// (a deterministic run: the bound is about the model, not about luck).
/// </remarks>
public class QueueingSpecs(ITestOutputHelper output)
{
    private const int Replications = 6;
    private const double ServiceMs = 1;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    /// <summary>Runs the queue once per seed; with a <paramref name="lag"/>, on a clock that delivers every delayed message that late.</summary>
    private static async Task<RunReport[]> Replicate(int workers, double utilisation, TimeSpan lag = default)
    {
        var runs = new RunReport[Replications];
        var options = new RunOptions { Clock = ClockMode.Virtual, WrapVirtualClock = lag > TimeSpan.Zero ? clock => new LateClock(clock, lag) : null };
        for (var seed = 1; seed <= Replications; seed++)
            runs[seed - 1] = await MeshRunner.RunAsync(QueueingModel.Topology(workers, utilisation, ServiceMs, Duration, Warmup, seed), options);
        return runs;
    }

    /// <summary>Mean of <paramref name="values"/> and its standard error.</summary>
    private static (double Mean, double StandardError) MeanAndError(double[] values)
    {
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        return (mean, Math.Sqrt(variance / values.Length));
    }

    private void Within(string what, double expected, double[] measured)
    {
        var (mean, se) = MeanAndError(measured);
        output.WriteLine($"{what}: expected {expected:0.####} ms, measured {mean:0.####} ms ± {se:0.####} (SE over {measured.Length} runs: {string.Join(", ", measured.Select(m => m.ToString("0.###")))}), bias {(mean - expected) / expected:P2}");
        Assert.InRange(mean, expected - 4 * se, expected + 4 * se);
        // And the replications are informative: the error is a few percent, not a band wide enough to pass anything.
        Assert.True(se / expected < 0.05, $"{what}: standard error {se:0.####} ms is too wide to test anything");
    }

    [Fact]
    public async Task One_worker_at_utilisation_0_8_has_the_M_M_1_mean_and_p99()
    {
        var runs = await Replicate(workers: 1, utilisation: 0.8);

        Assert.All(runs, r => Assert.Equal(r.Requests.Sent, r.Requests.Ok));
        Within("M/M/1 mean", QueueingModel.MeanResponseMs(1, 800, ServiceMs), [.. runs.Select(r => r.LatencyMs.Mean)]);
        Within("M/M/1 p99", QueueingModel.MM1PercentileMs(0.8, ServiceMs, 99), [.. runs.Select(r => r.LatencyMs.P99)]);
    }

    [Fact]
    public async Task Two_workers_at_utilisation_0_8_have_the_Erlang_C_mean()
    {
        var runs = await Replicate(workers: 2, utilisation: 0.8);

        Assert.All(runs, r => Assert.Equal(r.Requests.Sent, r.Requests.Ok));
        Within("M/M/2 mean", QueueingModel.MeanResponseMs(2, 1600, ServiceMs), [.. runs.Select(r => r.LatencyMs.Mean)]);
    }

    /// <summary>
    /// The issue's case: each job's service time scheduled from when the actor got to run put M/M/2 at 0.8
    /// 14 % above Erlang-C. On a clock that delivers everything a whole service time late, the queue's jobs
    /// still start at max(arrival, the previous job's due end), so the mean is Erlang-C's (DESIGN §6).
    /// </summary>
    [Fact]
    public async Task Two_workers_on_a_clock_a_service_time_late_still_have_the_Erlang_C_mean()
    {
        var runs = await Replicate(workers: 2, utilisation: 0.8, lag: TimeSpan.FromMilliseconds(ServiceMs));

        Assert.All(runs, r => Assert.Equal(r.Requests.Sent, r.Requests.Ok));
        Within("M/M/2 mean, 1 ms late", QueueingModel.MeanResponseMs(2, 1600, ServiceMs), [.. runs.Select(r => r.LatencyMs.Mean)]);
    }

    [Theory]
    [InlineData(1, 0.5, 2.0)]             // M/M/1: S/(1−ρ)
    [InlineData(1, 0.9, 10.0)]
    [InlineData(2, 0.8, 2.7777777778)]    // C(2, 1.6) = 0.7111: W = 0.7111/(2−1.6) = 1.7778 ms, + 1 ms service
    [InlineData(4, 0.5, 1.0869565217)]    // C(4, 2) = 0.1739: W = 0.1739/2 = 0.0870 ms, + 1 ms service
    public void Erlang_C_matches_its_textbook_values(int workers, double utilisation, double expectedMs) =>
        Assert.Equal(expectedMs, QueueingModel.MeanResponseMs(workers, utilisation * workers * 1000, 1), 6);
}
