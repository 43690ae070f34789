using ActorMesh.Host.Output;
using ActorMesh.Time;
using Akka.Actor;
using Spectre.Console;

namespace ActorMesh.Tests.Hosting;

/// <summary>
/// Honest real time: when delayed deliveries fire late, the report's <c>emulator</c> section says how
/// late, marks the run saturated, and the summary warns that outcomes may include the emulator's own lag.
/// </summary>
public class EmulatorLagTests
{
    [Fact]
    public async Task A_clock_that_delivers_late_marks_the_run_saturated_and_the_summary_warns()
    {
        var topology = MeshTopology.Create("late")
            .Gateway("edge", g => g.Route("/", "a"))
            .Service("a", s => s.ServiceTime(Distribution.Constant(1)))
            .Load(l => l with { Rps = 50, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) })
            .Build();

        var report = await MeshRunner.RunAsync(topology, new RunOptions { RealClock = () => new LateClock(new HighResolutionClock(), TimeSpan.FromMilliseconds(5)) });

        var lateness = report.Emulator.TimerLatenessMs;
        Assert.True(lateness.Samples >= 20, $"the probe samples every 5 ms, 10 ms when it runs late; got {lateness.Samples} samples");
        Assert.True(lateness.P50 >= 5, $"every delivery is at least 5 ms late; p50 was {lateness.P50} ms");
        Assert.True(report.Emulator.Saturated);
        Assert.Equal("real", report.Emulator.Clock);
        Assert.Contains("of the emulator's own lag", report.Emulator.Warning);
        Assert.True(report.Outcomes.AddsUp);

        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        SummaryView.Write(report, console);
        Assert.Contains("warning: the emulator ran up to", output.ToString());
        Assert.Contains("lower the load or use --clock virtual", output.ToString());
        Assert.Contains("real clock", output.ToString());
    }

    [Theory]
    [InlineData(1.2, 50.0, true)]   // over 1 ms: saturated, whatever the latencies
    [InlineData(0.6, 5.0, true)]    // over 10 % of a 5 ms median
    [InlineData(0.4, 5.0, false)]   // under both
    [InlineData(0.4, 0.0, false)]   // no ok request: only the 1 ms bound applies
    public void Saturation_is_lateness_p99_over_1_ms_or_over_a_tenth_of_the_median_latency(double p99, double medianMs, bool saturated) =>
        Assert.Equal(saturated, EmulatorReport.IsSaturated(new LatenessSummary(p99 / 2, p99, p99 * 2, 1000), medianMs));

    [Fact]
    public void Nothing_sampled_is_never_saturated() =>
        Assert.False(EmulatorReport.IsSaturated(LatenessSummary.None, 1));
}
