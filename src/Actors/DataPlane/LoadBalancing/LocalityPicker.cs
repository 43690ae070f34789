namespace ActorMesh.DataPlane.LoadBalancing;

/// <summary>
/// Locality-aware choice of a host group before the load balancer picks within it, as Envoy does for a
/// cluster whose endpoints Istio put into priorities by locality (source/common/upstream/load_balancer_impl.cc):
/// the caller's zone is priority 0, the failover zones follow, each priority's health is
/// min(100, 1.4 × healthy / hosts) and a priority gets the load the ones before it cannot take. With
/// <c>distribute</c> weights the groups are the zones, each taking its weight times its health instead.
/// Built when endpoints or the policy change; <see cref="Rebuild"/> runs when hosts are ejected or return;
/// a pick allocates nothing.
/// </summary>
internal sealed class LocalityPicker
{
    private readonly MeshRandom _random;
    private readonly bool _weighted;
    private readonly int[] _groupOfHost;
    private readonly int[] _hostsInGroup;
    private readonly double[] _weight;
    private readonly int[][] _healthy;
    private readonly int[] _healthyCount;
    private readonly double[] _cumulative;

    private LocalityPicker(MeshRandom random, bool weighted, int[] groupOfHost, double[] weight)
    {
        _random = random;
        _weighted = weighted;
        _groupOfHost = groupOfHost;
        _weight = weight;
        var groups = weight.Length;
        _hostsInGroup = new int[groups];
        foreach (var g in groupOfHost) _hostsInGroup[g]++;
        _healthy = new int[groups][];
        for (var g = 0; g < groups; g++) _healthy[g] = new int[_hostsInGroup[g]];
        _healthyCount = new int[groups];
        _cumulative = new double[groups];
    }

    /// <summary>The group of each host (a priority, or a zone with <c>distribute</c>).</summary>
    public int GroupOf(int host) => _groupOfHost[host];

    /// <summary>
    /// A picker for a caller in <paramref name="callerZone"/> over hosts in <paramref name="hostZones"/> (zone
    /// indices into <paramref name="zones"/>; -1: none), or null when locality plays no part: no caller zone,
    /// locality off, or (as in Istio) failover without outlier detection and no <c>distribute</c> weights.
    /// </summary>
    public static LocalityPicker? For(LocalityOptions options, IReadOnlyList<string> zones, string? callerZone, int[] hostZones, bool outlierDetection, MeshRandom random)
    {
        if (callerZone is null || !options.Enabled || hostZones.Length == 0) return null;
        var caller = IndexOf(zones, callerZone);
        if (caller < 0) return null;
        if (options.DistributeOf(callerZone) is { } distribute)
        {
            var weights = new double[zones.Count + 1]; // the last group: hosts without a zone, weight 0
            for (var z = 0; z < zones.Count; z++) weights[z] = distribute.To.GetValueOrDefault(zones[z]);
            var groups = new int[hostZones.Length];
            for (var h = 0; h < hostZones.Length; h++) groups[h] = hostZones[h] < 0 ? zones.Count : hostZones[h];
            return new LocalityPicker(random, weighted: true, groups, weights);
        }
        if (!outlierDetection) return null;
        // Priorities: the caller's zone, then each failover zone in order, then every other zone (and hosts without one).
        var levelOfZone = new int[zones.Count];
        Array.Fill(levelOfZone, -1);
        levelOfZone[caller] = 0;
        var levels = 1;
        foreach (var to in options.FailoverOf(callerZone))
        {
            var z = IndexOf(zones, to);
            if (z >= 0 && levelOfZone[z] < 0) levelOfZone[z] = levels++;
        }
        var rest = levels++;
        var groupOf = new int[hostZones.Length];
        for (var h = 0; h < hostZones.Length; h++)
            groupOf[h] = hostZones[h] < 0 || levelOfZone[hostZones[h]] < 0 ? rest : levelOfZone[hostZones[h]];
        return new LocalityPicker(random, weighted: false, groupOf, new double[levels]);
    }

    /// <summary>Sorts the first <paramref name="count"/> of <paramref name="healthy"/> into groups and computes each group's share of the load.</summary>
    public void Rebuild(int[] healthy, int count)
    {
        Array.Clear(_healthyCount);
        for (var i = 0; i < count; i++)
        {
            var g = _groupOfHost[healthy[i]];
            _healthy[g][_healthyCount[g]++] = healthy[i];
        }
        var total = 0.0;
        if (_weighted)
        {
            for (var g = 0; g < _weight.Length; g++)
            {
                total += _weight[g] * Health(g) / 100.0;
                _cumulative[g] = total;
            }
            return;
        }
        // Envoy's priority load: health per priority, normalized when the priorities together fall short of 100.
        var sum = 0;
        for (var g = 0; g < _cumulative.Length; g++) sum += Health(g);
        var normalized = Math.Min(100, sum);
        var remaining = 100;
        for (var g = 0; g < _cumulative.Length; g++)
        {
            var load = normalized == 0 ? 0 : Math.Min(remaining, Health(g) * 100 / normalized);
            remaining -= load;
            total += load;
            _cumulative[g] = total;
        }
        // Rounding leaves a little over: it goes to the last priority with a healthy host.
        for (var g = _cumulative.Length - 1; g >= 0 && remaining > 0 && normalized > 0; g--)
        {
            if (_healthyCount[g] == 0) continue;
            for (var k = g; k < _cumulative.Length; k++) _cumulative[k] += remaining;
            remaining = 0;
        }
    }

    /// <summary>Envoy's health of group <paramref name="g"/> in percent: min(100, 1.4 × healthy / hosts).</summary>
    private int Health(int g) =>
        _hostsInGroup[g] == 0 ? 0 : Math.Min(100, LocalityOptions.OverprovisioningPercent * _healthyCount[g] / _hostsInGroup[g]);

    /// <summary>Picks a host: a group by its share of the load, then <paramref name="balancer"/> within it; -1 when no group has a healthy host.</summary>
    public int Pick(LoadBalancer balancer, int[] active, TriedHosts? tried)
    {
        var total = _cumulative[^1];
        if (total <= 0) return -1;
        var r = _random.NextDouble() * total;
        var g = 0;
        while (g < _cumulative.Length - 1 && (r >= _cumulative[g] || _healthyCount[g] == 0)) g++;
        return _healthyCount[g] == 0 ? -1 : balancer.Pick(_healthy[g], _healthyCount[g], active, tried);
    }

    private static int IndexOf(IReadOnlyList<string> zones, string zone)
    {
        for (var i = 0; i < zones.Count; i++) if (zones[i] == zone) return i;
        return -1;
    }
}
