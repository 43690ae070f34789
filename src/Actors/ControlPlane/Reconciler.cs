namespace ActorMesh.ControlPlane;

/// <summary>What a pod reporting ready means to the <see cref="Reconciler"/>.</summary>
internal enum PodReadiness
{
    /// <summary>Not wanted: no such service, or it already runs on another node. Stop it.</summary>
    Refused,
    /// <summary>Ready; nothing else follows from it.</summary>
    Ready,
    /// <summary>Ready, and the desired state may now be reached further (a rollout's next step, a pod no longer wanted).</summary>
    ReadyReconcile,
    /// <summary>A moving pod's replacement is ready: it gets the current config, and takes the old pod's place once it has acknowledged it (<see cref="Reconciler.ReplacementConfigured"/>).</summary>
    Replacement,
}

/// <summary>
/// Reconciliation and rolling updates: it keeps the pods the control plane knows, starts the desired
/// ones that are missing (on the node <see cref="Placement"/> picks), takes the ones no longer desired
/// out of service, replaces outdated ones one at a time, moves pods to a node that joined (Reconciler.Moves.cs),
/// and times each reconciliation and rollout.
/// Plain state: the owning actor turns its requests (<see cref="IReconcilerOwner"/>) into messages and timers.
/// </summary>
internal sealed partial class Reconciler(Placement placement, ControlPlaneStats stats, MeshClock clock, IReconcilerOwner owner)
{
    private readonly Dictionary<string, PodRecord> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Rollout> _rollouts = new(StringComparer.Ordinal);
    private long _startedAt = -1;
    // Pods in _pods that have reported ready (leaving ones included): a count kept so that
    // AllPodsReady is O(services) until every pod could be ready, not O(pods) per PodReady.
    private int _withEndpoint;

    /// <summary>The desired state (null until the API server told it).</summary>
    public MeshTopology? Desired { get; set; }

    /// <summary>Pods known, leaving ones included.</summary>
    public int Count => _pods.Count;

    /// <summary>The pod <paramref name="podId"/>, if known.</summary>
    public PodRecord? Pod(string podId) => _pods.GetValueOrDefault(podId);

    /// <summary>Brings the pods toward the desired state; starts timing when it acted, and records the time once it is reached.</summary>
    public void Reconcile()
    {
        if (Desired is null) return;
        var now = clock.Now;
        var acted = false;
        foreach (var service in Desired.Services)
        {
            for (var i = 0; i < service.Replicas; i++)
            {
                var id = PodId(service.Name, i);
                if (_pods.ContainsKey(id)) continue;
                var zone = Desired.ZoneOf(service, i);
                if (placement.PodNode(zone) is not { } node) continue; // no node can run pods (yet)
                var spec = new PodSpec(id, service, i, Desired.Mesh.HasSidecar(service), zone);
                _pods[id] = new PodRecord(spec, node) { CreatedAt = now };
                node.Pods++;
                owner.StartPod(node, spec);
                if (_rollouts.ContainsKey(service.Name)) owner.CheckProgress(id, now);
                acted = true;
            }
        }
        CancelOutdatedMoves();
        var byService = new Dictionary<string, List<PodRecord>>(StringComparer.Ordinal);
        foreach (var record in _pods.Values)
        {
            if (!IsDesired(record.Spec.PodId))
            {
                if (!record.Leaving)
                {
                    Leave(record);
                    acted = true;
                }
                continue;
            }
            if (!byService.TryGetValue(record.Spec.Service.Name, out var list)) byService[record.Spec.Service.Name] = list = [];
            list.Add(record);
        }
        foreach (var service in Desired.Services)
            if (!MovingBeforeSwap(service.Name)) acted |= RollOut(service, byService.GetValueOrDefault(service.Name) ?? [], now);
        if (acted && _startedAt < 0) _startedAt = now;
        CheckReconciled();
    }

    /// <summary>Takes a pod out of the endpoints at once and stops it after the grace period (as Kubernetes does).</summary>
    private void Leave(PodRecord record)
    {
        record.Leaving = true;
        owner.StopAfterGrace(record.Spec.PodId);
    }

    /// <summary>
    /// A rolling update, one pod at a time (maxUnavailable 1, maxSurge 0): drain the lowest outdated
    /// pod, let it stop, start its replacement with the desired version, wait until it is ready, then
    /// the next. A pod that never got ready needs no draining and goes at once. Returns true when it acted.
    /// </summary>
    private bool RollOut(ServiceSpec service, List<PodRecord> pods, long now)
    {
        PodRecord? next = null;
        var busy = false;
        var outdated = false;
        var acted = false;
        foreach (var r in pods)
        {
            if (r.Leaving)
            {
                busy = true;
                continue;
            }
            if (r.Spec.Service.Version == service.Version && r.Spec.Service.FailsHealthCheck == service.FailsHealthCheck)
            {
                busy |= r.Endpoint is null; // a new pod still starting
                continue;
            }
            outdated = true;
            if (r.Endpoint is null)
            {
                r.Leaving = true;
                owner.StopPod(r.Node, r.Spec.PodId);
                acted = true;
            }
            else if (next is null || r.Spec.Index < next.Spec.Index) next = r;
        }
        _rollouts.TryGetValue(service.Name, out var rollout);
        if (!outdated && next is null)
        {
            if (rollout is not null && !busy)
            {
                stats.Deployments.Add(new DeployRecord(service.Name, rollout.From, rollout.To, rollout.RolledBack ? "rolled back" : "shipped",
                    MeshClock.ToMilliseconds(rollout.StartedAt), MeshClock.ToMilliseconds(now - rollout.StartedAt), rollout.Replaced));
                _rollouts.Remove(service.Name);
            }
            return acted;
        }
        if (rollout is null)
        {
            var from = pods.FirstOrDefault(p => p.Spec.Service.Version != service.Version)?.Spec.Service.Version ?? service.Version;
            _rollouts[service.Name] = rollout = new Rollout(from, service.Version, now);
        }
        if (busy || next is null) return acted;
        Leave(next);
        rollout.Replaced++;
        return true;
    }

    /// <summary>
    /// The progress deadline of the rollout pod <paramref name="podId"/> started at <paramref name="createdAt"/>
    /// has come. When that pod is still not ready, its rollout is marked rolled back and returned (the
    /// owner asks the API server for the rollback); otherwise null.
    /// </summary>
    public Rollout? ProgressDue(string podId, long createdAt)
    {
        if (!_pods.TryGetValue(podId, out var record) || record.CreatedAt != createdAt || record.Endpoint is not null || record.Leaving) return null;
        if (!_rollouts.TryGetValue(record.Spec.Service.Name, out var rollout) || rollout.RolledBack) return null;
        rollout.RolledBack = true;
        return rollout;
    }

    /// <summary>Records the time of the reconciliation under way once every desired pod is ready and none is leaving.</summary>
    public void CheckReconciled()
    {
        if (_startedAt < 0 || !AllPodsReady() || _pods.Values.Any(p => p.Leaving)) return;
        stats.ReconcileMs.Add(MeshClock.ToMilliseconds(clock.Now - _startedAt));
        _startedAt = -1;
    }

    /// <summary>
    /// A pod reported ready from node <paramref name="from"/> (null when the node is unknown). A pod the
    /// control plane did not start is adopted, with the version it runs (after a restart, the running
    /// pods are learned from the nodes); one that already runs on another node is refused.
    /// </summary>
    public PodReadiness PodReady(Endpoint endpoint, NodeSlot? from)
    {
        var id = endpoint.PodId;
        if (ReplacementReady(endpoint, from)) return PodReadiness.Replacement;
        if (!_pods.TryGetValue(id, out var record))
        {
            var service = Desired?.Service(endpoint.Service);
            if (service is null || from is null) return PodReadiness.Refused;
            // It runs the version it was started with, which may not be the desired one (a rollout the restart interrupted).
            record = new PodRecord(new PodSpec(id, service with { Version = endpoint.Version }, endpoint.Index, Desired!.Mesh.HasSidecar(service), endpoint.Zone), from);
            from.Pods++;
            _pods[id] = record;
        }
        // A node given up for lost came back with a pod that now runs elsewhere: one of them is enough.
        else if (from is not null && from != record.Node) return PodReadiness.Refused;
        if (record.Endpoint is null) _withEndpoint++;
        record.Endpoint = endpoint;
        var name = record.Spec.Service.Name;
        return !IsDesired(id) || _rollouts.ContainsKey(name) || record.Spec.Service.Version != Desired?.Service(name)?.Version
            ? PodReadiness.ReadyReconcile
            : PodReadiness.Ready;
    }

    /// <summary>Forgets a pod that stopped or went with its node; true when it was the pod's current record (not a side of a move that the other side replaced).</summary>
    public bool Forget(PodRecord record)
    {
        record.Node.Pods--;
        var current = _pods.TryGetValue(record.Spec.PodId, out var known) && known == record;
        if (current)
        {
            _pods.Remove(record.Spec.PodId);
            if (record.Endpoint is not null) _withEndpoint--;
        }
        MoveEnded(record);
        return current;
    }

    /// <summary>The pods on <paramref name="node"/>, both sides of a move included.</summary>
    public List<PodRecord> PodsOn(NodeSlot node)
    {
        var on = new List<PodRecord>();
        foreach (var p in _pods.Values) if (p.Node == node) on.Add(p);
        AddMovesOn(node, on);
        return on;
    }

    /// <summary>True when every desired pod runs and reported ready.</summary>
    public bool AllPodsReady()
    {
        if (Desired is null) return false;
        // A necessary condition first: at start-up this is called on every PodReady, and the full
        // check below builds an id and looks it up for every desired pod (10,000 pods: 10^8 lookups).
        var desired = 0L;
        foreach (var service in Desired.Services) desired += service.Replicas;
        if (_withEndpoint < desired) return false;
        foreach (var service in Desired.Services)
            for (var i = 0; i < service.Replicas; i++)
                if (!_pods.TryGetValue(PodId(service.Name, i), out var r) || r.Endpoint is null) return false;
        return true;
    }

    /// <summary>The endpoints traffic may go to: every ready pod not leaving, per service, by instance index.</summary>
    public ImmutableDictionary<string, ImmutableArray<Endpoint>> Endpoints()
    {
        var builder = ImmutableDictionary.CreateBuilder<string, ImmutableArray<Endpoint>>(StringComparer.Ordinal);
        foreach (var group in _pods.Values.Where(p => p.Endpoint is not null && !p.Leaving).GroupBy(p => p.Spec.Service.Name))
            builder[group.Key] = [.. group.OrderBy(p => p.Spec.Index).Select(p => p.Endpoint!)];
        return builder.ToImmutable();
    }

    /// <summary>Ready instances per service (not leaving), every desired service listed.</summary>
    public Dictionary<string, int> ReadyInstances()
    {
        var instances = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in Desired?.Services ?? []) instances[s.Name] = 0;
        foreach (var p in _pods.Values)
            if (p.Endpoint is not null && !p.Leaving) instances[p.Spec.Service.Name] = instances.GetValueOrDefault(p.Spec.Service.Name) + 1;
        return instances;
    }

    private bool IsDesired(string podId)
    {
        var dash = podId.LastIndexOf('-');
        return dash > 0 && Desired?.Service(podId[..dash]) is { } s && int.TryParse(podId.AsSpan(dash + 1), out var i) && i < s.Replicas;
    }

    /// <summary>The id of instance <paramref name="index"/> of <paramref name="service"/>, e.g. "orders-1".</summary>
    public static string PodId(string service, int index) => $"{service}-{index}";
}
