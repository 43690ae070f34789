using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorMesh.Tests.Host;

/// <summary>
/// The console program as a child process that a test talks to while it runs: it waits for lines of
/// its output (never for a fixed time) and sends it real signals. Linux only (signals and <c>env</c>).
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    public const int SIGINT = 2;
    public const int SIGTERM = 15;

    private static readonly string HostDll = Path.Combine(AppContext.BaseDirectory, "ActorMesh.Host.dll");
    private readonly Process _process;
    private readonly List<string> _out = [];
    private readonly List<string> _err = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private HostProcess(Process process) => _process = process;

    /// <summary>The directory the program runs in (a fresh temporary one); deleted on dispose.</summary>
    public required string Directory { get; init; }

    /// <summary>Its process id.</summary>
    public int Id => _process.Id;

    /// <summary>Everything written to stdout so far.</summary>
    public string Out
    {
        get { lock (_waiters) return string.Join('\n', _out); }
    }

    /// <summary>Everything written to stderr so far.</summary>
    public string Err
    {
        get { lock (_waiters) return string.Join('\n', _err); }
    }

    /// <summary>
    /// Starts the program with <paramref name="args"/> in a new temporary directory, holding <paramref name="files"/>
    /// (name → content). SIGINT is reset to its default first: a test runner started in the background may
    /// ignore it, and a process that starts with SIGINT ignored never hears Ctrl+C.
    /// </summary>
    public static HostProcess Start(IReadOnlyDictionary<string, string> files, params string[] args)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"actormesh-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(dir);
        foreach (var (name, content) in files) File.WriteAllText(Path.Combine(dir, name), content);
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (var a in (string[])["--default-signal=INT", "dotnet", HostDll, .. args]) start.ArgumentList.Add(a);
        var process = new Process { StartInfo = start };
        var host = new HostProcess(process) { Directory = dir };
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data, host._out);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data, host._err);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void OnLine(string? line, List<string> into)
    {
        if (line is null) return;
        lock (_waiters)
        {
            into.Add(line);
            foreach (var (match, seen) in _waiters)
                if (match(line)) seen.TrySetResult(line);
        }
    }

    /// <summary>Waits until a line of stdout or stderr (already written or still to come) matches <paramref name="match"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? within = null)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (_out.Concat(_err).FirstOrDefault(match) is { } line) return line;
            _waiters.Add((match, seen));
        }
        var limit = within ?? TimeSpan.FromMinutes(2);
        var done = await Task.WhenAny(seen.Task, _process.WaitForExitAsync(), Task.Delay(limit));
        if (done == seen.Task) return await seen.Task;
        throw new TimeoutException($"no line showing {what} within {limit.TotalSeconds:0} s{(_process.HasExited ? $" (exited with {_process.ExitCode})" : "")}\nstdout:\n{Out}\nstderr:\n{Err}");
    }

    /// <summary>Sends <paramref name="signal"/> to the program (kill(2)).</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the program to exit and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan? within = null)
    {
        await _process.WaitForExitAsync().WaitAsync(within ?? TimeSpan.FromMinutes(2));
        _process.WaitForExit(); // the rest of its output
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
