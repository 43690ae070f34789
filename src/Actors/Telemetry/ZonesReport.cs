namespace ActorMesh.Telemetry;

/// <summary>
/// Zones and locality: the zones, the node placement put each on, and the share of each service's attempts
/// that crossed zones (source-reported), over the run and per second.
/// </summary>
public sealed record ZonesReport
{
    /// <summary>The topology's zones, in order (empty without zones).</summary>
    public IReadOnlyList<string> Names { get; init; } = [];
    /// <summary>The node each zone's pods ran on, as placement mapped them.</summary>
    public SortedDictionary<string, string> Nodes { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Attempts between zoned callers and endpoints, over every service.</summary>
    public long ZonedAttempts { get; init; }
    /// <summary>Of those, sent to another zone.</summary>
    public long CrossZoneAttempts { get; init; }
    /// <summary>CrossZoneAttempts / ZonedAttempts (0 when none).</summary>
    public double CrossZoneShare { get; init; }
    /// <summary>Per service called by zoned callers, by name.</summary>
    public SortedDictionary<string, ZoneServiceReport> Services { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The zones section from the merged telemetry; seconds count from <paramref name="loadStartedAt"/> (mesh ticks), as the timeline's events do.</summary>
    internal static ZonesReport Of(MeshTopology topology, IReadOnlyList<string> names, ServiceTelemetry[] merged, SortedDictionary<string, string> zoneNodes, long loadStartedAt)
    {
        if (!topology.Zones.Any) return new ZonesReport();
        var services = new SortedDictionary<string, ZoneServiceReport>(StringComparer.Ordinal);
        long zoned = 0, cross = 0;
        var first = (int)Math.Min(loadStartedAt / TimeSpan.TicksPerSecond, ServiceTelemetry.MaxZoneSeconds - 1);
        for (var i = 0; i < names.Count; i++)
        {
            var t = merged[i];
            if (t[ServiceCounter.ZonedAttempts] == 0) continue;
            zoned += t[ServiceCounter.ZonedAttempts];
            cross += t[ServiceCounter.CrossZoneAttempts];
            var perSecond = new List<double>();
            if (t.ZoneSeconds is { } series)
            {
                // Up to the last second with an attempt: the series' tail past the run's end is empty.
                var last = series.Length / 2 - 1;
                while (last >= first && series[2 * last] == 0) last--;
                for (var s = first; s <= last; s++) perSecond.Add(Share(series[2 * s + 1], series[2 * s]));
            }
            services[names[i]] = new ZoneServiceReport(t[ServiceCounter.ZonedAttempts], t[ServiceCounter.CrossZoneAttempts],
                Share(t[ServiceCounter.CrossZoneAttempts], t[ServiceCounter.ZonedAttempts]), perSecond);
        }
        return new ZonesReport
        {
            Names = [.. topology.Zones.Names],
            Nodes = zoneNodes,
            ZonedAttempts = zoned,
            CrossZoneAttempts = cross,
            CrossZoneShare = Share(cross, zoned),
            Services = services,
        };

    }

    private static double Share(long part, long whole) => whole == 0 ? 0 : Math.Round(part / (double)whole, 4);
}

/// <summary>Zoned attempts to one service (source-reported).</summary>
/// <param name="ZonedAttempts">Attempts between zoned callers and its zoned endpoints.</param>
/// <param name="CrossZoneAttempts">Of those, sent to another zone than the caller's.</param>
/// <param name="CrossZoneShare">CrossZoneAttempts / ZonedAttempts.</param>
/// <param name="PerSecond">The cross-zone share in each second since the load started (0 in a second without zoned attempts).</param>
public sealed record ZoneServiceReport(long ZonedAttempts, long CrossZoneAttempts, double CrossZoneShare, IReadOnlyList<double> PerSecond);

/// <summary>Network faults applied over the run (totals over every service): the counters of <see cref="ReportSections.Network"/>, and the steady faults.</summary>
public sealed record NetworkReport : CounterSection
{
    internal override ReportSections Section => ReportSections.Network;
    /// <summary>The faults configured for the whole run (<c>network.faults</c>), described; timeline faults are in <c>events</c>.</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];
}
