using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

namespace ActorMesh.DataPlane.Resilience.OutlierDetection;

/// <summary>
/// Outlier detection over the hosts of one destination, in one proxy (as each Envoy ejects on its own
/// view). Single-threaded; time is passed in. Host indices are positions in the destination's endpoint list.
/// State is kept only for hosts with something to remember (a failure streak, an ejection, a past
/// ejection still decaying): a proxy that never saw a host fail holds nothing for it, so N proxies of a
/// destination of M hosts do not hold N × M entries.
/// </summary>
internal sealed class OutlierDetector
{
    private readonly OutlierDetectionOptions _options;
    private Dictionary<int, HostState> _hosts = [];

    /// <summary>A detector for <paramref name="hosts"/> hosts, none ejected.</summary>
    public OutlierDetector(OutlierDetectionOptions options, int hosts)
    {
        _options = options;
        Hosts = hosts;
    }

    /// <summary>The options it runs with.</summary>
    public OutlierDetectionOptions Options => _options;

    /// <summary>Hosts of the destination (the share ejected is of these); set by <see cref="Remap"/> or, while nothing is tracked, directly.</summary>
    public int Hosts { get; private set; }

    /// <summary>Hosts ejected now.</summary>
    public int EjectedCount { get; private set; }

    /// <summary>Hosts with state kept (a failure streak, an ejection, or ejections still to decay); 0 for a proxy that never saw a failure.</summary>
    public int Tracked => _hosts.Count;

    /// <summary>True when host <paramref name="host"/> is ejected.</summary>
    public bool IsEjected(int host) => EjectedCount > 0 && _hosts.TryGetValue(host, out var state) && state.Ejected;

    /// <summary>How many times host <paramref name="host"/> has been ejected (decays while it stays healthy).</summary>
    public int Ejections(int host) => _hosts.TryGetValue(host, out var state) ? state.Ejections : 0;

    /// <summary>The destination now has <paramref name="hosts"/> hosts; only while nothing is tracked (else see <see cref="Remap"/>).</summary>
    public void Resize(int hosts)
    {
        if (_hosts.Count > 0) throw new InvalidOperationException("hosts with state move with Remap");
        Hosts = hosts;
    }

    /// <summary>Records one attempt's outcome on a host; returns true when this ejected the host.</summary>
    public bool OnResult(int host, bool isFailure, long now)
    {
        if ((uint)host >= (uint)Hosts) return false;
        if (!isFailure)
        {
            // A success resets the streak; a host with nothing else to remember is forgotten.
            if (_hosts.Count == 0) return false;
            ref var known = ref CollectionsMarshal.GetValueRefOrNullRef(_hosts, host);
            if (Unsafe.IsNullRef(ref known)) return false;
            known.Consecutive = 0;
            if (known.IsEmpty) _hosts.Remove(host);
            return false;
        }
        ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_hosts, host, out _);
        if (++state.Consecutive < _options.Consecutive5xx || state.Ejected) return false;
        // Envoy checks the share ejected after this ejection, and since 1.28 with no exception for the first
        // one (envoyproxy/envoy#27624, #27909): at 10 %, fewer than 10 hosts means none is ejected.
        if (100.0 * (EjectedCount + 1) / Hosts > _options.MaxEjectionPercent) return false;
        state.Ejected = true;
        state.Consecutive = 0;
        state.Ejections++;
        var ticks = Math.Min(_options.BaseEjectionTime.Ticks * state.Ejections, _options.MaxEjectionTime.Ticks);
        state.EjectedUntil = now + ticks;
        EjectedCount++;
        return true;
    }

    /// <summary>
    /// The interval tick: returns hosts whose ejection time is up, and lets the ejection count of
    /// hosts that stayed healthy decay by one. Returns the number of hosts returned. Visits only the
    /// hosts with state, not every host of the destination.
    /// </summary>
    public int OnInterval(long now)
    {
        if (_hosts.Count == 0) return 0;
        var returned = 0;
        // Writing through a ref and removing (since .NET Core 3.0) leave the enumeration valid.
        foreach (var host in _hosts.Keys)
        {
            ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(_hosts, host);
            if (state.Ejected)
            {
                if (now < state.EjectedUntil) continue;
                state.Ejected = false;
                EjectedCount--;
                returned++;
            }
            else if (state.Ejections > 0 && now >= state.EjectedUntil + _options.BaseEjectionTime.Ticks)
            {
                state.Ejections--;
                state.EjectedUntil = now;
            }
            if (state.IsEmpty) _hosts.Remove(host);
        }
        return returned;
    }

    /// <summary>
    /// Carries state over to a new host list (after an endpoint update): <paramref name="oldIndexOf"/>
    /// gives each new host's old index, or -1 for a new host.
    /// </summary>
    public void Remap(int[] oldIndexOf)
    {
        Hosts = oldIndexOf.Length;
        if (_hosts.Count == 0) return;
        var hosts = new Dictionary<int, HostState>(_hosts.Count);
        var count = 0;
        for (var i = 0; i < oldIndexOf.Length; i++)
        {
            if (oldIndexOf[i] < 0 || !_hosts.TryGetValue(oldIndexOf[i], out var state)) continue;
            hosts[i] = state;
            if (state.Ejected) count++;
        }
        (_hosts, EjectedCount) = (hosts, count);
    }

    /// <summary>What is remembered of one host; the default (nothing) is not stored.</summary>
    private struct HostState
    {
        public int Consecutive;
        public bool Ejected;
        public long EjectedUntil;
        public int Ejections;

        public readonly bool IsEmpty => Consecutive == 0 && !Ejected && Ejections == 0;
    }
}
