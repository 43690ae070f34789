namespace ActorMesh.ControlPlane;

/// <summary>
/// A pod moving to another node, make-before-break: <see cref="To"/> starts, and once it is ready and has
/// acknowledged the current config it takes <see cref="From"/>'s place in the endpoints; then From drains and stops.
/// </summary>
internal sealed class PodMove(PodRecord from, PodRecord to, Rebalancing rebalance)
{
    public PodRecord From { get; } = from;
    public PodRecord To { get; } = to;
    public Rebalancing Rebalance { get; } = rebalance;
    /// <summary>True once <see cref="To"/> was ready and took From's place.</summary>
    public bool Swapped { get; set; }
}

/// <summary>One rebalance under way: the moves a node's join started, and those done.</summary>
internal sealed class Rebalancing(string node, long startedAt, List<string> zones)
{
    public string Node { get; } = node;
    public long StartedAt { get; } = startedAt;
    public List<string> Zones { get; } = zones;
    public List<PodMoveRecord> Moves { get; } = [];
    public int Pending { get; set; }
}

/// <summary>Rebalancing: pods moving to a node that joined (see <see cref="Placement.Rebalance"/>).</summary>
internal sealed partial class Reconciler
{
    // Pods moving, by pod id; the record in _pods is From until the swap, To after it.
    private readonly Dictionary<string, PodMove> _moves = new(StringComparer.Ordinal);

    /// <summary>Pods moving now.</summary>
    public int Moving => _moves.Count;

    /// <summary>
    /// Node <paramref name="joined"/> came while pods run: moves its share of them to it, as placement decides.
    /// Each move starts the replacement on <paramref name="joined"/> first; the old pod leaves once the
    /// replacement is ready (<see cref="PodReady"/>). Pods of a service in a rollout stay where they are.
    /// Returns the rebalance under way, or null when the node runs no pods or none run yet.
    /// </summary>
    public Rebalancing? Rebalance(NodeSlot joined)
    {
        if (_pods.Count == 0 || (joined.Roles & NodeRoles.Pods) == 0) return null;
        var candidates = new List<PodRecord>();
        foreach (var p in _pods.Values)
            if (!p.Leaving && !_moves.ContainsKey(p.Spec.PodId) && !_rollouts.ContainsKey(p.Spec.Service.Name) && p.Node != joined) candidates.Add(p);
        var (zones, pods) = placement.Rebalance(joined, candidates);
        var now = clock.Now;
        var rebalance = new Rebalancing(joined.Name, now, zones);
        foreach (var from in pods)
        {
            var to = new PodRecord(from.Spec, joined) { CreatedAt = now };
            joined.Pods++;
            _moves[from.Spec.PodId] = new PodMove(from, to, rebalance);
            rebalance.Pending++;
            owner.StartPod(joined, from.Spec);
            // A pod not ready yet serves nothing: it goes at once, its replacement takes its place when ready.
            if (from.Endpoint is null)
            {
                from.Leaving = true;
                owner.StopPod(from.Node, from.Spec.PodId);
            }
        }
        if (rebalance.Pending == 0) Finish(rebalance);
        return rebalance;
    }

    /// <summary>The pod <paramref name="podId"/> that runs on node <paramref name="node"/>: the current one, or either side of its move.</summary>
    public PodRecord? Pod(string podId, string node)
    {
        if (_pods.TryGetValue(podId, out var record) && record.Node.Name == node) return record;
        if (!_moves.TryGetValue(podId, out var move)) return null;
        return move.From.Node.Name == node ? move.From : move.To.Node.Name == node ? move.To : null;
    }

    /// <summary>A moving pod's replacement reported ready from its node (it takes no traffic until <see cref="ReplacementConfigured"/>). False when <paramref name="endpoint"/> is no such replacement.</summary>
    private bool ReplacementReady(Endpoint endpoint, NodeSlot? from)
    {
        if (!_moves.TryGetValue(endpoint.PodId, out var move) || move.Swapped || from != move.To.Node) return false;
        move.To.Endpoint = endpoint;
        return true;
    }

    /// <summary>
    /// The ready replacement of moving pod <paramref name="podId"/> has acknowledged its config: it takes the old
    /// pod's place in the endpoints, and the old pod drains (stops after the grace period, serving what callers
    /// with the previous config still send it). False when there is no such replacement, or it was not ready.
    /// </summary>
    public bool ReplacementConfigured(string podId)
    {
        if (!_moves.TryGetValue(podId, out var move) || move.Swapped || move.To.Endpoint is null || move.To.Leaving) return false;
        var old = move.From;
        move.Swapped = true;
        _pods[podId] = move.To;
        if (old.Endpoint is null) _withEndpoint++;
        if (!old.Leaving)
        {
            old.Leaving = true;
            owner.StopAfterGrace(podId, old.Node);
        }
        return true;
    }

    /// <summary>Gives up moving <paramref name="podId"/> before its replacement took over (it refused the config): the replacement stops, the old pod stays.</summary>
    public void CancelMove(string podId)
    {
        if (_moves.TryGetValue(podId, out var move)) Cancel(move);
    }

    /// <summary>A pod of a move stopped (<see cref="Forget"/>): the move is done when its old pod did, given up when its replacement did first.</summary>
    private void MoveEnded(PodRecord record)
    {
        var id = record.Spec.PodId;
        if (!_moves.TryGetValue(id, out var move) || (record != move.From && record != move.To)) return;
        _moves.Remove(id);
        // The old pod went before its replacement was ready (killed, or it was not ready yet): the replacement is the pod now.
        if (record == move.From && !move.Swapped)
        {
            _pods[id] = move.To;
            if (move.To.Endpoint is not null) _withEndpoint++;
        }
        var moved = record == move.From || move.Swapped;
        var rebalance = move.Rebalance;
        rebalance.Moves.Add(new PodMoveRecord(id, move.From.Spec.Zone, move.From.Node.Name, move.To.Node.Name, moved ? "moved" : "cancelled"));
        if (--rebalance.Pending == 0) Finish(rebalance);
    }

    /// <summary>Moves whose pod is no longer wanted as it was (scaled away, a new version) give up: the replacement stops, the old pod stays to be reconciled.</summary>
    private void CancelOutdatedMoves()
    {
        foreach (var (id, move) in _moves)
        {
            if (move.Swapped || move.To.Leaving) continue;
            if (IsDesired(id) && Desired!.Service(move.To.Spec.Service.Name) is { } s && s.Version == move.To.Spec.Service.Version) continue;
            Cancel(move);
        }
    }

    private void Cancel(PodMove move)
    {
        if (move.Swapped || move.To.Leaving) return;
        move.To.Leaving = true;
        owner.StopPod(move.To.Node, move.To.Spec.PodId);
    }

    /// <summary>True while a pod of <paramref name="service"/> moves and its replacement is not ready yet.</summary>
    private bool MovingBeforeSwap(string service)
    {
        foreach (var move in _moves.Values) if (!move.Swapped && move.From.Spec.Service.Name == service) return true;
        return false;
    }

    /// <summary>When the load started on this control plane's clock (from the API server's <see cref="LoadClock"/>); null before it has.</summary>
    public long? LoadStartedAt { get; set; }

    // Dated from the load's start here, on this clock: the record then reads the same on any node, whose clocks differ.
    private void Finish(Rebalancing rebalance) =>
        stats.Rebalances.Add(new RebalanceRecord(rebalance.Node, Math.Round(MeshClock.ToMilliseconds(rebalance.StartedAt), 3), Math.Round(MeshClock.ToMilliseconds(clock.Now - rebalance.StartedAt), 3),
            [.. rebalance.Zones], [.. rebalance.Moves])
        {
            AtSeconds = LoadStartedAt is { } loadStart ? Math.Round(MeshClock.ToMilliseconds(rebalance.StartedAt - loadStart) / 1000, 3) : null,
        });

    /// <summary>The records of moves on <paramref name="node"/> that are not the current pod (the current ones are in <c>_pods</c>).</summary>
    private void AddMovesOn(NodeSlot node, List<PodRecord> on)
    {
        foreach (var (id, move) in _moves)
        {
            var current = _pods.GetValueOrDefault(id);
            if (move.From.Node == node && move.From != current) on.Add(move.From);
            if (move.To.Node == node && move.To != current) on.Add(move.To);
        }
    }
}
