using ActorMesh.DataPlane.Pod;
using ActorMesh.Load;

namespace ActorMesh.Hosting;

/// <summary>What a running mesh answered for its report (see <see cref="MeshSystem.CollectAsync"/>).</summary>
/// <param name="Status">The control plane's counters.</param>
/// <param name="Pods">Every pod's counters.</param>
/// <param name="Events">Timeline events applied, and how.</param>
/// <param name="Cluster">The nodes and pods per node.</param>
internal sealed record MeshState(ControlPlaneStatus Status, IReadOnlyList<PodStatsReport> Pods, IReadOnlyList<AppliedEvent> Events, ClusterReport Cluster)
{
    /// <summary>What the report lacks because part of the mesh did not answer in time: one line each, naming the report's sections.</summary>
    public IReadOnlyList<string> Missing { get; init; } = [];

    /// <summary>The telemetry the pod nodes sent (a cluster of separate processes: each sends its own), when asked for.</summary>
    public IReadOnlyList<NodeTelemetry> NodeTelemetry { get; init; } = [];

    /// <summary>The addresses of the nodes in <see cref="ClusterReport.Unreported"/>.</summary>
    internal IReadOnlyList<Address> UnreportedAddresses { get; init; } = [];

    /// <summary>The report of a run of <paramref name="topology"/>: what the client measured, this state and the merged telemetry.</summary>
    public RunReport Build(MeshTopology topology, LoadResult load, TelemetryView telemetry, long? seed = null) =>
        ReportBuilder.Build(topology, seed ?? topology.Seed, load, telemetry, Status, Pods, Events, Cluster) with { Missing = [.. Missing, .. LostZoneLines(load)] };

    /// <summary>One line per zone whose load is not in the client's counts (see <see cref="OutcomesSection.LostZones"/>).</summary>
    private static IEnumerable<string> LostZoneLines(LoadResult load)
    {
        foreach (var z in load.LostZones)
            yield return z.AtSeconds is { } at
                ? $"requests, outcomes, timeline: zone {z.Zone}'s load ({z.Reason}; at its last report, {at:0.###} s in, {z.Sent} sent, {z.Answered} answered, {z.InFlight} in flight, lost): see outcomes.lostZones"
                : $"requests, outcomes, timeline: zone {z.Zone}'s load ({z.Reason}): see outcomes.lostZones";
    }
}

/// <summary>
/// Collects what a report needs from a mesh at the end of a run, with a bound on every answer: the
/// control plane's counters, the events applied, each node's pods and each pod's counters (and, for
/// nodes in other processes, their telemetry). A node that is gone or too slow, or a control plane
/// that does not answer, leaves its part out and says so (<see cref="MeshState.Missing"/>,
/// <see cref="ClusterReport.Unreported"/>): a finished run is never lost for it, and never waits
/// more than about two bounds (nodes, then pods and telemetry, each asked in parallel).
/// </summary>
internal static class ReportCollection
{
    /// <summary>Collects from <paramref name="mesh"/>, waiting at most <paramref name="timeout"/> for each answer.</summary>
    public static async Task<MeshState> CollectAsync(MeshSystem mesh, TimeSpan timeout, bool nodeTelemetry)
    {
        var missing = new List<string>();
        var unreported = new SortedDictionary<string, Address>(StringComparer.Ordinal);
        var within = $"within {timeout.TotalSeconds:0.#} s";
        var statusAsk = Timely(mesh.Ask<ControlPlaneStatus>(mesh.Host, GetControlPlaneStatus.Instance, timeout));
        var eventsAsk = Timely(mesh.Ask<AppliedEvents>(mesh.Host, GetAppliedEvents.Instance, timeout));
        var nodes = await Timely(mesh.Ask<MeshNodes>(mesh.Host, GetNodes.Instance, timeout));
        if (nodes is null) missing.Add($"cluster, services.perInstance, sidecars: the control plane did not name its nodes {within}; no node's pods were read");

        // Each node's pods, all nodes at once.
        var up = nodes?.Nodes.Where(n => n.Up).ToList() ?? [];
        var podLists = await Task.WhenAll(up.Select(n => Timely(mesh.Ask<NodePods>(n.Agent, GetPods.Instance, timeout))));
        var answered = new List<(NodeInfo Node, IActorRef Agent, NodePods Pods)>();
        for (var i = 0; i < up.Count; i++)
        {
            if (podLists[i] is { } pods) answered.Add((up[i], up[i].Agent, pods));
            else
            {
                unreported[up[i].Node] = up[i].Agent.Path.Address;
                missing.Add($"cluster.podsPerNode, services.perInstance, sidecars: {up[i].Node} did not answer {within}; its pods are left out");
                if (nodeTelemetry && (up[i].Roles & NodeRoles.Pods) != 0) missing.Add(TelemetryMissing(up[i].Node, within));
            }
        }

        // Then every running pod's counters and, when asked for, each pod node's telemetry: all at once.
        var podAsks = answered.Select(n => n.Pods.PodIds.Select(id => Timely(mesh.Ask<PodStatsReport>(n.Agent, new ForwardToPod(id, GetPodStats.Instance), timeout))).ToList()).ToList();
        var podNodes = nodeTelemetry ? answered.Where(n => (n.Node.Roles & NodeRoles.Pods) != 0).ToList() : [];
        var telemetryAsks = podNodes.Select(n => Timely(mesh.Ask<NodeTelemetry>(n.Agent, GetNodeTelemetry.Instance, timeout))).ToList();
        var stopped = new List<PodStatsReport>();
        var running = new List<PodStatsReport>();
        for (var i = 0; i < answered.Count; i++)
        {
            stopped.AddRange(answered[i].Pods.Stopped);
            var silent = 0;
            foreach (var ask in podAsks[i])
                if (await ask is { } stats) running.Add(stats);
                else silent++;
            if (silent > 0) missing.Add($"services.perInstance, sidecars: {silent} of {podAsks[i].Count} pod(s) on {answered[i].Node.Node} did not answer {within}; their counts are left out");
        }
        var telemetry = new List<NodeTelemetry>();
        for (var i = 0; i < podNodes.Count; i++)
        {
            if (await telemetryAsks[i] is { } t) telemetry.Add(t);
            else
            {
                unreported[podNodes[i].Node.Node] = podNodes[i].Agent.Path.Address;
                missing.Add(TelemetryMissing(podNodes[i].Node.Node, within));
            }
        }

        var status = await statusAsk;
        if (status is null) missing.Add($"controlPlane, services.*.instances: the control plane did not answer {within}; its counters are left at zero");
        var events = await eventsAsk;
        if (events is null) missing.Add($"events: the mesh's host did not answer {within}; the events applied are not listed");
        // Stopped pods first, so a running pod's settings version (the latest) wins where a report keeps one per pod.
        return new MeshState(status ?? NoStatus, [.. stopped, .. running], events?.Events ?? [], new ClusterReport { Nodes = 1, PodsPerNode = MeshSystem.PodsPerNode(answered), Unreported = [.. unreported.Keys] })
        {
            Missing = missing,
            UnreportedAddresses = [.. unreported.Values],
            NodeTelemetry = telemetry,
        };
    }

    private static string TelemetryMissing(string node, string within) =>
        $"services, mesh, gateway, tracing: {node} did not send its telemetry {within}; what its pods counted is left out (the client's counts in requests are complete)";

    /// <summary>The control plane's counters when it did not answer: zeros.</summary>
    private static readonly ControlPlaneStatus NoStatus = new(0, 0, 0, 0, [], new Dictionary<string, int>(), null, [], false, 0);

    /// <summary>The answer, or null when it did not come in time (<see cref="Reply{T}"/> gives up with a <see cref="TimeoutException"/>).</summary>
    private static async Task<T?> Timely<T>(Task<T> ask) where T : class
    {
        try
        {
            return await ask;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
