using Akka.Event;

namespace ActorMesh.ControlPlane;

/// <summary>The control plane's side of rebalancing: nodes that joined take their share of the pods, each replacement configured before it takes traffic.</summary>
internal sealed partial class ControlPlane
{
    // Nodes that joined while this incarnation ran: once they have told what they run, they take their share of the pods.
    private readonly List<string> _joiners = [];
    // Ready replacements of moving pods that have not acknowledged their config yet: where their config goes, by pod id.
    private readonly Dictionary<string, IActorRef> _replacements = new(StringComparer.Ordinal);

    /// <summary>Every node that joined and has told what it runs takes its share of the pods (see <see cref="Placement.Rebalance"/>).</summary>
    private void Rebalance()
    {
        foreach (var name in _joiners)
            if (_placement.Find(name) is { } joined && _reconciler.Rebalance(joined) is { } rebalance)
                _log.Info("Node {0} joined: moving {1} pods to it (zones: {2})", name, rebalance.Pending, string.Join(", ", rebalance.Zones));
        _joiners.Clear();
    }

    /// <summary>
    /// A moving pod's replacement is ready: it gets the current config first (as a new Envoy fetches its
    /// listeners before it passes its readiness check), and takes the old pod's place once it has acknowledged it.
    /// </summary>
    private void ReplacementReady(PodReady ready)
    {
        var podId = ready.Endpoint.PodId;
        if (_config.Snapshot is not { } snapshot)
        {
            Configured(podId, ready.ConfigTarget);
            return;
        }
        _replacements[podId] = ready.ConfigTarget;
        _runtime.Network.Send(snapshot.Topology.Network.Latency, _random, ready.ConfigTarget, new ConfigPush(snapshot), Self);
    }

    /// <summary>A workload answered a push: when it is a replacement waiting for its config, it takes over (an ACK) or its move is given up (a NACK: it has no config to serve with).</summary>
    private void ReplacementAnswered(string workload, bool refused)
    {
        if (_replacements.Count == 0 || !_replacements.TryGetValue(workload, out var target) || !target.Equals(Sender)) return;
        _replacements.Remove(workload);
        if (refused) _reconciler.CancelMove(workload);
        else Configured(workload, target);
    }

    private void Configured(string podId, IActorRef target)
    {
        if (!_reconciler.ReplacementConfigured(podId)) return;
        // The replacement's sidecar gets the pushes from now on; the old pod keeps its last config while it drains.
        Subscribe(podId, target);
        _reconciler.Reconcile();
        Changed();
    }

    /// <summary>The old side of a move went before its ready replacement took over: the replacement is the pod now, and gets the pushes.</summary>
    private void ReplacementPromoted(string podId)
    {
        if (_replacements.Remove(podId, out var target) && _reconciler.Pod(podId) is { Endpoint: not null }) Subscribe(podId, target);
    }
}
