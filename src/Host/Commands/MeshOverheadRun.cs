using ActorMesh.Host.Output;
using ActorMesh.Scenarios.Lessons;
using ActorMesh.Telemetry.Metrics;

namespace ActorMesh.Host.Commands;

/// <summary>
/// <c>run --compare-without-mesh</c>: after the run with the mesh, the same topology once more without it (no
/// sidecars, plain clients: <see cref="MeshLesson.WithoutMesh"/>), with the same flags and seed. The comparison
/// (A: without, B: with, so B − A is what the mesh costs or buys) goes into the with-mesh report.
/// </summary>
internal static class MeshOverheadRun
{
    public static async Task<RunReport> CompareAsync(MeshTopology topology, RunOptions options, RunReport withMesh, CancellationToken cancellation)
    {
        var plain = MeshLesson.WithoutMesh(topology);
        Console.Out.WriteLine();
        Console.Out.WriteLine("Again without the mesh, to compare: no sidecars, plain clients (one try, no timeout, round robin)");
        var effective = options.Apply(plain);
        ProgressView.Header(effective, MeshCapacity.Estimate(effective, podsElsewhere: options.Cluster is not null));
        // A run of its own: its own meter, and no log file (the first run's logs are the mesh's).
        var (without, _) = await ProgressView.RunAsync(effective, (progress, startup, _) =>
            MeshRunner.RunAsync(plain, options with { Progress = progress, Startup = startup, Meter = new EmulatorMeter(), LogSink = null }, cancellation));
        var comparison = ReportComparison.Of(ReportMetrics.Json(without), ReportMetrics.Json(withMesh), "without mesh (no sidecars, plain clients)", "with mesh (the topology as written)");
        return withMesh with { Comparison = comparison };
    }
}
