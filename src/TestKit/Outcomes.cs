using System.Globalization;
using System.Text;
using ActorMesh.Load;
using ActorMesh.Telemetry;

namespace ActorMesh.TestKit;

/// <summary>
/// How a run's requests ended, in the words an assertion's message uses:
/// <c>2,000 sent, 1,944 ok (97.2 %); 56 not ok: 41 × 503, 15 timed out; errors answered by payments-0 41</c>.
/// </summary>
internal sealed record Outcomes(long Sent, long Ok, IReadOnlyList<(string What, long Count)> NotOk, IReadOnlyList<(string Instance, long Errors)> ErrorsAt)
{
    internal static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public double OkPercent => Sent == 0 ? 100 : 100.0 * Ok / Sent;

    public long NotOkCount => Sent - Ok;

    public static Outcomes Of(RunReport report)
    {
        var notOk = new List<(string, long)>();
        foreach (var (status, count) in report.Outcomes.FailedByStatus) notOk.Add(($"× {status}", count));
        Add(notOk, "timed out", report.Requests.TimedOut);
        foreach (var (reason, count) in report.Outcomes.RejectedByReason) notOk.Add(($"rejected ({reason})", count));
        Add(notOk, "in flight at the end", report.Requests.InFlight);
        var errorsAt = new List<(string, long)>();
        foreach (var service in report.Services.Values)
            foreach (var (pod, instance) in service.PerInstance)
                if (instance.Errors > 0) errorsAt.Add((pod, instance.Errors));
        errorsAt.Sort((a, b) => b.Item2 != a.Item2 ? b.Item2.CompareTo(a.Item2) : string.CompareOrdinal(a.Item1, b.Item1));
        return new Outcomes(report.Requests.Sent, report.Requests.Ok, notOk, errorsAt);
    }

    public static Outcomes Of(LoadResult load)
    {
        var m = load.Measured;
        var notOk = new List<(string, long)>();
        foreach (var (status, count) in m.FailedBy) notOk.Add(($"× {status}", count));
        Add(notOk, "timed out", m.TimedOut);
        for (var r = 0; r < m.RejectedBy.Length; r++)
            if (m.RejectedBy[r] > 0) notOk.Add(($"rejected ({OutcomeClassifier.Name((RejectReason)r)})", m.RejectedBy[r]));
        Add(notOk, "in flight at the end", m.InFlight);
        return new Outcomes(m.Sent, m.Ok, notOk, []);
    }

    private static void Add(List<(string, long)> into, string what, long count)
    {
        if (count > 0) into.Add((what, count));
    }

    /// <summary><c>56 failed: 41 × 503, 15 timed out; errors answered by payments-0 41</c>, or <c>none failed</c>.</summary>
    public string NotOkDescription()
    {
        if (NotOkCount == 0 && NotOk.Count == 0) return "none failed";
        var text = new StringBuilder(Count(NotOkCount)).Append(" not ok");
        for (var i = 0; i < NotOk.Count; i++)
        {
            var (what, count) = NotOk[i];
            text.Append(i == 0 ? ": " : ", ").Append(Count(count)).Append(' ').Append(what);
        }
        if (ErrorsAt.Count > 0)
        {
            text.Append("; errors answered by ");
            for (var i = 0; i < Math.Min(ErrorsAt.Count, 5); i++)
                text.Append(i == 0 ? "" : ", ").Append(ErrorsAt[i].Instance).Append(' ').Append(Count(ErrorsAt[i].Errors));
            if (ErrorsAt.Count > 5) text.Append(", …");
        }
        return text.ToString();
    }

    public override string ToString() => $"{Count(Sent)} sent, {Count(Ok)} ok ({Percent(OkPercent)}); {NotOkDescription()}";

    public static string Count(long n) => n.ToString("N0", Culture);

    public static string Percent(double p) => p.ToString(p is > 99.9 and < 100 ? "0.###" : "0.#", Culture) + " %";
}
