namespace ActorMesh.Load;

/// <summary>The live view's figures: what the client saw since the last time it was asked (off the hot path).</summary>
internal sealed partial class LoadGenerator
{
    /// <summary>The figures since the last call: rate, ok %, p99 of the interval, and the totals so far; resets the interval.</summary>
    private LiveStats Live()
    {
        var now = _clock.Now;
        var seconds = Math.Max(1e-9, MeshClock.ToMilliseconds(now - _lastLiveAt) / 1000);
        var phase = _finished ? "done" : now < _measureStart ? "warmup" : now < _measureEnd ? "measure" : "drain";
        var sent = _result.Warmup.Sent + _result.Measured.Sent;
        var ok = _result.Warmup.Ok + _result.Measured.Ok;
        var notOk = _result.Warmup.Ended + _result.Measured.Ended - ok;
        var live = new LiveStats(
            MeshClock.ToMilliseconds(now - _start) / 1000, phase, sent, _requests.Count,
            _intervalAnswers / seconds,
            _intervalAnswers == 0 ? 100 : 100.0 * _intervalOk / _intervalAnswers,
            _intervalLatency.TotalCount == 0 ? 0 : _intervalLatency.GetValueAtPercentile(99) / 1000.0,
            ok, notOk);
        _intervalAnswers = 0;
        _intervalOk = 0;
        _intervalLatency.Reset();
        _lastLiveAt = now;
        return live;
    }

    /// <summary>The counts so far, for <see cref="ZonalLoad"/> to account for the zone should its node be lost; resets nothing.</summary>
    private LoadProgress Progress()
    {
        var sent = _result.Warmup.Sent + _result.Measured.Sent;
        return new LoadProgress(sent, _result.Warmup.Ended + _result.Measured.Ended, _requests.Count, MeshClock.ToMilliseconds(_clock.Now - _start) / 1000);
    }
}
