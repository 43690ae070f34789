namespace ActorMesh.Hosting;

/// <summary>
/// Hands a run's telemetry to exports (Prometheus, Zipkin): the runtimes while the run goes on, for a live
/// read off the hot path (a scrape), and the merged telemetry of each run once it has ended (a lesson runs
/// several phases through the same options: one entry each). Give one to <see cref="RunOptions.Tap"/>.
/// Read from any thread.
/// </summary>
internal sealed class TelemetryTap
{
    private readonly Lock _gate = new();
    private readonly List<TelemetryView> _completed = [];
    private IReadOnlyList<MeshRuntime> _live = [];

    /// <summary>The merged telemetry of each run that has ended, in order.</summary>
    public IReadOnlyList<TelemetryView> Completed
    {
        get { lock (_gate) return [.. _completed]; }
    }

    /// <summary>The runtimes of the run going on (this process's nodes); empty between runs.</summary>
    internal IReadOnlyList<MeshRuntime> Live
    {
        get { lock (_gate) return _live; }
    }

    /// <summary>A run has started on <paramref name="runtimes"/>.</summary>
    internal void Attach(IReadOnlyList<MeshRuntime> runtimes)
    {
        lock (_gate) _live = runtimes;
    }

    /// <summary>The run has ended with <paramref name="view"/>; its runtimes are no longer read.</summary>
    internal TelemetryView Complete(TelemetryView view)
    {
        lock (_gate)
        {
            _completed.Add(view);
            _live = [];
        }
        return view;
    }
}
