using ActorMesh.DataPlane.App;
using ActorMesh.DataPlane.Pod;

namespace ActorMesh.ControlPlane;

/// <summary>
/// The node's agent (kubelet's role): runs the pods and gateways the control plane places on its
/// node and reports them to whichever control plane is attached. It remembers what runs, so a
/// control plane that (re)starts learns the node's state from it; pods and gateways talk to their
/// node agent, never to a control-plane incarnation directly. One per node (ActorSystem).
/// </summary>
internal sealed class NodeAgent : UntypedActor
{
    /// <summary>Pod groups at most: a pod's group is picked by its id (see <see cref="PodGroup"/>). 256.</summary>
    public const int PodGroups = 256;

    private readonly MeshRuntime _runtime;
    // The pods running, each with the group that is its parent (created on demand).
    private readonly Dictionary<string, IActorRef> _pods = new(StringComparer.Ordinal);
    private readonly IActorRef?[] _groups = new IActorRef?[PodGroups];
    private readonly Dictionary<string, IActorRef> _gateways = new(StringComparer.Ordinal);
    // What a (re)attached control plane is told: pod readiness, gateways, extra workloads.
    private readonly Dictionary<string, object> _reports = new(StringComparer.Ordinal);
    private readonly List<PodStatsReport> _finished = [];
    private IActorRef _controlPlane = ActorRefs.Nobody;

    /// <summary>Creates the agent for the node of <paramref name="runtime"/>.</summary>
    public NodeAgent(MeshRuntime runtime) => _runtime = runtime;

    /// <summary>Props for a node agent.</summary>
    public static Props Props(MeshRuntime runtime) => runtime.Place(Akka.Actor.Props.Create(() => new NodeAgent(runtime)));

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => PodGroup.RestartAlways();

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case AttachControlPlane attach:
                _controlPlane = attach.ControlPlane;
                // Service indices in the order of the topology, the same on every node (traces and call graphs carry them).
                foreach (var name in attach.ServiceNames ?? []) _runtime.Services.Of(name);
                foreach (var report in _reports.Values) _controlPlane.Tell(report, Self);
                // Everything this node runs has been told (messages arrive in order): the control plane may reconcile.
                _controlPlane.Tell(new NodeSynced(_runtime.Node), Self);
                break;
            case StartPod start:
                if (_pods.ContainsKey(start.Spec.PodId))
                {
                    // Already running: tell the asking control plane what it may have missed.
                    if (_reports.TryGetValue(PodKey(start.Spec.PodId), out var ready)) _controlPlane.Tell(ready, Self);
                    return;
                }
                var group = GroupOf(start.Spec.PodId);
                group.Tell(new StartPodIn(start.Spec.PodId, Pod.Props(start.Spec, _runtime, Self)));
                _pods[start.Spec.PodId] = group;
                break;
            case StartGateway start:
                if (_gateways.ContainsKey(start.Spec.InstanceName)) return;
                _gateways[start.Spec.InstanceName] = Context.ActorOf(Gateway.Gateway.Props(start.Spec, _runtime, Self), "gateway-" + start.Spec.InstanceName);
                break;
            case Load.StartLoadGenerator load:
                // A zone's share of a load, next to its gateway replica (see Load.ZonalLoad).
                var generator = Context.ActorOf(Load.LoadGenerator.Props(load.Profile, _runtime, load.Targets, load.Requests, load.Share));
                Sender.Tell(new Load.LoadGeneratorStarted(load.Zone, generator), Self);
                break;
            case PodReady ready:
                Report(PodKey(ready.Endpoint.PodId), ready);
                break;
            case GatewayReady gateway:
                Report("gateway/" + gateway.Name, gateway);
                break;
            case RegisterWorkload workload:
                Report("workload/" + workload.Workload, workload);
                break;
            case FetchConfig fetch:
                _controlPlane.Tell(fetch, Self);
                break;
            case StopPod stop:
                if (_pods.TryGetValue(stop.PodId, out var victimGroup)) victimGroup.Tell(stop);
                break;
            case PodStopped stopped:
                OnPodStopped(stopped);
                break;
            case ToPod to:
                if (_pods.ContainsKey(to.PodId)) OnReceive(to.Message);
                break;
            case ForwardToPod forward:
                if (_pods.TryGetValue(forward.PodId, out var targetGroup)) targetGroup.Forward(forward);
                else Sender.Tell(new Status.Failure(new InvalidOperationException($"no pod '{forward.PodId}' on {_runtime.Node}")));
                break;
            case ChangeBehaviour change:
                foreach (var (id, g) in _pods)
                    if (id == PodIdOf(change) || (change.Instance is null && IsOfService(id, change.Service))) g.Tell(new ForwardToPod(id, change));
                break;
            case DataPlane.Network.SetNetworkFault fault:
                if (fault.Active) _runtime.Network.Start(fault.Fault);
                else _runtime.Network.End(fault.Fault);
                break;
            case PodFinished finished:
                _finished.Add(finished.Stats);
                break;
            case GetPods:
                Sender.Tell(new NodePods(_runtime.Node, [.. _pods.Keys.Order(StringComparer.Ordinal)], [.. _finished]));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Report(string key, object report)
    {
        _reports[key] = report;
        _controlPlane.Tell(report, Self);
    }

    /// <summary>The group of pod <paramref name="podId"/>, by a stable hash of the id: the same on every run.</summary>
    private IActorRef GroupOf(string podId)
    {
        var i = (int)(Randomness.RandomSource.StableHash(podId) % PodGroups);
        return _groups[i] ??= Context.ActorOf(PodGroup.Props(_runtime), $"pods-{i}");
    }

    private void OnPodStopped(PodStopped stopped)
    {
        var (podId, actor) = (stopped.PodId, stopped.Pod);
        if (!_pods.Remove(podId)) return;
        _reports.Remove(PodKey(podId));
        // Workloads registered from inside the pod (its sidecars) go with it.
        foreach (var key in _reports.Where(r => r.Value is RegisterWorkload w && w.Target.Path.Parent.Equals(actor.Path)).Select(r => r.Key).ToList())
            _reports.Remove(key);
        var service = podId[..podId.LastIndexOf('-')];
        _controlPlane.Tell(new PodTerminated(podId, service, _runtime.Node), Self);
    }

    private static string PodKey(string podId) => "pod/" + podId;

    private static string? PodIdOf(ChangeBehaviour change) => change.Instance is { } i ? $"{change.Service}-{i}" : null;

    private static bool IsOfService(string podId, string service) =>
        podId.Length > service.Length + 1 && podId.StartsWith(service, StringComparison.Ordinal) && podId[service.Length] == '-'
        && podId.AsSpan(service.Length + 1).IndexOfAnyExceptInRange('0', '9') < 0;
}

/// <summary>
/// A control plane takes charge: the node agent reports everything it runs to it, now and from now on.
/// <paramref name="RunId"/>, <paramref name="Seed"/> and <paramref name="ServiceNames"/> identify the run,
/// so a cluster node serving one run after another starts each with a fresh runtime whose service
/// indices match every other node's.
/// </summary>
internal sealed record AttachControlPlane(IActorRef ControlPlane, long RunId = 0, long Seed = 0, IReadOnlyList<string>? ServiceNames = null) : IMeshMessage;

/// <summary>Node agent → control plane, after an <see cref="AttachControlPlane"/>: every pod and gateway the node runs has been reported.</summary>
internal sealed record NodeSynced(string Node) : IMeshMessage;

/// <summary>Delivers <paramref name="Message"/> to pod <paramref name="PodId"/> on this node.</summary>
internal sealed record ForwardToPod(string PodId, object Message) : IMeshMessage;

/// <summary>Ask a node agent which pods it runs.</summary>
internal sealed class GetPods : Signal<GetPods>, IMeshMessage;

/// <summary>The pods a node runs, and the final counters of those that stopped (killed, replaced, scaled away).</summary>
internal sealed record NodePods(string Node, IReadOnlyList<string> PodIds, IReadOnlyList<PodStatsReport> Stopped) : IMeshMessage;
