using ActorMesh.DataPlane.Pod;
using ActorMesh.DataPlane.Proxy;
using Akka.Event;
using Serilog.Events;
using LogEvent = Serilog.Events.LogEvent;
using Serilog.Parsing;

namespace ActorMesh.DataPlane.Logs;

/// <summary>App → collector: a full batch waits in the pod's buffer. Sent once per batch, not per event.</summary>
internal sealed class LogsWaiting : Signal<LogsWaiting>, INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Collector timer: ship whatever waits. Carries the incarnation that scheduled it, so a restarted collector ignores its predecessor's timer.</summary>
internal sealed record FlushDue(int Incarnation) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Collector timer: a restarted collector has started and ships again.</summary>
internal sealed record CollectorStarted(int Incarnation) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>
/// The log-collector sidecar. It ships the pod's buffered log events to the run's central log store
/// (a Serilog logger) in batches: as soon as a full batch waits, and every flush interval whatever
/// waits. A restarted collector ships nothing for its restart delay; the events wait in the pod's
/// buffer, which outlives it. Stopping the pod ships what waits (a graceful shutdown, within its grace
/// period even if the collector was still restarting); a crash ships nothing.
/// </summary>
internal sealed class LogCollector : UntypedActor
{
    private static readonly Serilog.Events.MessageTemplate Template =
        new MessageTemplateParser().Parse("{Service} {Path} answered {Status} in {DurationMs} ms");

    private readonly PodContext _pod;
    private readonly MeshRuntime _runtime;
    private readonly LogSpool _spool;
    private readonly LogCollectorOptions _options;
    private readonly int _incarnation;
    private readonly LogRecord[] _batch;
    private readonly Serilog.ILogger _store;
    private readonly LogEventProperty _service;
    private readonly LogEventProperty _podId;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _shipping;
    private bool _crashed;

    public LogCollector(PodContext pod, ContainerMemory memory)
    {
        _pod = pod;
        _runtime = pod.Runtime;
        _spool = pod.Logs ?? throw new InvalidOperationException($"pod {pod.PodId} has no log buffer");
        _options = pod.Spec.Service.LogCollector!;
        _incarnation = memory.Start();
        _batch = new LogRecord[_options.BatchSize];
        _store = _runtime.LogStore.Logger;
        _service = new LogEventProperty("Service", new ScalarValue(pod.Spec.Service.Name));
        _podId = new LogEventProperty("Pod", new ScalarValue(pod.PodId));
    }

    public static Props Props(PodContext pod)
    {
        var memory = new ContainerMemory();
        return pod.Runtime.PodProps(() => new LogCollector(pod, memory));
    }

    protected override void PreStart()
    {
        ScheduleFlush();
        if (_incarnation == 1) _shipping = true;
        else if (_options.RestartDelay <= TimeSpan.Zero) Self.Tell(new CollectorStarted(_incarnation), Self);
        else _runtime.Clock.Schedule(_options.RestartDelay.Ticks, Self, new CollectorStarted(_incarnation), Self);
    }

    protected override void PreRestart(Exception reason, object message)
    {
        _crashed = true; // PostStop runs next: a crashed process does not flush
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        _log.Warning("Log collector of {0} restarted after {1}: {2}", _pod.PodId, reason.GetType().Name, reason.Message);
    }

    protected override void PostStop()
    {
        // A graceful stop (the pod stopping) drains the buffer within its grace period, even while restarting; a crash does not.
        if (!_crashed) Ship(fullBatchesOnly: false);
        base.PostStop();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case LogsWaiting:
                if (_shipping) Ship(fullBatchesOnly: true);
                break;
            case FlushDue due:
                if (due.Incarnation != _incarnation) return;
                if (_shipping) Ship(fullBatchesOnly: false);
                ScheduleFlush();
                break;
            case CollectorStarted started:
                if (started.Incarnation != _incarnation) return;
                _shipping = true;
                Ship(fullBatchesOnly: false);
                break;
            case CrashContainer:
                throw new ContainerCrashedException($"log collector of {_pod.PodId} crashed on request");
            default:
                Unhandled(message);
                break;
        }
    }

    private void ScheduleFlush() => _runtime.Clock.Schedule(_options.FlushInterval.Ticks, Self, new FlushDue(_incarnation), Self);

    /// <summary>Ships batches while events wait (only full ones when <paramref name="fullBatchesOnly"/>); each is committed once written.</summary>
    private void Ship(bool fullBatchesOnly)
    {
        while (true)
        {
            var n = _spool.Peek(_batch);
            if (n == 0 || (fullBatchesOnly && n < _batch.Length)) return;
            for (var i = 0; i < n; i++) _store.Write(ToEvent(_batch[i]));
            _spool.Commit(n);
            Array.Clear(_batch, 0, n);
        }
    }

    private LogEvent ToEvent(in LogRecord r)
    {
        var level = r.Status >= 500 ? LogEventLevel.Error : r.Status >= 400 ? LogEventLevel.Warning : LogEventLevel.Information;
        // The emulator has no wall clock: timestamps are mesh time since the run started, counted from the Unix epoch.
        var at = DateTimeOffset.UnixEpoch.AddTicks(r.At);
        return new LogEvent(at, level, null, Template,
        [
            _service,
            _podId,
            new LogEventProperty("Path", new ScalarValue(r.Path)),
            new LogEventProperty("Status", new ScalarValue(r.Status)),
            new LogEventProperty("DurationMs", new ScalarValue(Math.Round(r.DurationTicks / (double)TimeSpan.TicksPerMillisecond, 3))),
            new LogEventProperty("TraceId", new ScalarValue(r.TraceId)),
            new LogEventProperty("SettingsVersion", new ScalarValue(r.SettingsVersion)),
        ]);
    }
}
