namespace ActorMesh.Hosting;

/// <summary>How far a mesh has got while it starts: <paramref name="Done"/> of <paramref name="Total"/> <paramref name="What"/>.</summary>
/// <param name="What">What is counted: "cluster members up", "pods ready".</param>
/// <param name="Done">How many so far.</param>
/// <param name="Total">How many there will be.</param>
public sealed record StartupProgress(string What, int Done, int Total)
{
    /// <summary>What is waited for once every pod has started.</summary>
    public const string AwaitingConfig = "pods started; waiting until every sidecar and gateway has acknowledged the first config";

    /// <summary><paramref name="started"/> of <paramref name="pods"/> pods started (then <see cref="AwaitingConfig"/>).</summary>
    public static StartupProgress OfPods(int started, int pods) => new(started < pods ? "pods started" : AwaitingConfig, started, pods);
}

/// <summary>
/// Live progress read from the mesh by asking it. Progress is only a view: an answer that is not
/// there within one interval (a busy mesh, a mailbox deep in requests) skips that tick; it never
/// fails, stalls or delays the run.
/// </summary>
internal static class ProgressPoll
{
    /// <summary>
    /// Every <paramref name="interval"/> until <paramref name="until"/> completes: asks (<paramref name="ask"/>
    /// gets how long it may take) and passes a timely answer to <paramref name="report"/>.
    /// </summary>
    public static async Task PollAsync<T>(Func<TimeSpan, Task<T>> ask, Action<T> report, TimeSpan interval, Task until)
    {
        while (!until.IsCompleted)
        {
            if (await Task.WhenAny(until, Task.Delay(interval)) == until) return;
            var answer = ask(interval);
            var first = await Task.WhenAny(until, answer);
            if (answer.IsCompletedSuccessfully) report(answer.Result);
            else _ = answer.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted); // late or failed: skip this tick
            if (first == until) return;
        }
    }
}
