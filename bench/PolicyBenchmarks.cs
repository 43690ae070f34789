using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.DataPlane.Resilience.OutlierDetection;
using ActorMesh.DataPlane.Resilience.Retry;
using ActorMesh.Randomness;
using ActorMesh.Telemetry;
using BenchmarkDotNet.Attributes;

namespace ActorMesh.Bench;

/// <summary>
/// The policy chain's decisions one by one, as the router makes them for every attempt, against one
/// random draw (the baseline: the unit most policies spend). Three hosts, as in the benchmark chain.
/// Scheduling on the delay service is <see cref="ClockBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PolicyBenchmarks
{
    private static readonly int[] Hosts = [0, 1, 2];
    private readonly int[] _active = [3, 1, 2];
    private readonly MeshRandom _random = new(42);
    private LoadBalancer _roundRobin = null!;
    private LoadBalancer _leastRequest = null!;
    private CircuitBreaker _breaker = null!;
    private OutlierDetector _outlier = null!;
    private ServiceTelemetry _telemetry = null!;
    private readonly TriedHosts _tried = new();
    private readonly RetryOptions _retries = new() { Attempts = 2, RetryOn = RetryOn.FiveXx | RetryOn.ConnectFailure, PerTryTimeout = TimeSpan.FromSeconds(1) };
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        _roundRobin = new LoadBalancer(LoadBalancerKind.RoundRobin, _random);
        _leastRequest = new LoadBalancer(LoadBalancerKind.LeastRequest, _random);
        _breaker = new CircuitBreaker(new CircuitBreakerOptions());
        _outlier = new OutlierDetector(new OutlierDetectionOptions(), Hosts.Length);
        _telemetry = new ServiceTelemetry();
        _tried.Add(0);
    }

    [Benchmark(Baseline = true)]
    public int RandomDraw() => _random.NextInt(3);

    [Benchmark]
    public int PickRoundRobin() => _roundRobin.Pick(Hosts, Hosts.Length, _active);

    /// <summary>Two random choices, the less loaded wins; avoiding the hosts already tried, as a retry does.</summary>
    [Benchmark]
    public int PickLeastRequest() => _leastRequest.Pick(Hosts, Hosts.Length, _active, _tried);

    /// <summary>A closed breaker: admit, then record a success (time moves 1 µs per call, so the sampling buckets roll).</summary>
    [Benchmark]
    public bool BreakerDecision()
    {
        _now += 10;
        var admitted = _breaker.TryAcquire(_now, out var probe);
        _breaker.OnSuccess(_now, probe);
        return admitted;
    }

    /// <summary>A 503 from an upstream: retriable? and within attempts and the retry limit?</summary>
    [Benchmark]
    public RetryDecision RetryDecision()
    {
        var retriable = RetryPolicy.IsRetriable(_retries, AttemptFailure.Response, 503);
        return RetryPolicy.Decide(_retries, retriable, retriesDone: 1, activeRequests: 64, activeRetries: 1, maxRetries: 3);
    }

    [Benchmark]
    public bool OutlierResult()
    {
        _now += 10;
        return _outlier.OnResult(1, isFailure: false, _now);
    }

    /// <summary>One inbound request's latency into the service's HdrHistogram (µs, 2 significant digits).</summary>
    [Benchmark]
    public void HistogramRecord() => _telemetry.RecordLatency(1_234 + (_now++ & 0x3FF));
}
