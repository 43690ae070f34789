namespace ActorMesh.Hosting;

/// <summary>
/// What a topology costs the process that runs it, estimated before anything starts, against what the
/// machine has: pods, actors, memory and in-process cluster nodes. <see cref="Problems"/> names what
/// cannot fit, with the estimate, the limit and how to go on.
/// </summary>
/// <param name="Pods">Pods this process runs (none when a running cluster's nodes run them).</param>
/// <param name="Actors">Actors for those pods (the pod, its app and its sidecars) and the mesh around them.</param>
/// <param name="Nodes">Cluster nodes started in this process (ActorSystems besides the edge); 1 when the mesh runs on one node.</param>
/// <param name="Bytes">Memory the run is estimated to need at its peak, while the mesh starts.</param>
/// <param name="LimitBytes">Memory this process may use (<see cref="MeshCapacity.MemoryShare"/> of what is available to it).</param>
/// <param name="MaxPods">Most pods this machine starts in one process.</param>
/// <param name="MaxNodes">Most cluster nodes this machine runs in one process.</param>
public sealed record CapacityEstimate(int Pods, long Actors, int Nodes, long Bytes, long LimitBytes, int MaxPods, int MaxNodes)
{
    /// <summary>What cannot fit, one message each, with the estimate, the limit and how to go on; empty when it all fits.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>One line: the estimate against the limits.</summary>
    public override string ToString() =>
        $"{Pods:N0} pod(s), ~{Actors:N0} actors{(Nodes > 1 ? $", {Nodes} in-process nodes" : "")}: ~{MeshCapacity.Size(Bytes)} of the {MeshCapacity.Size(LimitBytes)} this process may use " +
        $"(at most {MaxPods:N0} pods and {MaxNodes} in-process nodes on this machine)";
}

/// <summary>
/// The cost model behind <see cref="CapacityEstimate"/>. Measured with the bench program's <c>startup</c>
/// command (a tree of services, each pod an app and a sidecar proxy) on a 2-core machine: the managed
/// heap a started mesh holds is ~5.6 KB per pod from 30,000 to 100,000 pods, and the whole process's
/// working set peaks at ~7 KB per pod while the mesh starts (726 MB at 100,000 pods); start-up grows
/// linearly with the pods (100,000 pods: 8.7 s of CPU from launch to ready).
/// </summary>
public static class MeshCapacity
{
    /// <summary>Memory per pod at the peak of the start (measured ~7 KB per pod at 100,000 pods, runtime included).</summary>
    public const long BytesPerPod = 8 * 1024;

    /// <summary>Memory of the process before any pod: the runtime, Akka, the load generator's tables.</summary>
    public const long BaseBytes = 256L * 1024 * 1024;

    /// <summary>Memory of each cluster node started in this process (an ActorSystem with remoting and the cluster's own actors).</summary>
    public const long BytesPerNode = 64L * 1024 * 1024;

    /// <summary>The share of the available memory a run may plan to use: the rest is the GC's headroom and the machine's.</summary>
    public const double MemoryShare = 0.8;

    /// <summary>Pods one process starts per core (100,000 on 2 cores: the target is ready within 10 s).</summary>
    public const int PodsPerCore = 50_000;

    /// <summary>In-process cluster nodes per core: each is a whole ActorSystem with its own dispatcher, remoting and heartbeats.</summary>
    public const int NodesPerCore = 8;

    /// <summary>
    /// Estimates what <paramref name="topology"/> costs here. <paramref name="podsElsewhere"/>: a running
    /// cluster's nodes run the pods (<c>run --cluster</c>), so this process only drives the load.
    /// <paramref name="availableBytes"/> and <paramref name="cores"/> default to this machine's
    /// (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>, which honours a container's limit).
    /// </summary>
    public static CapacityEstimate Estimate(MeshTopology topology, bool podsElsewhere = false, long? availableBytes = null, int? cores = null)
    {
        var available = availableBytes ?? AvailableBytes();
        var cpus = Math.Max(1, cores ?? Environment.ProcessorCount);
        var pods = podsElsewhere ? 0 : topology.Services.Sum(s => (long)s.Replicas);
        long actors = topology.Gateways.Length + 8; // gateways; host, API server, node agent, control plane, load generator, probes
        foreach (var s in topology.Services)
            if (!podsElsewhere) actors += (long)s.Replicas * ActorsPerPod(topology, s);
        var nodes = podsElsewhere ? 1 : Math.Max(1, topology.Nodes);
        var bytes = BaseBytes + pods * BytesPerPod + (nodes > 1 ? nodes * BytesPerNode : 0);
        var limit = (long)(available * MemoryShare);
        var maxPods = (int)Math.Min(int.MaxValue, (long)PodsPerCore * cpus);
        var maxNodes = Math.Clamp(NodesPerCore * cpus, 4, 64);
        var problems = new List<string>();
        const string elsewhere = "or run the pods on more machines: start 'node' processes there and drive them with 'run --cluster'";
        if (nodes > maxNodes)
            problems.Add($"nodes: {nodes} cluster nodes in one process are more than this machine runs: at most {maxNodes} ({NodesPerCore} per core, {cpus} cores), " +
                "each a whole actor system with its own threads and heartbeats; use fewer nodes");
        if (pods > maxPods)
            problems.Add($"{pods:N0} pods in one process are more than this machine starts: at most {maxPods:N0} ({PodsPerCore:N0} per core, {cpus} cores; " +
                $"start-up takes longer than 10 s beyond that); use fewer replicas, {elsewhere}");
        if (bytes > limit)
            problems.Add($"the topology needs ~{Size(bytes)} here ({pods:N0} pods at ~{BytesPerPod / 1024} KB each while the mesh starts, plus {Size(BaseBytes)}" +
                $"{(nodes > 1 ? $" and {Size(BytesPerNode)} per node" : "")}), more than the {Size(limit)} this process may use ({MemoryShare:P0} of {Size(available)} available); " +
                $"use fewer replicas, {elsewhere}");
        return new CapacityEstimate((int)Math.Min(int.MaxValue, pods), actors, nodes, bytes, limit, maxPods, maxNodes) { Problems = problems };
    }

    /// <summary>Actors per pod of <paramref name="service"/>: the pod, its app, and its sidecars (proxy, log collector, config sync).</summary>
    private static int ActorsPerPod(MeshTopology topology, ServiceSpec service) =>
        2 + (topology.Mesh.Sidecars ? 1 : 0) + (service.LogCollector is not null ? 1 : 0) + (service.ConfigSync is not null ? 1 : 0);

    /// <summary>The memory available to this process (a container's limit, else the machine's).</summary>
    public static long AvailableBytes()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return available > 0 ? available : long.MaxValue / 2;
    }

    /// <summary>A size in MB or GB, e.g. "340 MB", "9.6 GB".</summary>
    public static string Size(long bytes) =>
        bytes >= 10L * 1024 * 1024 * 1024 ? $"{bytes / (1024.0 * 1024 * 1024):0} GB"
        : bytes >= 1024L * 1024 * 1024 ? $"{bytes / (1024.0 * 1024 * 1024):0.0} GB"
        : $"{bytes / (1024.0 * 1024):0} MB";
}
