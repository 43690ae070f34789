using Akka.Event;

namespace ActorMesh.Load;

/// <summary>The timeline's mesh counters: a tick at the start of the measured window and at each second's end.</summary>
internal sealed partial class LoadGenerator
{
    /// <summary>Samples the mesh's counters for the timeline (see <see cref="MeshSeconds"/>) and schedules the next boundary.</summary>
    private void OnSecond()
    {
        if (_meshSeconds.Closed < 0) _meshSeconds.Open();
        else _meshSeconds.CloseNext(_result.Timeline);
        if (_finished || _meshSeconds.Closed >= _result.Timeline.Count) return;
        var due = Math.Min(_measureStart + (_meshSeconds.Closed + 1) * TimeSpan.TicksPerSecond, _measureEnd);
        _clock.Schedule(Math.Max(0, due - _clock.Now), Self, SecondDue.Instance, Self);
    }

    private sealed class SecondDue : Signal<SecondDue>, INoSerializationVerificationNeeded, IDeadLetterSuppression;
}
