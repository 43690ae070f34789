using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace ActorMesh.Host.Output;

/// <summary>
/// The <c>--logs</c> file: every log event the log collectors ship to the central store, one compact
/// JSON object per line (Serilog's CLEF). Timestamps are mesh time since the run started, counted
/// from the Unix epoch. Thread-safe; closing it twice is harmless.
/// </summary>
internal sealed class LogFile(string path) : ILogEventSink, IDisposable
{
    private readonly Lock _lock = new();
    private readonly StreamWriter _writer = new(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    private readonly CompactJsonFormatter _formatter = new();
    private bool _closed;

    /// <summary>Events written.</summary>
    public long Written { get; private set; }

    public void Emit(LogEvent logEvent)
    {
        lock (_lock)
        {
            if (_closed) return;
            _formatter.Format(logEvent, _writer);
            Written++;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            _writer.Dispose();
        }
    }
}
