namespace ActorMesh.ControlPlane;

/// <summary>Where a node that joined while pods run takes its share from (see <see cref="Placement.Rebalance"/>).</summary>
internal sealed partial class Placement
{
    /// <summary>
    /// Node <paramref name="joined"/> came while <paramref name="pods"/> run (the pods that may move: serving,
    /// none already moving): decides what moves to it so load evens out, as a Kubernetes descheduler would.
    /// Whole zones first, so that locality keeps calls on their node: while the pod node hosting the most zones
    /// (then the most pods) hosts at least two more than <paramref name="joined"/>, one of its zones is mapped to
    /// <paramref name="joined"/>, the one whose pods come closest to half the difference in pods between the two
    /// (then the last by name), and the zone's pods go with it. Then pods without a zone: while the pod node
    /// with the most pods runs at least two more than <paramref name="joined"/>, one of its zoneless pods moves
    /// (of the service it runs the most of, then the first by name; its highest index). Returns the zones
    /// mapped anew and the pods to move, in that order; both empty when <paramref name="joined"/> runs no pods.
    /// </summary>
    public (List<string> Zones, List<PodRecord> Pods) Rebalance(NodeSlot joined, IReadOnlyCollection<PodRecord> pods)
    {
        var zones = new List<string>();
        var moving = new List<PodRecord>();
        if ((joined.Roles & NodeRoles.Pods) == 0 || !_nodes.Contains(joined)) return (zones, moving);
        var load = new Dictionary<NodeSlot, int>();
        foreach (var n in _nodes) if ((n.Roles & NodeRoles.Pods) != 0) load[n] = 0;
        foreach (var p in pods) if (load.ContainsKey(p.Node)) load[p.Node]++;
        var zonePods = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in pods) if (p.Spec.Zone is { } z) zonePods[z] = zonePods.GetValueOrDefault(z) + 1;

        while (ZoneDonor(joined, load) is { } donor)
        {
            var half = (load[donor] - load[joined]) / 2.0;
            string? best = null;
            foreach (var (zone, node) in _zoneNodes)
                if (node == donor && (best is null || Math.Abs(zonePods.GetValueOrDefault(zone) - half) <= Math.Abs(zonePods.GetValueOrDefault(best) - half))) best = zone;
            _zoneNodes[best!] = joined;
            zones.Add(best!);
            load[donor] -= zonePods.GetValueOrDefault(best!);
            load[joined] += zonePods.GetValueOrDefault(best!);
        }
        foreach (var p in pods)
            if (p.Spec.Zone is { } z && zones.Contains(z) && p.Node != joined) moving.Add(p);

        var zoneless = new List<PodRecord>();
        foreach (var p in pods) if (p.Spec.Zone is null && p.Node != joined && load.ContainsKey(p.Node)) zoneless.Add(p);
        while (PodDonor(joined, load, zoneless) is { } donor)
        {
            var pod = NextZonelessPod(donor, zoneless);
            zoneless.Remove(pod);
            moving.Add(pod);
            load[donor]--;
            load[joined]++;
        }
        return (zones, moving);
    }

    /// <summary>The node that should give a zone to <paramref name="joined"/>, or null when zones are even enough.</summary>
    private NodeSlot? ZoneDonor(NodeSlot joined, Dictionary<NodeSlot, int> load)
    {
        var zones = new Dictionary<NodeSlot, int>();
        foreach (var node in _zoneNodes.Values) zones[node] = zones.GetValueOrDefault(node) + 1;
        NodeSlot? donor = null;
        foreach (var n in load.Keys)
        {
            if (n == joined) continue;
            var z = zones.GetValueOrDefault(n);
            var best = donor is null ? -1 : zones.GetValueOrDefault(donor);
            if (z > best || (z == best && load[n] > load[donor!])) donor = n;
        }
        return donor is not null && zones.GetValueOrDefault(donor) >= zones.GetValueOrDefault(joined) + 2 ? donor : null;
    }

    /// <summary>The node that should give a zoneless pod to <paramref name="joined"/>, or null when pods are even enough.</summary>
    private static NodeSlot? PodDonor(NodeSlot joined, Dictionary<NodeSlot, int> load, List<PodRecord> zoneless)
    {
        NodeSlot? donor = null;
        foreach (var p in zoneless)
            if (donor is null || load[p.Node] > load[donor]) donor = p.Node;
        return donor is not null && load[donor] >= load[joined] + 2 ? donor : null;
    }

    private static PodRecord NextZonelessPod(NodeSlot donor, List<PodRecord> zoneless)
    {
        var perService = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in zoneless) if (p.Node == donor) perService[p.Spec.Service.Name] = perService.GetValueOrDefault(p.Spec.Service.Name) + 1;
        string? service = null;
        foreach (var (name, count) in perService)
            if (service is null || count > perService[service] || (count == perService[service] && string.CompareOrdinal(name, service) < 0)) service = name;
        PodRecord? pod = null;
        foreach (var p in zoneless)
            if (p.Node == donor && p.Spec.Service.Name == service && (pod is null || p.Spec.Index > pod.Spec.Index)) pod = p;
        return pod!;
    }
}
