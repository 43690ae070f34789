namespace ActorMesh.ControlPlane;

/// <summary>A node the control plane places pods (or gateways) on, with how many pods it runs.</summary>
internal sealed class NodeSlot(RegisterNode node)
{
    public string Name { get; } = node.Node;
    public IActorRef Agent { get; } = node.Agent;
    public NodeRoles Roles { get; } = node.Roles;
    /// <summary>Pods the control plane counts on this node (kept by the <see cref="Reconciler"/>).</summary>
    public int Pods { get; set; }
}

/// <summary>
/// Where things run: the nodes that are up, which gateway is placed on which node, which zone on which
/// node, and which gateways have reported ready. A new pod without a zone goes to the pod node running the
/// fewest pods; a pod with a zone goes to its zone's node, and a zone is mapped, when its first pod is
/// placed, to the pod node hosting the fewest zones (then the fewest pods), so that each node hosts one
/// or more whole zones and locality keeps calls on their node. Gateways go to the edge (the first node
/// with the gateways role), or to a pod node when no node has that role; the replicas of a gateway per
/// zone go to their zones' nodes.
/// </summary>
internal sealed partial class Placement
{
    private readonly List<NodeSlot> _nodes = [];
    private readonly SortedDictionary<string, NodeSlot> _zoneNodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeSlot> _gatewayNodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _readyGateways = new(StringComparer.Ordinal);

    /// <summary>The nodes that are up, in the order they joined.</summary>
    public IReadOnlyList<NodeSlot> Nodes => _nodes;

    /// <summary>The gateways that reported ready, by name.</summary>
    public IReadOnlyDictionary<string, IActorRef> ReadyGateways => _readyGateways;

    /// <summary>The node each zone's pods are placed on, by zone name (zones whose pods were placed).</summary>
    public SortedDictionary<string, string> ZoneNodes()
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (zone, node) in _zoneNodes) map[zone] = node.Name;
        return map;
    }

    /// <summary>The node named <paramref name="name"/>, if it is up.</summary>
    public NodeSlot? Find(string name) => _nodes.Find(n => n.Name == name);

    /// <summary>Adds a node that joined.</summary>
    public NodeSlot Add(RegisterNode node)
    {
        var slot = new NodeSlot(node);
        _nodes.Add(slot);
        return slot;
    }

    /// <summary>Removes a lost node; returns the names of the gateways that ran on it (they are placed again on the next <see cref="PlaceGateways"/>).</summary>
    public List<string> Remove(NodeSlot slot)
    {
        _nodes.Remove(slot);
        // Its zones are mapped again when their next pod is placed.
        foreach (var zone in _zoneNodes.Where(z => z.Value == slot).Select(z => z.Key).ToList()) _zoneNodes.Remove(zone);
        var gone = new List<string>();
        foreach (var (name, node) in _gatewayNodes)
            if (node == slot) gone.Add(name);
        foreach (var name in gone)
        {
            _gatewayNodes.Remove(name);
            _readyGateways.Remove(name);
        }
        return gone;
    }

    /// <summary>
    /// The node for a new pod in <paramref name="zone"/>: its zone's node, mapping the zone first when it has
    /// none (see the class); without a zone, the one with the fewest pods among those that run pods (the first
    /// such on a tie). Null when no node can run pods.
    /// </summary>
    public NodeSlot? PodNode(string? zone = null)
    {
        if (zone is null) return LeastPods();
        if (_zoneNodes.TryGetValue(zone, out var mapped)) return mapped;
        NodeSlot? best = null;
        var bestZones = 0;
        foreach (var n in _nodes)
        {
            if ((n.Roles & NodeRoles.Pods) == 0) continue;
            var zones = 0;
            foreach (var z in _zoneNodes.Values) if (z == n) zones++;
            if (best is null || zones < bestZones || (zones == bestZones && n.Pods < best.Pods)) (best, bestZones) = (n, zones);
        }
        if (best is not null) _zoneNodes[zone] = best;
        return best;
    }

    private NodeSlot? LeastPods()
    {
        NodeSlot? best = null;
        foreach (var n in _nodes)
            if ((n.Roles & NodeRoles.Pods) != 0 && (best is null || n.Pods < best.Pods)) best = n;
        return best;
    }

    /// <summary>
    /// Places every gateway instance of <paramref name="gateways"/> (see <see cref="GatewaySpec.Instances"/>) not yet
    /// placed, by <see cref="GatewaySpec.InstanceName"/>; returns where each new one is to start. A replica of a gateway
    /// per zone goes to its zone's node (as its zone's pods: <see cref="PodNode"/>), any other gateway to the edge.
    /// </summary>
    public List<(NodeSlot Node, GatewaySpec Gateway)> PlaceGateways(IEnumerable<GatewaySpec> gateways)
    {
        var placed = new List<(NodeSlot, GatewaySpec)>();
        var edge = _nodes.Find(n => (n.Roles & NodeRoles.Gateways) != 0) ?? LeastPods();
        foreach (var g in gateways)
        {
            if (_gatewayNodes.ContainsKey(g.InstanceName)) continue;
            var node = g.PerZone ? PodNode(g.Zone) : edge;
            if (node is not null && _gatewayNodes.TryAdd(g.InstanceName, node)) placed.Add((node, g));
        }
        return placed;
    }

    /// <summary>A gateway reported ready at <paramref name="address"/>.</summary>
    public void GatewayReady(string name, IActorRef address) => _readyGateways[name] = address;

    /// <summary>The node an agent's message came from (its agent, or a child of it, lives at the node's address).</summary>
    public NodeSlot? SlotOf(IActorRef sender)
    {
        if (_nodes.Count == 1) return _nodes[0];
        var address = sender.Path.Address;
        foreach (var n in _nodes) if (n.Agent.Path.Address.Equals(address)) return n;
        return null;
    }
}
