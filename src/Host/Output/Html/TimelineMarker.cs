namespace ActorMesh.Host.Output.Html;

/// <summary>A timeline event to mark on the per-second charts.</summary>
/// <param name="Second">When, in seconds of the measured window (negative: during the warm-up).</param>
/// <param name="Label">The event, as the timeline describes it.</param>
/// <param name="Kind">crash, kill, control-plane, deploy, fault, scale, config or circuit.</param>
internal sealed record TimelineMarker(double Second, string Kind, string Label)
{
    /// <summary>
    /// The applied events of <paramref name="r"/> (skipped ones left out), moved from load time to the
    /// measured window, and the seconds in which a circuit opened or closed (from the timeline's counts).
    /// </summary>
    public static IReadOnlyList<TimelineMarker> From(RunReport r) =>
    [
        .. r.Events.Where(e => !e.Outcome.StartsWith("skipped", StringComparison.Ordinal))
            .Select(e => new TimelineMarker(Math.Round(e.AtSeconds - r.Load.WarmupSeconds, 3), KindOf(e.Event), e.Event))
            .Concat(Circuits(r)).OrderBy(m => m.Second),
    ];

    private static IEnumerable<TimelineMarker> Circuits(RunReport r)
    {
        foreach (var s in r.Timeline)
        {
            if (s.CircuitOpened is > 0) yield return new TimelineMarker(s.Second, "circuit", $"circuit opened ({s.CircuitOpened})");
            if (s.CircuitClosed is > 0) yield return new TimelineMarker(s.Second, "circuit", $"circuit closed ({s.CircuitClosed})");
        }
    }

    /// <summary>The kind of an event, from its description (see the timeline events' <c>Describe</c>).</summary>
    public static string KindOf(string description) => description switch
    {
        _ when description.StartsWith("crash", StringComparison.Ordinal) => "crash",
        _ when description.StartsWith("kill", StringComparison.Ordinal) => "kill",
        _ when description.EndsWith("the control plane", StringComparison.Ordinal) => "control-plane",
        _ when description.StartsWith("deploy", StringComparison.Ordinal) || description.StartsWith("roll ", StringComparison.Ordinal) => "deploy",
        _ when description.StartsWith("set errors", StringComparison.Ordinal) || description.StartsWith("set service time", StringComparison.Ordinal) => "fault",
        _ when description.StartsWith("scale", StringComparison.Ordinal) => "scale",
        _ when description.StartsWith("circuit", StringComparison.Ordinal) => "circuit",
        _ => "config",
    };
}
