namespace ActorMesh.Topology;

/// <summary>The checks of zones, locality settings and network faults.</summary>
public static partial class TopologyValidator
{
    private static void ValidateZones(MeshTopology t, ValidationContext root, Dictionary<string, int> names)
    {
        var zones = t.Zones;
        var at = root.At("zones");
        var known = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < zones.Names.Length; i++)
        {
            var z = zones.Names[i];
            if (string.IsNullOrWhiteSpace(z)) at.Error($"names[{i}]", "must not be empty");
            else if (z == NetworkFault.Any || !NamePattern().IsMatch(z)) at.Error($"names[{i}]", $"'{z}' may hold only letters, digits, '.', '_' and '-'");
            else if (!known.Add(z)) at.Error($"names[{i}]", $"'{z}' is listed twice");
        }
        at.Check("within", zones.Within);
        at.Check("between", zones.Between);
        for (var i = 0; i < zones.Pairs.Length; i++)
        {
            var p = zones.Pairs[i];
            var pat = at.At("pairs", i);
            if (p.From.Length == 0 || p.To.Length == 0) pat.Error("zones", "give two zones, or one for the latency within it");
            else
            {
                Zone(pat, "zones", p.From, zones.Names);
                if (p.To != p.From) Zone(pat, "zones", p.To, zones.Names);
            }
            pat.Check("latency", p.Latency);
        }
        for (var i = 0; i < t.Services.Length; i++)
            for (var z = 0; z < t.Services[i].Zones.Length; z++)
                Zone(root.At("services", i), $"zones[{z}]", t.Services[i].Zones[z], zones.Names);
        for (var i = 0; i < t.Gateways.Length; i++)
        {
            if (t.Gateways[i].Zone is { } gz) Zone(root.At("gateways", i), "zone", gz, zones.Names);
            if (t.Gateways[i].PerZone && (t.Gateways[i].Zone is not null || !zones.Any))
                root.At("gateways", i).Error("perZone", t.Gateways[i].Zone is not null ? "a gateway per zone runs in every zone: drop its 'zone'" : "needs zones: the topology has none");
        }

        var mesh = root.At("mesh");
        t.Mesh.Defaults.Locality.Validate(mesh.At("defaults").At("locality"), zones.Names);
        foreach (var (service, policy) in t.Mesh.Destinations.OrderBy(d => d.Key, StringComparer.Ordinal))
            policy.Locality.Validate(mesh.At("destinations").At(service).At("locality"), zones.Names);

        var workloads = new HashSet<string>(names.Keys);
        foreach (var g in t.Gateways) workloads.Add(g.Name);
        for (var i = 0; i < t.Network.Faults.Length; i++)
        {
            var fat = root.At("network").At("faults", i);
            ValidateFault(t, t.Network.Faults[i], fat, workloads, names);
            if (t.Network.Faults[i].Until is not null) fat.Error("until", "a steady fault lasts the whole run; give 'until' to a timeline networkFault");
        }
        for (var i = 0; i < t.Timeline.Length; i++)
        {
            if (t.Timeline[i].Event is not NetworkFaultEvent e) continue;
            var eat = root.At("timeline", i);
            ValidateFault(t, e.Fault, eat.At("networkFault"), workloads, names);
            if (e.Fault.Until is { } until && until <= t.Timeline[i].At) eat.Error("networkFault.until", $"must be after the entry's 'at' ({t.Timeline[i].At.TotalSeconds:0.###}s)");
        }
    }

    private static void ValidateFault(MeshTopology t, NetworkFault f, ValidationContext at, HashSet<string> workloads, Dictionary<string, int> names)
    {
        if (f.From != NetworkFault.Any && !workloads.Contains(f.From)) at.Error("from", $"no service or gateway named '{f.From}'{at.Suggest(f.From, workloads)}");
        if (f.To != NetworkFault.Any && !workloads.Contains(f.To)) at.Error("to", $"no service or gateway named '{f.To}'{at.Suggest(f.To, workloads)}");
        if (f.FromZone != NetworkFault.Any) Zone(at, "fromZone", f.FromZone, t.Zones.Names);
        if (f.ToZone != NetworkFault.Any) Zone(at, "toZone", f.ToZone, t.Zones.Names);
        if (f.Zone is { } z) Zone(at, "zone", z, t.Zones.Names);
        if (f.Pod is { } pod)
        {
            var dash = pod.LastIndexOf('-');
            if (dash <= 0 || !names.ContainsKey(pod[..dash]) || !int.TryParse(pod.AsSpan(dash + 1), out var index) || index < 0)
                at.Error("pod", $"'{pod}' is not a pod: pods are named <service>-<index>, e.g. '{t.Services.FirstOrDefault()?.Name ?? "orders"}-0'");
        }
        at.Require(f.Rate is > 0 and <= 1, "rate", "must be above 0 and at most 100%");
        at.Check("latency", f.Latency);
        if (f.Kind == NetworkFaultKind.Latency && f.Latency.IsZero) at.Error("latency", "a latency fault needs the latency it adds");
        if (f.Kind == NetworkFaultKind.Bandwidth) at.Require(f.BytesPerSecond > 0, "bandwidth", "a bandwidth fault needs the link's bytes per second, above 0");
        else at.Require(f.BytesPerSecond >= 0, "bandwidth", "must not be negative");
    }

    /// <summary>Reports <paramref name="zone"/> at <paramref name="field"/> when it is not one of <paramref name="zones"/>.</summary>
    internal static void Zone(ValidationContext at, string field, string zone, ImmutableArray<string> zones)
    {
        if (zones.Contains(zone)) return;
        at.Error(field, zones.IsDefaultOrEmpty ? $"no zone named '{zone}': the topology has no zones" : $"no zone named '{zone}'{at.Suggest(zone, zones)}");
    }
}
