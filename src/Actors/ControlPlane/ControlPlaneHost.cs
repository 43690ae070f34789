using ActorMesh.Hosting;
using Akka.Event;

namespace ActorMesh.ControlPlane;

/// <summary>Stop the control plane (an outage): the data plane keeps running on its last config.</summary>
internal sealed class StopControlPlane : Signal<StopControlPlane>, IMeshMessage;

/// <summary>Start the control plane again after an outage.</summary>
internal sealed class StartControlPlane : Signal<StartControlPlane>, IMeshMessage;

/// <summary>
/// Where the control plane lives: it runs control-plane incarnations one at a time and answers for
/// the control plane while it is down (status from the API server's ledger, which keeps the counters
/// and outages of every incarnation; readiness questions wait for the next incarnation). It is also the registry of
/// nodes: it routes pod commands to whichever node runs the pod and tells the control plane when a
/// node joins or is lost. On one node it is a child of the mesh's host, with the API server and the
/// node given; on a cluster it is the cluster singleton (so it moves when its node dies) and learns
/// both from registrations: nodes and the edge register every second, and a
/// <see cref="Clustering.ClusterMembershipWatcher"/> reports members that became unreachable or left.
/// </summary>
internal sealed class ControlPlaneHost : UntypedActor
{
    private readonly MeshRuntime _runtime;
    private readonly ControlPlaneOptions? _options;
    private readonly bool _clustered;
    private readonly List<RegisterNode> _nodes = [];
    private readonly HashSet<string> _lost = new(StringComparer.Ordinal);
    private readonly List<(IActorRef Asker, object Question)> _waiting = [];
    private IActorRef _apiServer;
    private IActorRef _controlPlane = ActorRefs.Nobody;
    private int _incarnation;
    private bool _stopped;

    public ControlPlaneHost(IActorRef apiServer, IReadOnlyList<RegisterNode> nodes, MeshRuntime runtime, ControlPlaneOptions? options, bool clustered)
    {
        _apiServer = apiServer;
        _nodes.AddRange(nodes);
        _runtime = runtime;
        _options = options;
        _clustered = clustered;
    }

    /// <summary>Props for one node: the API server and the node are known from the start.</summary>
    public static Props Props(IActorRef apiServer, IReadOnlyList<RegisterNode> nodes, MeshRuntime runtime, ControlPlaneOptions? options) =>
        runtime.Place(Akka.Actor.Props.Create(() => new ControlPlaneHost(apiServer, nodes, runtime, options, false)));

    /// <summary>Props for the cluster singleton: nodes and the edge register themselves.</summary>
    public static Props ClusterProps(MeshRuntime runtime, ControlPlaneOptions? options) =>
        runtime.Place(Akka.Actor.Props.Create(() => new ControlPlaneHost(ActorRefs.Nobody, Array.Empty<RegisterNode>(), runtime, options, true)));

    protected override void PreStart()
    {
        if (_clustered) Context.ActorOf(Clustering.ClusterMembershipWatcher.Props(), "members");
        else Start();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StopControlPlane:
                _stopped = true;
                if (_controlPlane.IsNobody()) return;
                Context.Stop(_controlPlane);
                _controlPlane = ActorRefs.Nobody;
                break;
            case StartControlPlane:
                _stopped = false;
                TryStart();
                break;
            case RegisterNode node:
                OnRegister(node);
                break;
            case RegisterEdge edge:
                OnEdge(edge);
                break;
            case Clustering.MemberGone gone:
                foreach (var n in _nodes.Where(n => n.Agent.Path.Address.Equals(gone.Address) && !_lost.Contains(n.Node)).ToList())
                    OnLost(new NodeLost(n.Node, gone.Reason));
                break;
            case NodeLost lost:
                OnLost(lost);
                break;
            case GetNodes:
                Sender.Tell(new MeshNodes([.. _nodes.Select(n => new NodeInfo(n.Node, n.Agent, n.Roles, !_lost.Contains(n.Node)))]));
                break;
            case ToPod or ToAllNodes:
                var payload = message is ToAllNodes all ? all.Message : message;
                foreach (var n in _nodes) if (!_lost.Contains(n.Node)) n.Agent.Forward(payload);
                break;
            case CrashNode crash:
                if (_nodes.Find(n => n.Node == crash.Node && !_lost.Contains(n.Node)) is { } victim) victim.Agent.Tell(crash);
                else Context.GetLogger().Warning("crashNode: no node named '{0}' is up; the nodes up are {1}", crash.Node,
                    string.Join(", ", _nodes.Where(n => !_lost.Contains(n.Node) && (n.Roles & NodeRoles.Pods) != 0).Select(n => n.Node)));
                break;
            case GetControlPlaneStatus when _controlPlane.IsNobody() && _apiServer.IsNobody():
                Sender.Tell(ControlPlaneStatus.From(new ControlPlaneStats(), up: false, 0));
                break;
            case GetControlPlaneStatus when _controlPlane.IsNobody():
                // No control plane: the API server's ledger has every counter and the outage so far.
                _apiServer.Forward(message);
                break;
            case AwaitReady or GetGateways when _controlPlane.IsNobody():
                _waiting.Add((Sender, message));
                break;
            default:
                if (!_controlPlane.TryForward(message)) Unhandled(message);
                break;
        }
    }

    private void OnRegister(RegisterNode node)
    {
        var at = _nodes.FindIndex(n => n.Node == node.Node);
        if (at >= 0 && _nodes[at].Agent.Equals(node.Agent) && !_lost.Contains(node.Node)) return;
        if (at >= 0) _nodes.RemoveAt(at);
        _lost.Remove(node.Node);
        _nodes.Add(node);
        if (!_controlPlane.IsNobody()) _controlPlane.Tell(node);
        else TryStart();
    }

    /// <summary>A (new) edge drives a run: a new API server means a new run, with fresh counters.</summary>
    private void OnEdge(RegisterEdge edge)
    {
        if (_apiServer.Equals(edge.ApiServer)) return;
        if (!_controlPlane.IsNobody()) Context.Stop(_controlPlane);
        _controlPlane = ActorRefs.Nobody;
        _apiServer = edge.ApiServer;
        _stopped = false;
        TryStart();
    }

    private void OnLost(NodeLost lost)
    {
        if (!_lost.Add(lost.Node)) return;
        if (!_controlPlane.IsNobody()) _controlPlane.Tell(lost);
        // The edge left: its run is over. Wait for the next one.
        if (_nodes.Find(n => n.Node == lost.Node) is { } node && node.Agent.Path.Address.Equals(_apiServer.Path.Address) && _clustered)
        {
            if (!_controlPlane.IsNobody()) Context.Stop(_controlPlane);
            _controlPlane = ActorRefs.Nobody;
            _apiServer = ActorRefs.Nobody;
        }
    }

    /// <summary>
    /// Starts an incarnation once there is something to run: on a cluster, an edge with its API
    /// server, and a registration from every node that is up with the pods role (so the first
    /// placement spreads over all of them).
    /// </summary>
    private void TryStart()
    {
        if (!_controlPlane.IsNobody() || _stopped || _apiServer.IsNobody()) return;
        if (_clustered && Clustering.ClusterMembershipWatcher.PodNodesUp(Context.System) > _nodes.Count(n => !_lost.Contains(n.Node) && (n.Roles & NodeRoles.Pods) != 0)) return;
        Start();
    }

    private void Start()
    {
        var nodes = _nodes.Where(n => !_lost.Contains(n.Node)).ToList();
        // Every incarnation starts from the API server's ledger, on one node as on a cluster where the singleton moved.
        _controlPlane = Context.ActorOf(ControlPlane.Props(_apiServer, nodes, _runtime, new ControlPlaneStats(), _options), $"control-plane-{++_incarnation}");
        foreach (var (asker, question) in _waiting) _controlPlane.Tell(question, asker);
        _waiting.Clear();
    }
}
