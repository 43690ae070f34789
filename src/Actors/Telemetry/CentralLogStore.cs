using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ActorMesh.Telemetry;

/// <summary>
/// The run's central log store, where log-collector sidecars ship the apps' structured log events: a
/// Serilog <see cref="ILogger"/> whose pipeline counts every event it receives and, when given one,
/// also writes it to another sink (the console program's <c>--logs</c> file). Thread-safe; one per run.
/// </summary>
internal sealed class CentralLogStore : IDisposable
{
    private readonly Counter _counter = new();
    private readonly Logger _logger;

    /// <summary>A store that counts events, and also writes them to <paramref name="sink"/> when given (it is disposed with the store).</summary>
    public CentralLogStore(ILogEventSink? sink = null)
    {
        var configuration = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(_counter);
        if (sink is not null) configuration = configuration.WriteTo.Sink(sink);
        _logger = configuration.CreateLogger();
    }

    /// <summary>The logger collectors ship to.</summary>
    public ILogger Logger => _logger;

    /// <summary>Events the store has received.</summary>
    public long Received => Interlocked.Read(ref _counter.Count);

    /// <summary>Flushes and closes the store's sinks.</summary>
    public void Dispose() => _logger.Dispose();

    private sealed class Counter : ILogEventSink
    {
        public long Count;

        public void Emit(LogEvent logEvent) => Interlocked.Increment(ref Count);
    }
}
