namespace ActorMesh.DataPlane.LoadBalancing;

/// <summary>
/// Locality-aware load balancing, as Istio's <c>localityLbSetting</c> configures Envoy: a caller prefers the
/// endpoints of its own zone (Envoy priority 0) and fails over to other zones (priorities 1, 2, ...) as local
/// endpoints become unhealthy, ejected or gone, with Envoy's overprovisioning factor 1.4: a priority keeps all
/// its load while 1/1.4 (71 %) of its hosts are healthy. As in Istio, failover needs outlier detection on the
/// destination: without it every endpoint is one priority and locality plays no part (unless <see cref="Distribute"/>
/// is given). It also needs zones: a caller or endpoint without one balances over every endpoint.
/// </summary>
public sealed record LocalityOptions
{
    /// <summary>Envoy's default overprovisioning factor, 1.4 (as a percentage, 140).</summary>
    public const int OverprovisioningPercent = 140;

    /// <summary>Whether locality applies (Istio's <c>enabled</c>; on by default in Istio's mesh config). Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Failover order: for callers in <see cref="LocalityFailover.From"/>, the zones to fail over to, one priority
    /// each, in the order listed (Istio's <c>failover</c>, by zone). Zones not listed come after them, together.
    /// Default none: every other zone is priority 1.
    /// </summary>
    public ImmutableArray<LocalityFailover> Failover { get; init; } = [];

    /// <summary>
    /// Weights instead of priorities: for callers in <see cref="LocalityDistribute.From"/>, the share of calls each
    /// zone gets (Istio's <c>distribute</c>; <c>failover</c> and <c>distribute</c> exclude each other). Default none.
    /// </summary>
    public ImmutableArray<LocalityDistribute> Distribute { get; init; } = [];

    /// <summary>The zones callers in <paramref name="zone"/> fail over to, in order.</summary>
    public IEnumerable<string> FailoverOf(string zone)
    {
        foreach (var f in Failover) if (f.From == zone) yield return f.To;
    }

    /// <summary>The weights of callers in <paramref name="zone"/>, or null.</summary>
    public LocalityDistribute? DistributeOf(string zone)
    {
        foreach (var d in Distribute) if (d.From == zone || d.From == NetworkFault.Any) return d;
        return null;
    }

    /// <summary>Reports every problem under <paramref name="at"/>; <paramref name="zones"/> are the topology's.</summary>
    public void Validate(ValidationContext at, ImmutableArray<string> zones)
    {
        if (!Failover.IsDefaultOrEmpty && !Distribute.IsDefaultOrEmpty) at.Error("failover", "failover and distribute exclude each other (as in Istio)");
        for (var i = 0; i < Failover.Length; i++)
        {
            var f = Failover[i];
            TopologyValidator.Zone(at.At("failover", i), "from", f.From, zones);
            TopologyValidator.Zone(at.At("failover", i), "to", f.To, zones);
            if (f.From == f.To) at.At("failover", i).Error("to", "a zone does not fail over to itself");
        }
        for (var i = 0; i < Distribute.Length; i++)
        {
            var d = Distribute[i];
            var dat = at.At("distribute", i);
            if (d.From != NetworkFault.Any) TopologyValidator.Zone(dat, "from", d.From, zones);
            foreach (var (zone, weight) in d.To)
            {
                TopologyValidator.Zone(dat.At("to"), zone, zone, zones);
                if (weight < 0) dat.At("to").Error(zone, "must not be negative");
            }
            if (d.To.Values.Sum() <= 0) dat.Error("to", "give at least one zone a weight above 0");
        }
    }
}

/// <summary>Callers in zone <paramref name="From"/> fail over to zone <paramref name="To"/> (entries with the same From are in order).</summary>
public sealed record LocalityFailover(string From, string To);

/// <summary>Callers in zone <paramref name="From"/> (<c>*</c>: any) send each zone of <paramref name="To"/> its weight's share of calls.</summary>
public sealed record LocalityDistribute(string From, ImmutableDictionary<string, int> To);
