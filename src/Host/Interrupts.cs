using System.Runtime.InteropServices;

namespace ActorMesh.Host;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM while a command runs. The first signal cancels <see cref="Token"/>:
/// the command finishes what it can (a run stops its load, drains briefly, prints its summary and
/// writes its report) and exits with <see cref="ExitCode"/>, 130 for SIGINT and 143 for SIGTERM as
/// shells report a process ended by that signal. A second signal aborts at once with the same code,
/// writing nothing more.
/// </summary>
/// <remarks>
/// System.CommandLine's own handling is off (<c>ProcessTerminationTimeout = null</c> in Program.cs):
/// it forces the exit a fixed time after the signal, whatever the command is still doing.
/// </remarks>
internal sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _first = new();
    private readonly string _onFirst;
    private readonly string _abortLoses;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    private Interrupts(string onFirst, string abortLoses)
    {
        _onFirst = onFirst;
        _abortLoses = abortLoses;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // Not on this platform (SIGTERM on some): the runtime's default handling stays.
            }
        }
    }

    /// <summary>
    /// Listens for SIGINT and SIGTERM until disposed. When the first arrives, stderr says what the
    /// command does now (<paramref name="onFirst"/>, e.g. "stopping the load") and what aborting with
    /// a second signal would lose (<paramref name="abortLoses"/>, e.g. "the report").
    /// </summary>
    public static Interrupts Listen(string onFirst, string abortLoses) => new(onFirst, abortLoses);

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _first.Token;

    /// <summary>The first signal received, if any.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>True once a signal has arrived.</summary>
    public bool Interrupted => Signal is not null;

    /// <summary>The exit code for the signal received: 130 for SIGINT, 143 for SIGTERM (128 + the signal's number).</summary>
    public int ExitCode => ExitCodeOf(Signal ?? PosixSignal.SIGINT);

    private static int ExitCodeOf(PosixSignal signal) => signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    private static string Name(PosixSignal signal) => signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";

    private void OnSignal(PosixSignalContext context)
    {
        // Handled here: the runtime must not end the process (its default) or raise ProcessExit.
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) == 1)
        {
            Signal = context.Signal;
            Console.Error.WriteLine($"{Name(context.Signal)}: {_onFirst}. Send it again to abort at once, without {_abortLoses}.");
            // Not on the signal's thread: what the token's callbacks do must not delay a second signal.
            _ = Task.Run(() => _first.Cancel());
            return;
        }
        Console.Error.WriteLine($"{Name(context.Signal)} again: aborting.");
        Abort(ExitCodeOf(Signal ?? context.Signal));
    }

    /// <summary>Ends the process now with <paramref name="code"/>: no ProcessExit handlers (Akka's coordinated shutdown would wait for the actor systems), no flushing beyond the console's.</summary>
    private static void Abort(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (OperatingSystem.IsWindows()) Environment.Exit(code);
        else Native.Exit(code);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _first.Dispose();
    }

    private static class Native
    {
        /// <summary>POSIX <c>_exit</c>: ends the process at once with <paramref name="status"/>.</summary>
        [DllImport("libc", EntryPoint = "_exit")]
        public static extern void Exit(int status);
    }
}
