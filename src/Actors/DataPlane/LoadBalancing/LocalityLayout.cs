namespace ActorMesh.DataPlane.LoadBalancing;

/// <summary>
/// How locality groups the hosts of one destination for callers of one zone: each host's group (a priority,
/// or a zone with <c>distribute</c>), the hosts listed group after group, and each group's weight. Immutable,
/// built once per endpoint list, caller zone and locality setting (see <see cref="HostZoneTable.Layout"/>)
/// and shared by every caller it fits, each of which keeps only its per-group counts (<see cref="LocalityPicker"/>).
/// </summary>
internal sealed class LocalityLayout
{
    private readonly int[] _hostZones;
    private readonly int[] _groupOfZone;

    private LocalityLayout(bool weighted, int[] hostZones, int[] groupOfZone, double[] weight)
    {
        Weighted = weighted;
        _hostZones = hostZones;
        _groupOfZone = groupOfZone;
        Weight = weight;
        var groups = weight.Length;
        Size = new int[groups];
        for (var h = 0; h < hostZones.Length; h++) Size[GroupOf(h)]++;
        Start = new int[groups];
        for (var g = 1; g < groups; g++) Start[g] = Start[g - 1] + Size[g - 1];
        // Hosts group after group, in host order within each (the order the load balancer sees them in).
        Order = new int[hostZones.Length];
        var next = (int[])Start.Clone();
        for (var h = 0; h < hostZones.Length; h++) Order[next[GroupOf(h)]++] = h;
    }

    /// <summary>True with <c>distribute</c> weights (groups are zones), false with priorities.</summary>
    public bool Weighted { get; }

    /// <summary>Hosts of the destination.</summary>
    public int Hosts => _hostZones.Length;

    /// <summary>Groups: priorities, or zones (and one for hosts without a zone) with weights.</summary>
    public int Groups => Weight.Length;

    /// <summary>Each group's weight (used with <see cref="Weighted"/>).</summary>
    public double[] Weight { get; }

    /// <summary>Every host, group after group.</summary>
    public int[] Order { get; }

    /// <summary>Where each group starts in <see cref="Order"/>.</summary>
    public int[] Start { get; }

    /// <summary>Hosts in each group.</summary>
    public int[] Size { get; }

    /// <summary>The group of <paramref name="host"/>.</summary>
    public int GroupOf(int host) => _groupOfZone[_hostZones[host] < 0 ? _groupOfZone.Length - 1 : _hostZones[host]];

    /// <summary>
    /// The layout for a caller in <paramref name="callerZone"/> over hosts in <paramref name="hostZones"/> (zone
    /// indices into <paramref name="zones"/>; -1: none), or null when locality plays no part: no caller zone,
    /// locality off, or (as in Istio) failover without outlier detection and no <c>distribute</c> weights.
    /// </summary>
    public static LocalityLayout? For(LocalityOptions options, IReadOnlyList<string> zones, string? callerZone, int[] hostZones, bool outlierDetection)
    {
        if (callerZone is null || !options.Enabled || hostZones.Length == 0) return null;
        var caller = IndexOf(zones, callerZone);
        if (caller < 0) return null;
        // Indexed by zone; the last entry is for hosts without a zone.
        var groupOfZone = new int[zones.Count + 1];
        if (options.DistributeOf(callerZone) is { } distribute)
        {
            var weights = new double[zones.Count + 1]; // the last group: hosts without a zone, weight 0
            for (var z = 0; z < zones.Count; z++)
            {
                weights[z] = distribute.To.GetValueOrDefault(zones[z]);
                groupOfZone[z] = z;
            }
            groupOfZone[zones.Count] = zones.Count;
            return new LocalityLayout(weighted: true, hostZones, groupOfZone, weights);
        }
        if (!outlierDetection) return null;
        // Priorities: the caller's zone, then each failover zone in order, then every other zone (and hosts without one).
        Array.Fill(groupOfZone, -1);
        groupOfZone[caller] = 0;
        var levels = 1;
        foreach (var to in options.FailoverOf(callerZone))
        {
            var z = IndexOf(zones, to);
            if (z >= 0 && groupOfZone[z] < 0) groupOfZone[z] = levels++;
        }
        var rest = levels++;
        for (var z = 0; z < groupOfZone.Length; z++) if (groupOfZone[z] < 0) groupOfZone[z] = rest;
        return new LocalityLayout(weighted: false, hostZones, groupOfZone, new double[levels]);
    }

    /// <summary>The index of <paramref name="zone"/> in <paramref name="zones"/>, or -1 (none, or not a zone).</summary>
    public static int IndexOf(IReadOnlyList<string> zones, string? zone)
    {
        if (zone is null) return -1;
        for (var i = 0; i < zones.Count; i++) if (zones[i] == zone) return i;
        return -1;
    }
}
