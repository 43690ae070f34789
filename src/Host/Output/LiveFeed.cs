using System.Globalization;
using ActorMesh.Load;
using Spectre.Console.Rendering;

namespace ActorMesh.Host.Output;

/// <summary>
/// What the live view shows a person following a run: the phase of a multi-phase lesson, progress
/// against the load's total duration, the timeline events as their time comes, and the last second's
/// figures. Plain state fed by the run's callbacks; <see cref="ProgressView"/> draws it.
/// </summary>
internal sealed class LiveFeed(MeshTopology topology)
{
    /// <summary>Timeline events kept on screen at once.</summary>
    public const int EventsShown = 5;

    private readonly List<TimelineEntry> _schedule = [.. topology.Timeline.OrderBy(e => e.At)];
    private readonly List<string> _happened = [];
    private readonly List<string> _finished = [];
    private int _next;

    /// <summary>Warm-up plus measured duration, in seconds.</summary>
    public double TotalSeconds { get; } = (topology.Load.Warmup + topology.Load.Duration).TotalSeconds;

    /// <summary>The lesson's phase now running, if the lesson has phases.</summary>
    public LessonPhase? Phase { get; private set; }

    /// <summary>The latest figures.</summary>
    public LiveStats? Last { get; private set; }

    /// <summary>A new phase starts: its load starts from zero and its timeline from the first event.</summary>
    public string StartPhase(LessonPhase phase)
    {
        if (Phase is { } done && Last is { } end) _finished.Add(Inv($"{done}: sent {end.Sent}, ok {end.Ok}, not ok {end.NotOk}"));
        Phase = phase;
        Last = null;
        _next = 0;
        _happened.Clear();
        return Heading(phase);
    }

    /// <summary>The phase's heading.</summary>
    public static string Heading(LessonPhase phase) => $"── {phase} ──";

    /// <summary>Takes the latest figures; returns the timeline events whose time has come since the previous ones, as lines.</summary>
    public IReadOnlyList<string> Update(LiveStats s)
    {
        Last = s;
        var due = new List<string>();
        while (_next < _schedule.Count && _schedule[_next].At.TotalSeconds <= s.ElapsedSeconds)
        {
            var e = _schedule[_next++];
            due.Add(Inv($"at {e.At.TotalSeconds:0.###}s: {e.Event.Describe()}"));
        }
        _happened.AddRange(due);
        return due;
    }

    /// <summary>Progress against the total duration, e.g. <c>━━━━━━────── 12.0 of 20.0 s (60%) measure</c>.</summary>
    public string Progress(LiveStats s, int barWidth = 20)
    {
        var share = TotalSeconds <= 0 ? 1 : Math.Clamp(s.ElapsedSeconds / TotalSeconds, 0, 1);
        var done = (int)Math.Round(share * barWidth);
        return new string('━', done) + new string('─', barWidth - done) + Inv($" {s.ElapsedSeconds:0.0} of {TotalSeconds:0.0} s ({100 * share:0}%) {s.Phase}");
    }

    /// <summary>One line per progress report when the output is not a terminal (at most 80 columns for numbers of usual size).</summary>
    public string Line(LiveStats s) =>
        Inv($"[{s.ElapsedSeconds,5:0.0}/{TotalSeconds:0.0}s] {s.Phase,-7} {s.IntervalRps,7:0}/s ok {s.IntervalOkPercent,6:0.00}% p99 {s.IntervalP99Ms,7:0.00}ms sent {s.Sent} open {s.Outstanding}");

    /// <summary>The figures of the last second, as a table split to fit the console.</summary>
    public static FittedTable Figures(LiveStats s) =>
        new FittedTable("last second", "phase", "rate/s", "ok %", "p99 ms", "sent", "ok", "not ok", "open")
            .Row(s.Phase, Inv($"{s.IntervalRps:0}"), Inv($"{s.IntervalOkPercent:0.00}"), Inv($"{s.IntervalP99Ms:0.00}"), Inv($"{s.Sent}"), Inv($"{s.Ok}"), Inv($"{s.NotOk}"), Inv($"{s.Outstanding}"));

    /// <summary>The whole live view at <paramref name="width"/> columns.</summary>
    public IRenderable View(int width)
    {
        var parts = new List<IRenderable>(_finished.Select(f => new Text(f)));
        if (Phase is { } p) parts.Add(new Rule(Markup.Escape(p.ToString())).LeftJustified());
        if (Last is null)
        {
            parts.Add(new Markup("starting the load…"));
            return new Rows(parts);
        }
        parts.Add(new Text(Progress(Last, Math.Clamp(width - 40, 10, 30))));
        foreach (var e in _happened.TakeLast(EventsShown)) parts.Add(new Text(e));
        parts.AddRange(Figures(Last).Tables(width));
        return new Rows(parts);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
