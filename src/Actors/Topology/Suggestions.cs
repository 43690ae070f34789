namespace ActorMesh.Topology;

/// <summary>
/// "Did you mean": the candidate closest to a name not found, by edit distance ignoring case, when it
/// is close enough (at most a third of the name's length, or 2). Its cost is bounded: names longer than
/// <see cref="TopologyLimits.MaxSuggestedNameLength"/> get none, candidates whose length alone rules
/// them out are skipped, the table takes two short rows, and the work of all the suggestions of one
/// file together stops at <see cref="TopologyLimits.SuggestionBudget"/>. A suggestion left out only
/// shortens the message.
/// </summary>
internal sealed class Suggestions
{
    private long _left = TopologyLimits.SuggestionBudget;

    /// <summary>" (did you mean 'x'?)", or "" when no candidate is close or the budget is spent.</summary>
    public string For(string name, IEnumerable<string> candidates)
    {
        if (name.Length > TopologyLimits.MaxSuggestedNameLength) return "";
        string? best = null;
        var bound = Math.Max(2, name.Length / 3) + 1; // a candidate must come closer than this
        foreach (var candidate in candidates)
        {
            if (--_left < 0) return "";
            if (Math.Abs(candidate.Length - name.Length) >= bound) continue;
            _left -= (long)name.Length * candidate.Length;
            if (_left < 0) return "";
            var distance = Distance(name, candidate);
            if (distance < bound)
            {
                best = candidate;
                bound = distance;
            }
        }
        return best is null ? "" : $" (did you mean '{best}'?)";
    }

    /// <summary>Levenshtein distance ignoring case; <paramref name="b"/> is at most a few characters longer than a suggested name.</summary>
    private static int Distance(string a, string b)
    {
        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var ai = char.ToLowerInvariant(a[i - 1]);
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (ai == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
            var swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.Length];
    }
}
