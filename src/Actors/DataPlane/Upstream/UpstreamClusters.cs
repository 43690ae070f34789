namespace ActorMesh.DataPlane.Upstream;

/// <summary>
/// The destinations one router knows (Envoy's cluster manager): each <see cref="UpstreamCluster"/> is
/// built from the current config snapshot and reconfigured by every later one, and outlier
/// detection's interval timer runs while any of them detects outliers.
/// </summary>
// secure: the source sends with an mTLS identity (a sidecar or a gateway; not an app's plain client).
internal sealed class UpstreamClusters(string source, string? zone, MeshRuntime runtime, MeshRandom random, IActorRef self, bool secure = false)
{
    private readonly Dictionary<string, UpstreamCluster> _clusters = new(StringComparer.Ordinal);
    private ConfigSnapshot? _snapshot;
    private bool _outlierTickScheduled;

    /// <summary>Every cluster built so far.</summary>
    public Dictionary<string, UpstreamCluster>.ValueCollection All => _clusters.Values;

    /// <summary>The cluster of <paramref name="service"/> if built, whether or not it is still in the config.</summary>
    public UpstreamCluster? Find(string service) => _clusters.GetValueOrDefault(service);

    /// <summary>
    /// Applies a snapshot: policies, latencies and endpoints of the clusters built so far, and builds
    /// those of the services the source workload's script calls (as an Istio <c>Sidecar</c> resource
    /// scopes a proxy's egress). Any other destination's cluster is built on its first call (see
    /// <see cref="For"/>). Building a cluster for every service in every proxy costs
    /// O(services × endpoints) per proxy and push: 10,000 proxies × 10,000 endpoints for a graph of
    /// 10 services with 1,000 replicas each. A cluster holds no state before its first call, so
    /// when it is built changes no outcome.
    /// </summary>
    public void Apply(ConfigSnapshot snapshot)
    {
        _snapshot = snapshot;
        foreach (var (service, cluster) in _clusters)
        {
            cluster.Removed = snapshot.Topology.Service(service) is null;
            if (!cluster.Removed) Configure(cluster, snapshot);
        }
        // Built now rather than on the first request, so that their allocation is not in the load.
        if (snapshot.Topology.Service(source) is { } self)
            foreach (var callee in DataPlane.Pod.ServiceTemplate.Of(self).Callees) For(callee);
    }

    /// <summary>The cluster of <paramref name="service"/>, built from the current snapshot on first use; null when the snapshot has no such service.</summary>
    public UpstreamCluster? For(string service)
    {
        if (_clusters.TryGetValue(service, out var cluster)) return cluster.Removed ? null : cluster;
        if (_snapshot is null || _snapshot.Topology.Service(service) is null) return null;
        cluster = new UpstreamCluster(service, runtime.Services.Of(service), random) { SourceIndex = runtime.Services.Of(source) };
        _clusters[service] = cluster;
        Configure(cluster, _snapshot);
        WatchOutliers(cluster);
        return cluster;
    }

    private void Configure(UpstreamCluster cluster, ConfigSnapshot snapshot)
    {
        var topology = snapshot.Topology;
        var spec = topology.Service(cluster.Service);
        cluster.DestinationReports = spec is not null && topology.Mesh.HasSidecar(spec);
        cluster.Mtls = secure && cluster.DestinationReports && topology.Mesh.Security.MtlsFor(cluster.Service) != MtlsMode.Disable;
        cluster.Configure(topology.Mesh.PolicyFor(cluster.Service), topology.Network.LatencyBetween(source, cluster.Service), snapshot.EndpointsOf(cluster.Service),
            ZonesTo(topology, cluster.Service));
    }

    /// <summary>The zones as this caller sees them for calls to <paramref name="service"/> (an edge's latency, when one matches, holds for every zone); null without zones.</summary>
    private ZoneView? ZonesTo(MeshTopology topology, string service)
    {
        if (!topology.Zones.Any) return null;
        var names = topology.Zones.Names;
        var latency = new Distribution[names.Length];
        for (var i = 0; i < names.Length; i++) latency[i] = topology.LatencyBetween(source, zone, service, names[i]);
        return new ZoneView(names, zone, latency);
    }

    /// <summary>Makes sure outlier detection's interval timer runs when <paramref name="cluster"/> detects outliers.</summary>
    public void WatchOutliers(UpstreamCluster cluster)
    {
        if (cluster.Outlier is not { } outlier || _outlierTickScheduled) return;
        _outlierTickScheduled = true;
        runtime.Clock.Schedule(outlier.Options.Interval.Ticks, self, OutlierInterval.Instance, self);
    }

    /// <summary>Outlier detection's interval: ejections end, and the timer runs again at the shortest interval while any cluster detects outliers.</summary>
    public void OnOutlierInterval()
    {
        _outlierTickScheduled = false;
        var now = runtime.Clock.Now;
        UpstreamCluster? soonest = null;
        foreach (var cluster in _clusters.Values)
        {
            if (cluster.Outlier is not { } outlier) continue;
            if (outlier.OnInterval(now) > 0) cluster.RebuildHealthy();
            if (soonest is null || outlier.Options.Interval < soonest.Outlier!.Options.Interval) soonest = cluster;
        }
        if (soonest is not null) WatchOutliers(soonest);
    }
}
