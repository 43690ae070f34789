using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using HdrHistogram;

namespace ActorMesh.Hosting;

/// <summary>
/// Measures what a run costs the machine it runs on: wall and CPU time, mesh time, messages and the
/// emulator's lag, over every phase of a run (a lesson runs several). These are wall-clock facts,
/// kept to the report's <c>run</c> and <c>emulator</c> sections; nothing in the mesh reads them.
/// </summary>
internal sealed class EmulatorMeter
{
    private readonly TimeProvider _wall;
    private readonly long _startedStamp;
    private readonly TimeSpan _startedCpu;
    private readonly LongHistogram _lateness = new(TimeSpan.TicksPerHour, 3);
    private readonly Lock _lock = new();
    private long _simulatedTicks;
    private long _messages;

    /// <summary>Starts measuring now; <paramref name="wall"/> is where wall-clock time comes from (default the system's).</summary>
    public EmulatorMeter(TimeProvider? wall = null)
    {
        _wall = wall ?? TimeProvider.System;
        StartedAt = _wall.GetUtcNow();
        _startedStamp = _wall.GetTimestamp();
        _startedCpu = Process.GetCurrentProcess().TotalProcessorTime;
    }

    /// <summary>When measuring started (UTC).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Wall time since measuring started.</summary>
    public TimeSpan Wall => _wall.GetElapsedTime(_startedStamp);

    /// <summary>Adds one phase's mesh time, message count and lateness samples (a histogram of ticks).</summary>
    public void AddPhase(long simulatedTicks, long messages, HistogramBase? latenessTicks)
    {
        lock (_lock)
        {
            _simulatedTicks += simulatedTicks;
            _messages += messages;
            if (latenessTicks is not null) _lateness.Add(latenessTicks);
        }
    }

    /// <summary>The <c>emulator</c> section so far; <paramref name="medianLatencyMs"/> is the run's median ok latency (for <see cref="EmulatorReport.Saturated"/>).</summary>
    public EmulatorReport Report(string clock, double medianLatencyMs)
    {
        var wall = Wall.TotalSeconds;
        LatenessSummary lateness;
        long simulated, messages;
        lock (_lock)
        {
            lateness = clock == "virtual" ? LatenessSummary.None : Time.LatenessProbe.Summary(_lateness);
            simulated = _simulatedTicks;
            messages = _messages;
        }
        var saturated = EmulatorReport.IsSaturated(lateness, medianLatencyMs);
        var simulatedSeconds = simulated / (double)TimeSpan.TicksPerSecond;
        return new EmulatorReport
        {
            Clock = clock,
            TimerLatenessMs = lateness,
            CpuSeconds = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - _startedCpu).TotalSeconds, 3),
            WallSeconds = Math.Round(wall, 3),
            Cores = Environment.ProcessorCount,
            SimulatedSeconds = Math.Round(simulatedSeconds, 3),
            SimulatedSecondsPerWallSecond = wall > 0 ? Math.Round(simulatedSeconds / wall, 2) : 0,
            MeshMessages = messages,
            MeshMessagesPerWallSecond = wall > 0 ? Math.Round(messages / wall) : 0,
            Saturated = saturated,
            Warning = saturated ? EmulatorReport.WarningFor(lateness) : null,
        };
    }

    /// <summary>The <c>run</c> section: tool, command line, seed, clock, start, wall time and machine.</summary>
    public RunInfo RunInfo(long seed, string clock, string? commandLine) => new()
    {
        ToolVersion = ToolVersion,
        CommandLine = commandLine,
        Seed = seed,
        Clock = clock,
        StartedAtUtc = StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
        WallSeconds = Math.Round(Wall.TotalSeconds, 3),
        Cores = Environment.ProcessorCount,
        Os = RuntimeInformation.OSDescription,
        Dotnet = RuntimeInformation.FrameworkDescription,
    };

    /// <summary>ActorMesh's informational version: the package version, with "+commit" when built from a git checkout.</summary>
    public static string ToolVersion { get; } =
        typeof(EmulatorMeter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(EmulatorMeter).Assembly.GetName().Version?.ToString() ?? "unknown";
}
