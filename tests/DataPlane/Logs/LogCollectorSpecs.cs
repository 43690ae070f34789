using ActorMesh.ControlPlane;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Logs;
using Akka.Actor;
using Serilog.Core;
using Serilog.Events;

namespace ActorMesh.Tests.DataPlane.Logs;

/// <summary>Experiments on the log-collector sidecar: batching, crashes, a bounded buffer, in virtual time.</summary>
public class LogCollectorSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static TopologyBuilder Orders(Func<LogCollectorOptions, LogCollectorOptions> collector, int replicas = 2, double rps = 400, double seconds = 2) =>
        MeshTopology.Create("logs")
            .Gateway("edge", g => g.Route("/", "orders"))
            .Service("orders", s => s.Replicas(replicas).ServiceTime(Distribution.Constant(1)).LogCollector(collector))
            .Latency(Distribution.Constant(1))
            .Load(l => l with { Rps = rps, Duration = TimeSpan.FromSeconds(seconds), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) });

    /// <summary>Crashes a container <paramref name="after"/> the load starts (the load starts right after this, at the same virtual instant).</summary>
    private static void CrashAfter(MeshSystem mesh, TimeSpan after, string pod, string container) =>
        mesh.Runtime.Clock.Schedule(after.Ticks, mesh.NodeAgent, new ForwardToPod(pod, new CrashContainer(container)), ActorRefs.Nobody);

    private static void AddsUp(SidecarsReport s) =>
        Assert.True(s.LogsEmitted == s.LogsShipped + s.LogsDropped + s.LogsBuffered,
            $"emitted {s.LogsEmitted} = shipped {s.LogsShipped} + dropped {s.LogsDropped} + buffered {s.LogsBuffered}");

    [Fact]
    public void A_crashed_log_collector_restarts_alone_and_no_event_is_lost()
    {
        var mesh = StartMesh(Orders(c => c with { RestartDelay = TimeSpan.FromSeconds(0.5) }).Build());

        CrashAfter(mesh, TimeSpan.FromSeconds(1), "orders-0", "log-collector");
        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var s = report.Sidecars;
        Assert.Equal(1, s.Restarts["log-collector"]);
        Assert.Equal(0, s.Restarts["proxy"]);
        Assert.All(report.Services["orders"].PerInstance.Values, pod => Assert.Equal((0, 0), (pod.AppRestarts, pod.ProxyRestarts)));
        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        // One event per answered request; none dropped, because the outage fit in the buffer.
        Assert.Equal(report.Services["orders"][ServiceCounter.Requests], s.LogsEmitted);
        Assert.Equal(0, s.LogsDropped);
        AddsUp(s);
        // During the 0.5 s outage orders-0's ~200 events/s waited in the pod's buffer, beyond one batch.
        Assert.InRange(s.LogsBufferPeak, 100, 120);
        Assert.Equal(s.LogsShipped, mesh.Runtime.LogStore.Received);
    }

    [Fact]
    public void A_tiny_buffer_during_a_long_collector_outage_drops_the_overflow_and_counts_it()
    {
        var mesh = StartMesh(Orders(c => c with { BufferSize = 50, BatchSize = 10, RestartDelay = TimeSpan.FromSeconds(5) }, replicas: 1, rps: 200, seconds: 3).Build());

        CrashAfter(mesh, TimeSpan.FromSeconds(0.5), "orders-0", "log-collector");
        var load = RunLoad(mesh);
        var during = Await(mesh.ReportAsync(load)).Sidecars;

        // 600 events: ~100 shipped before the crash, 50 held by the buffer, the rest dropped and counted.
        Assert.Equal(600, during.LogsEmitted);
        Assert.Equal(50, during.LogsBuffered);
        Assert.Equal(50, during.LogsBufferPeak);
        Assert.InRange(during.LogsShipped, 91, 100);
        Assert.InRange(during.LogsDropped, 450, 459);
        AddsUp(during);

        // When the collector is back it ships what the buffer held; the dropped stay dropped.
        Clock.Advance(TimeSpan.FromSeconds(5));
        var after = Await(mesh.ReportAsync(load)).Sidecars;
        Assert.Equal(0, after.LogsBuffered);
        Assert.Equal(during.LogsDropped, after.LogsDropped);
        Assert.Equal(after.LogsEmitted - after.LogsDropped, after.LogsShipped);
        AddsUp(after);
    }

    [Fact]
    public void Events_that_never_fill_a_batch_wait_at_most_one_flush_interval()
    {
        var mesh = StartMesh(Orders(c => c with { BatchSize = 1000, BufferSize = 1000 }, replicas: 1, rps: 20, seconds: 1).Build());

        RunLoad(mesh);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var pods = Await(mesh.PodStatsAsync());

        var logs = Assert.Single(pods).Logs!;
        Assert.Equal(20, logs.Emitted);
        Assert.Equal(20, logs.Shipped);
        Assert.Equal(0, logs.Buffered);
    }

    [Fact]
    public void A_sample_rate_logs_that_share_of_requests()
    {
        var mesh = StartMesh(Orders(c => c with { SampleRate = 0.25 }, rps: 1000).Build());

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.InRange(report.Sidecars.LogsEmitted, 440, 560);
        AddsUp(report.Sidecars);
    }

    [Fact]
    public void Shipped_events_reach_the_central_store_through_Serilog_as_structured_events()
    {
        var captured = new CapturingSink();
        var topology = Orders(c => c with { BatchSize = 10 }, replicas: 1, rps: 100, seconds: 1).Build();
        var runtime = new MeshRuntime(Clock, topology.Seed) { LogStore = new CentralLogStore(captured) };
        var mesh = MeshSystem.Launch(Sys, topology, runtime, new ControlPlaneOptions());
        Await(mesh.Started);
        Advance(mesh.Ready, TimeSpan.FromSeconds(5));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Sidecars.LogsShipped, captured.Events.Count);
        Assert.Equal(100, captured.Events.Count);
        var e = captured.Events[0];
        Assert.Equal(LogEventLevel.Information, e.Level);
        Assert.Equal("\"orders\"", e.Properties["Service"].ToString());
        Assert.Equal("\"orders-0\"", e.Properties["Pod"].ToString());
        Assert.Equal("200", e.Properties["Status"].ToString());
        Assert.Equal("1", e.Properties["DurationMs"].ToString());
        Assert.Equal("\"orders\" \"/\" answered 200 in 1 ms", e.RenderMessage());
    }

    private sealed class CapturingSink : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent)
        {
            lock (Events) Events.Add(logEvent);
        }
    }
}
