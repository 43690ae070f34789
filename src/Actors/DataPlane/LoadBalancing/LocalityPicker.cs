namespace ActorMesh.DataPlane.LoadBalancing;

/// <summary>
/// Locality-aware choice of a host group before the load balancer picks within it, as Envoy does for a
/// cluster whose endpoints Istio put into priorities by locality (source/common/upstream/load_balancer_impl.cc):
/// the caller's zone is priority 0, the failover zones follow, each priority's health is
/// min(100, 1.4 × healthy / hosts) and a priority gets the load the ones before it cannot take. With
/// <c>distribute</c> weights the groups are the zones, each taking its weight times its health instead.
/// The grouping is a shared <see cref="LocalityLayout"/>; a picker holds per-group counts, and its own host
/// list only while some host is unhealthy. <see cref="Rebuild"/> runs when hosts are ejected or return;
/// a pick allocates nothing.
/// </summary>
internal sealed class LocalityPicker(LocalityLayout layout, MeshRandom random)
{
    private readonly int[] _healthyCount = new int[layout.Groups];
    private readonly double[] _cumulative = new double[layout.Groups];
    // The healthy hosts group after group, each group at its start in the layout: the layout's own list while
    // every host is healthy, this picker's copy (made on the first ejection) while some are not.
    private int[] _healthy = layout.Order;

    /// <summary>The grouping it picks over.</summary>
    public LocalityLayout Layout => layout;

    /// <summary>
    /// A picker for a caller in <paramref name="callerZone"/> over hosts in <paramref name="hostZones"/>, or null
    /// when locality plays no part (see <see cref="LocalityLayout.For"/>); its layout is its own, not shared.
    /// </summary>
    public static LocalityPicker? For(LocalityOptions options, IReadOnlyList<string> zones, string? callerZone, int[] hostZones, bool outlierDetection, MeshRandom random) =>
        LocalityLayout.For(options, zones, callerZone, hostZones, outlierDetection) is { } layout ? new LocalityPicker(layout, random) : null;

    /// <summary>Sorts the first <paramref name="count"/> of <paramref name="healthy"/> into groups and computes each group's share of the load.</summary>
    public void Rebuild(int[] healthy, int count)
    {
        if (count == layout.Hosts)
        {
            // Every host is healthy (the list holds each host once): the shared list serves.
            _healthy = layout.Order;
            Array.Copy(layout.Size, _healthyCount, _healthyCount.Length);
        }
        else
        {
            if (ReferenceEquals(_healthy, layout.Order)) _healthy = new int[layout.Hosts];
            Array.Clear(_healthyCount);
            for (var i = 0; i < count; i++)
            {
                var g = layout.GroupOf(healthy[i]);
                _healthy[layout.Start[g] + _healthyCount[g]++] = healthy[i];
            }
        }
        var total = 0.0;
        if (layout.Weighted)
        {
            for (var g = 0; g < _cumulative.Length; g++)
            {
                total += layout.Weight[g] * Health(g) / 100.0;
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
        layout.Size[g] == 0 ? 0 : Math.Min(100, LocalityOptions.OverprovisioningPercent * _healthyCount[g] / layout.Size[g]);

    /// <summary>Picks a host: a group by its share of the load, then <paramref name="balancer"/> within it; -1 when no group has a healthy host.</summary>
    public int Pick(LoadBalancer balancer, int[] active, TriedHosts? tried)
    {
        var total = _cumulative[^1];
        if (total <= 0) return -1;
        var r = random.NextDouble() * total;
        var g = 0;
        while (g < _cumulative.Length - 1 && (r >= _cumulative[g] || _healthyCount[g] == 0)) g++;
        return _healthyCount[g] == 0 ? -1 : balancer.Pick(_healthy.AsSpan(layout.Start[g], _healthyCount[g]), active, tried);
    }
}
