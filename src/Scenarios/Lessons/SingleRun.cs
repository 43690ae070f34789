namespace ActorMesh.Scenarios.Lessons;

/// <summary>The lessons that are one run of their topology: the run's report, with the lesson's figures computed from it.</summary>
internal static class SingleRun
{
    /// <summary>
    /// Runs <paramref name="topology"/> and returns its report with <paramref name="figures"/> of it, computed for
    /// the topology as <paramref name="options"/> changed it.
    /// </summary>
    public static async Task<RunReport> WithFigures(MeshTopology topology, RunOptions options, CancellationToken cancellation,
        Func<MeshTopology, RunReport, JsonObject> figures)
    {
        var report = await MeshRunner.RunAsync(topology, options, cancellation);
        return report with { Figures = figures(options.Apply(topology), report) };
    }
}
