namespace ActorMesh.DataPlane.Resilience.OutlierDetection;

/// <summary>
/// Outlier detection over the hosts of one destination, in one proxy. Single-threaded; time is
/// passed in. Host indices are positions in the destination's endpoint list.
/// </summary>
internal sealed class OutlierDetector
{
    private readonly OutlierDetectionOptions _options;
    private int[] _consecutive;
    private bool[] _ejected;
    private long[] _ejectedUntil;
    private int[] _ejections;

    /// <summary>A detector for <paramref name="hosts"/> hosts, none ejected.</summary>
    public OutlierDetector(OutlierDetectionOptions options, int hosts)
    {
        _options = options;
        _consecutive = new int[hosts];
        _ejected = new bool[hosts];
        _ejectedUntil = new long[hosts];
        _ejections = new int[hosts];
    }

    /// <summary>The options it runs with.</summary>
    public OutlierDetectionOptions Options => _options;

    /// <summary>Hosts tracked.</summary>
    public int Hosts => _ejected.Length;

    /// <summary>Hosts ejected now.</summary>
    public int EjectedCount { get; private set; }

    /// <summary>True when host <paramref name="host"/> is ejected.</summary>
    public bool IsEjected(int host) => (uint)host < (uint)_ejected.Length && _ejected[host];

    /// <summary>How many times host <paramref name="host"/> has been ejected (decays while it stays healthy).</summary>
    public int Ejections(int host) => _ejections[host];

    /// <summary>Records one attempt's outcome on a host; returns true when this ejected the host.</summary>
    public bool OnResult(int host, bool isFailure, long now)
    {
        if ((uint)host >= (uint)_consecutive.Length) return false;
        if (!isFailure)
        {
            _consecutive[host] = 0;
            return false;
        }
        if (++_consecutive[host] < _options.Consecutive5xx || _ejected[host]) return false;
        // Envoy checks the share ejected after this ejection, and since 1.28 with no exception for the first
        // one (envoyproxy/envoy#27624, #27909): at 10 %, fewer than 10 hosts means none is ejected.
        if (100.0 * (EjectedCount + 1) / Hosts > _options.MaxEjectionPercent) return false;
        _ejected[host] = true;
        _consecutive[host] = 0;
        _ejections[host]++;
        var ticks = Math.Min(_options.BaseEjectionTime.Ticks * _ejections[host], _options.MaxEjectionTime.Ticks);
        _ejectedUntil[host] = now + ticks;
        EjectedCount++;
        return true;
    }

    /// <summary>
    /// The interval tick: returns hosts whose ejection time is up, and lets the ejection count of
    /// hosts that stayed healthy decay by one. Returns the number of hosts returned.
    /// </summary>
    public int OnInterval(long now)
    {
        var returned = 0;
        for (var h = 0; h < _ejected.Length; h++)
        {
            if (_ejected[h])
            {
                if (now < _ejectedUntil[h]) continue;
                _ejected[h] = false;
                EjectedCount--;
                returned++;
            }
            else if (_ejections[h] > 0 && now >= _ejectedUntil[h] + _options.BaseEjectionTime.Ticks)
            {
                _ejections[h]--;
                _ejectedUntil[h] = now;
            }
        }
        return returned;
    }

    /// <summary>
    /// Carries state over to a new host list (after an endpoint update): <paramref name="oldIndexOf"/>
    /// gives each new host's old index, or -1 for a new host.
    /// </summary>
    public void Remap(int[] oldIndexOf)
    {
        var consecutive = new int[oldIndexOf.Length];
        var ejected = new bool[oldIndexOf.Length];
        var until = new long[oldIndexOf.Length];
        var ejections = new int[oldIndexOf.Length];
        var count = 0;
        for (var i = 0; i < oldIndexOf.Length; i++)
        {
            var old = oldIndexOf[i];
            if (old < 0 || old >= _ejected.Length) continue;
            consecutive[i] = _consecutive[old];
            ejected[i] = _ejected[old];
            until[i] = _ejectedUntil[old];
            ejections[i] = _ejections[old];
            if (ejected[i]) count++;
        }
        (_consecutive, _ejected, _ejectedUntil, _ejections, EjectedCount) = (consecutive, ejected, until, ejections, count);
    }
}
