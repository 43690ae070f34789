using ActorMesh.Time;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ActorMesh.Bench;

/// <summary>
/// Cost and allocations of requesting one 1 ms delayed delivery: Akka's scheduler (baseline) vs
/// <see cref="HighResolutionClock"/>. Deliveries go to an actor that counts and drops them; after each
/// iteration every delivery is awaited, so nothing piles up from one iteration to the next and each
/// iteration starts with an empty timer. Allocations are the process's, so they include what the
/// timer thread allocates on the caller's behalf.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class ClockBenchmarks
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(1);
    private static readonly object Message = new();

    private ActorSystem _system = null!;
    private HighResolutionClock _clock = null!;
    private IActorRef _sink = null!;
    private readonly Counter _received = new();
    private long _scheduled;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("clock-bench", ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING"));
        _clock = new HighResolutionClock();
        _sink = _system.ActorOf(Props.Create(() => new Sink(_received)));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _clock.Dispose();
        _system.Terminate().Wait(TimeSpan.FromSeconds(5));
    }

    /// <summary>Waits for the iteration's deliveries (bounded: a lost delivery must not hang the run).</summary>
    [IterationCleanup]
    public void Drain()
    {
        for (var waited = 0; Volatile.Read(ref _received.Value) < _scheduled && waited < 5_000; waited++) Thread.Sleep(1);
    }

    [Benchmark(Baseline = true)]
    public void AkkaScheduleTellOnce()
    {
        _system.Scheduler.ScheduleTellOnce(Delay, _sink, Message, ActorRefs.Nobody);
        _scheduled++;
    }

    [Benchmark]
    public void HighResolutionClockSchedule()
    {
        _clock.Schedule(Delay.Ticks, _sink, Message, ActorRefs.Nobody);
        _scheduled++;
    }

    private sealed class Counter
    {
        public long Value;
    }

    private sealed class Sink(Counter received) : UntypedActor
    {
        protected override void OnReceive(object message) => Interlocked.Increment(ref received.Value);
    }

    /// <summary>
    /// Short: one launch, 3 warm-up and 15 measured iterations of 2^19 calls each. The invocation
    /// count is fixed because [IterationCleanup] would otherwise make BenchmarkDotNet call once per iteration.
    /// </summary>
    private sealed class ShortConfig : ManualConfig
    {
        public ShortConfig() => AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(15).WithInvocationCount(1 << 19).WithUnrollFactor(16));
    }
}
