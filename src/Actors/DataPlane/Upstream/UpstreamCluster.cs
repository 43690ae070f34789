using System.Runtime.InteropServices;

namespace ActorMesh.DataPlane.Upstream;

/// <summary>
/// One destination as seen from one proxy (Envoy's cluster): its endpoints, the policy chain's
/// state (connection pool, breaker, outlier detection, load balancer) and the pending queue.
/// </summary>
internal sealed class UpstreamCluster
{
    private readonly MeshRandom _random;
    private bool _sharedHealthy;

    public UpstreamCluster(string service, int serviceIndex, MeshRandom random)
    {
        Service = service;
        ServiceIndex = serviceIndex;
        _random = random;
        Policy = new TrafficPolicy();
        Balancer = new LoadBalancer(Policy.LoadBalancer, random);
        Pool = new ConnectionPool(Policy.Limits);
    }

    public string Service { get; }
    public int ServiceIndex { get; }
    public TrafficPolicy Policy { get; private set; }
    public Distribution Latency { get; private set; } = Distribution.Zero;
    /// <summary>The caller's view of the zones: its own, and the latency to each (null without zones).</summary>
    public ZoneView? Zones { get; private set; }
    /// <summary>Each host's zone index into <see cref="ZoneView.Names"/> (-1: none); empty without zones. Shared by every caller of the endpoint list (<see cref="HostZoneTable"/>): never written.</summary>
    public int[] HostZones { get; private set; } = [];
    /// <summary>Locality-aware choice among the hosts, when locality plays a part (see <see cref="LocalityPicker.For"/>).</summary>
    public LocalityPicker? Locality { get; private set; }
    public Endpoint[] Endpoints { get; private set; } = [];
    public int[] Active { get; private set; } = [];
    public int[] Healthy { get; private set; } = [];
    public int HealthyCount { get; private set; }
    public bool Panic { get; private set; }
    public LoadBalancer Balancer { get; private set; }
    public CircuitBreaker? Breaker { get; private set; }
    public OutlierDetector? Outlier { get; private set; }
    public bool Removed { get; set; }
    /// <summary>The calling workload's telemetry index (its edges to this destination are recorded under it).</summary>
    public int SourceIndex { get; init; }
    /// <summary>Calls to this destination go over mutual TLS: the source has an identity, the destination a sidecar not set to disable mTLS.</summary>
    public bool Mtls { get; set; }
    /// <summary>The destination runs a sidecar, which would report its answers (Istio's <c>reporter="destination"</c>).</summary>
    public bool DestinationReports { get; set; }

    /// <summary>Requests in flight, pending and retrying, against the policy's limits.</summary>
    public ConnectionPool Pool { get; }

    /// <summary>Ids of the calls waiting for a connection, oldest first (the live ones are counted by <see cref="Pool"/>; the queue may also hold stale ids).</summary>
    public readonly Queue<SlotHandle> Pending = new();

    /// <summary>Applies a (possibly) new policy, latency and endpoint list, keeping per-host state of endpoints that remain; <paramref name="zones"/> is the caller's view of the zones, if any.</summary>
    public void Configure(TrafficPolicy policy, Distribution latency, ImmutableArray<Endpoint> endpoints, ZoneView? zones = null)
    {
        Latency = latency;
        Zones = zones;
        Pool.Limits = policy.Limits;
        if (!ReferenceEquals(policy, Policy) && policy != Policy)
        {
            var old = Policy;
            Policy = policy;
            if (policy.LoadBalancer != Balancer.Kind) Balancer = new LoadBalancer(policy.LoadBalancer, _random);
            if (policy.CircuitBreaker is null) Breaker = null;
            else if (Breaker is null || old.CircuitBreaker != policy.CircuitBreaker) Breaker = new CircuitBreaker(policy.CircuitBreaker);
            if (policy.OutlierDetection is null) Outlier = null;
            else if (Outlier is null || old.OutlierDetection != policy.OutlierDetection) Outlier = new OutlierDetector(policy.OutlierDetection, Endpoints.Length);
        }
        else
        {
            Policy = policy;
            if (policy.CircuitBreaker is not null && Breaker is null) Breaker = new CircuitBreaker(policy.CircuitBreaker);
            if (policy.OutlierDetection is not null && Outlier is null) Outlier = new OutlierDetector(policy.OutlierDetection, Endpoints.Length);
        }
        SetEndpoints(endpoints);
    }

    private void SetEndpoints(ImmutableArray<Endpoint> endpoints)
    {
        // The snapshot's endpoint list is immutable and the same for every proxy: no copy per proxy.
        var next = ImmutableCollectionsMarshal.AsArray(endpoints) ?? [];
        // No per-host state yet (no request sent, no host seen failing): nothing to carry over, so no
        // O(endpoints) work per proxy. At start-up every proxy takes this path: 33,000 proxies of 2
        // destinations of 33,000 endpoints would otherwise allocate 9 GB of index maps.
        if (ReferenceEquals(next, Endpoints) || (Active.Length == 0 && Outlier is not { Tracked: > 0 }))
        {
            if (!ReferenceEquals(next, Endpoints)) Outlier?.Resize(next.Length);
            Endpoints = next;
            MapZones();
            RebuildHealthy();
            return;
        }
        if (next.Length == Endpoints.Length)
        {
            var same = true;
            for (var i = 0; i < next.Length && same; i++) same = next[i].PodId == Endpoints[i].PodId && next[i].Address.Equals(Endpoints[i].Address);
            if (same)
            {
                Endpoints = next;
                MapZones();
                RebuildHealthy();
                return;
            }
        }
        // Per-host state follows its pod, found by id in one pass (matching each new endpoint against
        // every old one is 10^6 steps per proxy and destination of 1,000 replicas when one pod changes).
        var oldIndex = new Dictionary<string, int>(Endpoints.Length, StringComparer.Ordinal);
        for (var j = 0; j < Endpoints.Length; j++) oldIndex.TryAdd(Endpoints[j].PodId, j);
        var oldIndexOf = new int[next.Length];
        // Requests in flight per host exist once the cluster has sent something (see PickHost).
        var active = Active.Length == 0 ? [] : new int[next.Length];
        for (var i = 0; i < next.Length; i++)
        {
            var found = oldIndex.TryGetValue(next[i].PodId, out var j);
            oldIndexOf[i] = found ? j : -1;
            if (found && active.Length > 0) active[i] = Active[j];
        }
        Outlier?.Remap(oldIndexOf);
        Endpoints = next;
        Active = active;
        MapZones();
        RebuildHealthy();
    }

    /// <summary>
    /// Each host's zone, and the locality picker over them (on a config change, never per request). Both the
    /// zones and the picker's grouping are built once per endpoint list and shared by every caller
    /// (<see cref="HostZoneTable"/>); a caller keeps only its picker's per-group counts.
    /// </summary>
    private void MapZones()
    {
        if (Zones is not { } view)
        {
            HostZones = [];
            Locality = null;
            return;
        }
        var table = HostZoneTable.For(Endpoints, view.Names);
        HostZones = table.Zones;
        var layout = table.Layout(Policy.Locality, view.Caller, Policy.OutlierDetection is not null);
        Locality = layout is null ? null : ReferenceEquals(Locality?.Layout, layout) ? Locality : new LocalityPicker(layout, _random);
    }

    /// <summary>The one-way latency to <paramref name="host"/>: its zone's from the caller's, else the destination's.</summary>
    public Distribution LatencyTo(int host) =>
        Zones is { } view && (uint)host < (uint)HostZones.Length && HostZones[host] >= 0 ? view.Latency[HostZones[host]] : Latency;

    /// <summary>True when the caller and <paramref name="host"/> both have a zone; <paramref name="crossZone"/> when they differ.</summary>
    public bool IsZoned(int host, out bool crossZone)
    {
        crossZone = false;
        if (Zones is not { CallerIndex: >= 0 } view || (uint)host >= (uint)HostZones.Length || HostZones[host] < 0) return false;
        crossZone = HostZones[host] != view.CallerIndex;
        return true;
    }

    /// <summary>Recomputes the healthy set after an ejection or return; below the panic threshold every host is used.</summary>
    public void RebuildHealthy()
    {
        Panic = false;
        var count = Endpoints.Length;
        if (Outlier is { EjectedCount: > 0 } outlier)
        {
            // Some host is ejected: this cluster's own list, made on its first ejection (a caller whose
            // detector never ejected, most of them, holds none).
            if (_sharedHealthy || Healthy.Length != Endpoints.Length)
            {
                Healthy = new int[Endpoints.Length];
                _sharedHealthy = false;
            }
            count = 0;
            for (var i = 0; i < Endpoints.Length; i++)
                if (!outlier.IsEjected(i)) Healthy[count++] = i;
        }
        if (Outlier is not null && Endpoints.Length > 0 && count * 100.0 / Endpoints.Length < Outlier.Options.PanicThresholdPercent)
        {
            count = Endpoints.Length;
            Panic = true;
        }
        if (count == Endpoints.Length)
        {
            // Every host is healthy (or all are used in panic): one shared, read-only list of indices serves every cluster.
            Healthy = HostIndices.Upto(Endpoints.Length);
            _sharedHealthy = true;
        }
        HealthyCount = count;
        Locality?.Rebuild(Healthy, HealthyCount);
    }

    /// <summary>Picks a host, avoiding those <paramref name="tried"/> when the retry policy says so; -1 when there is none.</summary>
    public int PickHost(TriedHosts tried)
    {
        // Per-host in-flight counts are made on the first call: a mesh of 10,000 pods has thousands of
        // proxies with destinations of 1,000 hosts, most of which never call some of them.
        if (Active.Length != Endpoints.Length) Active = new int[Endpoints.Length];
        var avoid = Policy.Retries.AvoidPreviousHosts ? tried : null;
        return Locality is { } locality ? locality.Pick(Balancer, Active, avoid) : Balancer.Pick(Healthy, HealthyCount, Active, avoid);
    }

    /// <summary>
    /// Outlier detection, then the breaker, learn how an attempt on <paramref name="host"/> (-1: gone)
    /// did; a failure is any 5xx. Ejections and breaker transitions are counted in <paramref name="t"/>.
    /// Returns true when the host was ejected.
    /// </summary>
    public bool Judge(int host, bool failed, bool isProbe, long now, ServiceTelemetry t)
    {
        var ejected = Outlier is { } outlier && host >= 0 && outlier.OnResult(host, failed, now);
        if (ejected)
        {
            t[ServiceCounter.Ejections]++;
            RebuildHealthy();
        }
        if (Breaker is { } breaker)
        {
            if (failed)
            {
                if (breaker.OnFailure(now, isProbe))
                {
                    t[ServiceCounter.CircuitOpened]++;
                    t.EdgeFrom(SourceIndex).CircuitOpened++;
                }
            }
            else if (breaker.OnSuccess(now, isProbe)) t[ServiceCounter.CircuitClosed]++;
        }
        return ejected;
    }

    /// <summary>Whether a failed attempt is retried: retriable under the policy, and allowed by the pool's retry limit or budget.</summary>
    public RetryDecision DecideRetry(in AttemptOutcome outcome, int retriesDone) =>
        Pool.DecideRetry(Policy.Retries, RetryPolicy.IsRetriable(Policy.Retries, outcome.RetryAs, outcome.Status), retriesDone);

    /// <summary>An attempt on <paramref name="endpoint"/> ended: its host's in-flight count goes down. Returns the host's current index (see <see cref="IndexOf"/>).</summary>
    public int EndAttemptOn(Endpoint endpoint, int hint)
    {
        var host = IndexOf(endpoint, hint);
        if ((uint)host < (uint)Active.Length && Active[host] > 0) Active[host]--;
        return host;
    }

    /// <summary>The current index of <paramref name="endpoint"/> (which may have moved after an update), or -1.</summary>
    public int IndexOf(Endpoint endpoint, int hint)
    {
        if ((uint)hint < (uint)Endpoints.Length && ReferenceEquals(Endpoints[hint], endpoint)) return hint;
        for (var i = 0; i < Endpoints.Length; i++)
            if (Endpoints[i].PodId == endpoint.PodId) return i;
        return -1;
    }
}

/// <summary>
/// The zones as one caller sees them: their names, the caller's own, and the one-way latency from the
/// caller's zone to each. Built once per config snapshot and caller, shared by its clusters.
/// </summary>
internal sealed class ZoneView(IReadOnlyList<string> names, string? caller, Distribution[] latency)
{
    public IReadOnlyList<string> Names { get; } = names;
    public string? Caller { get; } = caller;
    public int CallerIndex { get; } = LocalityLayout.IndexOf(names, caller);
    public Distribution[] Latency { get; } = latency;

    /// <summary>The index of <paramref name="zone"/>, or -1 (none, or not a zone).</summary>
    public int IndexOf(string? zone) => LocalityLayout.IndexOf(Names, zone);
}

/// <summary>
/// 0, 1, 2, ... shared by every cluster whose hosts are all healthy, so that a proxy's cluster of
/// 1,000 endpoints does not hold its own copy. Read-only: it is only ever replaced by a longer one.
/// </summary>
internal static class HostIndices
{
    private static int[] _indices = [];

    /// <summary>An array whose first <paramref name="count"/> entries are 0..count-1 (it may be longer).</summary>
    public static int[] Upto(int count)
    {
        var indices = Volatile.Read(ref _indices);
        if (indices.Length >= count) return indices;
        var longer = new int[Math.Max(count, indices.Length * 2)];
        for (var i = 0; i < longer.Length; i++) longer[i] = i;
        // Racing threads publish arrays with the same contents; any of them will do.
        Volatile.Write(ref _indices, longer);
        return longer;
    }
}
