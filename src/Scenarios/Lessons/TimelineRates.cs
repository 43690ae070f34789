namespace ActorMesh.Scenarios.Lessons;

/// <summary>Rates over seconds of a report's <c>timeline</c>, as the lessons' figures use them.</summary>
internal static class TimelineRates
{
    /// <summary>The share of ok requests among those intended in <paramref name="seconds"/>, unrounded; null when none was sent.</summary>
    public static double? OkRate(this IEnumerable<TimelineSecond> seconds)
    {
        long sent = 0, ok = 0;
        foreach (var s in seconds)
        {
            sent += s.Sent;
            ok += s.Ok;
        }
        return sent == 0 ? null : (double)ok / sent;
    }

    /// <summary><see cref="OkRate"/> rounded to 5 decimals, as reported.</summary>
    public static double? OkRate5(this IEnumerable<TimelineSecond> seconds) => seconds.OkRate() is { } r ? Math.Round(r, 5) : null;
}
