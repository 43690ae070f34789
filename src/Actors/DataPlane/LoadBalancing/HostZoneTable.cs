using System.Runtime.CompilerServices;

namespace ActorMesh.DataPlane.LoadBalancing;

/// <summary>
/// Each host's zone for one endpoint list of a config snapshot, and the locality layouts over them: built
/// once per endpoint list (which the snapshot shares with every proxy) and shared by every proxy that sends
/// to it, so that N callers of a destination of M hosts hold one table of M zones, not N. Immutable once
/// built; the cache behind <see cref="For"/> only ever adds entries that any thread would build alike.
/// </summary>
internal sealed class HostZoneTable
{
    // Keyed by the snapshot's endpoint array: a table lives as long as some snapshot holds its list.
    private static readonly ConditionalWeakTable<Endpoint[], HostZoneTable> Tables = new();

    private readonly Dictionary<(LocalityOptions Options, string Caller, bool OutlierDetection), LocalityLayout?> _layouts = [];

    private HostZoneTable(Endpoint[] endpoints, IReadOnlyList<string> names)
    {
        Names = names;
        Zones = new int[endpoints.Length];
        for (var h = 0; h < endpoints.Length; h++) Zones[h] = LocalityLayout.IndexOf(names, endpoints[h].Zone);
    }

    /// <summary>The zone names the indices refer to.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Each host's zone index into <see cref="Names"/> (-1: none). Shared: never written.</summary>
    public int[] Zones { get; }

    /// <summary>The table of <paramref name="endpoints"/> over zones <paramref name="names"/>: the shared one when it was built for the same zones.</summary>
    public static HostZoneTable For(Endpoint[] endpoints, IReadOnlyList<string> names)
    {
        var table = Tables.GetValue(endpoints, e => new HostZoneTable(e, names));
        // The same endpoint list with other zones (not seen in practice: a new topology renders new lists) gets a table of its own.
        return SameNames(table.Names, names) ? table : new HostZoneTable(endpoints, names);
    }

    /// <summary>The locality layout for callers in <paramref name="callerZone"/> (null when locality plays no part; see <see cref="LocalityLayout.For"/>), built once and shared.</summary>
    public LocalityLayout? Layout(LocalityOptions options, string? callerZone, bool outlierDetection)
    {
        if (callerZone is null) return null;
        var key = (options, callerZone, outlierDetection);
        // Proxies on several threads ask for layouts at config time (never per request): a lock is enough.
        lock (_layouts)
        {
            if (!_layouts.TryGetValue(key, out var layout))
            {
                layout = LocalityLayout.For(options, Names, callerZone, Zones, outlierDetection);
                _layouts[key] = layout;
            }
            return layout;
        }
    }

    private static bool SameNames(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++) if (a[i] != b[i]) return false;
        return true;
    }
}
