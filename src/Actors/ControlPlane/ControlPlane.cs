using System.Collections.Immutable;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Actor;
using Akka.Event;

namespace ActorMesh.ControlPlane;

/// <summary>Control-plane timer: push the pending changes.</summary>
internal sealed class PushDue : INoSerializationVerificationNeeded, IDeadLetterSuppression
{
    public static readonly PushDue Instance = new();
    private PushDue() { }
}

/// <summary>
/// The control plane (istiod's role). It holds the desired state (services with replicas and
/// versions, policies, gateways), places pods and gateways on node agents, keeps the endpoint
/// registry from what is actually ready, and pushes versioned snapshots to every sidecar and
/// gateway, counting ACKs and NACKs and the time until a push has converged. The data plane never
/// asks it anything per request.
/// </summary>
public sealed class ControlPlane : UntypedActor
{
    private readonly MeshRuntime _runtime;
    private readonly ControlPlaneOptions _options;
    private readonly IReadOnlyList<IActorRef> _nodes;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private MeshTopology _desired;
    private readonly Dictionary<string, PodRecord> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _workloads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _gateways = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _readyWaiters = [];
    private readonly HashSet<string> _awaitingAnswer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _answered = new(StringComparer.Ordinal);
    private readonly List<double> _convergenceMs = [];
    private ConfigSnapshot? _snapshot;
    private long _version;
    private long _pushes, _acks, _nacks;
    private long _pushStartedAt;
    private bool _pushScheduled;
    private bool _dirty;
    private string? _lastNack;
    private int _placement;

    /// <summary>Creates the control plane for <paramref name="desired"/>, placing pods on <paramref name="nodes"/>.</summary>
    public ControlPlane(MeshTopology desired, MeshRuntime runtime, IReadOnlyList<IActorRef> nodes, ControlPlaneOptions? options = null)
    {
        _desired = desired;
        _runtime = runtime;
        _nodes = nodes;
        _options = options ?? new ControlPlaneOptions();
    }

    /// <summary>Props for a control plane.</summary>
    public static Props Props(MeshTopology desired, MeshRuntime runtime, IReadOnlyList<IActorRef> nodes, ControlPlaneOptions? options = null) =>
        runtime.Place(Akka.Actor.Props.Create(() => new ControlPlane(desired, runtime, nodes, options)));

    /// <inheritdoc />
    protected override void PreStart()
    {
        foreach (var g in _desired.Gateways) Node(_placement++).Tell(new StartGateway(g, Self));
        Reconcile();
    }

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PodReady ready: OnPodReady(ready); break;
            case PodTerminated gone: OnPodTerminated(gone); break;
            case GatewayReady gateway: OnGatewayReady(gateway); break;
            case RegisterWorkload register: Subscribe(register.Workload, register.Target); break;
            case ConfigAck ack: OnAnswer(ack.Version, ack.Workload, nack: null); break;
            case ConfigNack nack: OnAnswer(nack.Version, nack.Workload, nack.Reason); break;
            case PushDue: _pushScheduled = false; Push(); break;
            case AwaitReady: _readyWaiters.Add(Sender); CheckReady(); break;
            case GetGateways: Sender.Tell(new Gateways(new Dictionary<string, IActorRef>(_gateways))); break;
            case GetControlPlaneStatus: Sender.Tell(Status()); break;
            default: Unhandled(message); break;
        }
    }

    // ---- reconciliation ----------------------------------------------------------------------

    private void Reconcile()
    {
        foreach (var service in _desired.Services)
        {
            for (var i = 0; i < service.Replicas; i++)
            {
                var id = PodId(service.Name, i);
                if (_pods.ContainsKey(id)) continue;
                var spec = new PodSpec(id, service, i, _desired.Mesh.HasSidecar(service));
                var node = Node(_placement++);
                _pods[id] = new PodRecord(spec, node);
                node.Tell(new StartPod(spec, Self));
            }
        }
    }

    private static string PodId(string service, int index) => $"{service}-{index}";

    private IActorRef Node(int i) => _nodes[i % _nodes.Count];

    private void OnPodReady(PodReady ready)
    {
        var id = ready.Endpoint.PodId;
        if (!_pods.TryGetValue(id, out var record)) return;
        record.Endpoint = ready.Endpoint;
        Subscribe(id, ready.ConfigTarget);
        Changed();
    }

    private void OnPodTerminated(PodTerminated gone)
    {
        if (!_pods.Remove(gone.PodId, out var record)) return;
        _workloads.Remove(gone.PodId);
        _answered.Remove(gone.PodId);
        if (_awaitingAnswer.Remove(gone.PodId)) CheckConverged();
        if (record.Endpoint is not null) Changed();
    }

    private void OnGatewayReady(GatewayReady gateway)
    {
        _gateways[gateway.Name] = gateway.Gateway;
        Subscribe(gateway.Name, gateway.Gateway);
        CheckReady();
    }

    // ---- pushes ------------------------------------------------------------------------------

    private void Subscribe(string workload, IActorRef target)
    {
        _workloads[workload] = target;
        // A new workload fetches the current config at once (xDS's initial request).
        if (_snapshot is not null) target.Tell(new ConfigPush(_snapshot), Self);
    }

    private void Changed()
    {
        _dirty = true;
        if (_snapshot is null)
        {
            // Initial sync: the first version goes out as soon as every desired pod is up.
            if (AllPodsReady()) Push();
            return;
        }
        if (_pushScheduled) return;
        _pushScheduled = true;
        _runtime.Clock.Schedule(_options.PushDebounce.Ticks, Self, PushDue.Instance, Self);
    }

    private void Push()
    {
        if (!_dirty && _snapshot is not null) return;
        _dirty = false;
        _snapshot = new ConfigSnapshot(++_version, _desired, Endpoints());
        _pushes++;
        _pushStartedAt = _runtime.Clock.Now;
        _awaitingAnswer.Clear();
        var push = new ConfigPush(_snapshot);
        foreach (var (workload, target) in _workloads)
        {
            _awaitingAnswer.Add(workload);
            target.Tell(push, Self);
        }
        CheckConverged();
    }

    private ImmutableDictionary<string, ImmutableArray<Endpoint>> Endpoints()
    {
        var builder = ImmutableDictionary.CreateBuilder<string, ImmutableArray<Endpoint>>(StringComparer.Ordinal);
        foreach (var group in _pods.Values.Where(p => p.Endpoint is not null).GroupBy(p => p.Spec.Service.Name))
            builder[group.Key] = [.. group.OrderBy(p => p.Spec.Index).Select(p => p.Endpoint!)];
        return builder.ToImmutable();
    }

    private void OnAnswer(long version, string workload, string? nack)
    {
        if (nack is null) _acks++;
        else
        {
            _nacks++;
            _lastNack = $"{workload} rejected v{version}: {nack}";
            _log.Warning("Config v{0} NACKed by {1}: {2}", version, workload, nack);
        }
        if (_workloads.ContainsKey(workload) && version > _answered.GetValueOrDefault(workload)) _answered[workload] = version;
        if (version == _version && _awaitingAnswer.Remove(workload)) CheckConverged();
        else if (version == _version) CheckReady();
    }

    private void CheckConverged()
    {
        if (_snapshot is null || _awaitingAnswer.Count > 0 || _pushStartedAt < 0) return;
        _convergenceMs.Add(MeshClock.ToMilliseconds(_runtime.Clock.Now - _pushStartedAt));
        _pushStartedAt = -1;
        CheckReady();
    }

    private bool AllPodsReady()
    {
        foreach (var service in _desired.Services)
            for (var i = 0; i < service.Replicas; i++)
                if (!_pods.TryGetValue(PodId(service.Name, i), out var r) || r.Endpoint is null) return false;
        return true;
    }

    private void CheckReady()
    {
        if (_readyWaiters.Count == 0 || _snapshot is null || _awaitingAnswer.Count > 0 || _dirty) return;
        if (!AllPodsReady() || _gateways.Count < _desired.Gateways.Length) return;
        foreach (var workload in _workloads.Keys)
            if (_answered.GetValueOrDefault(workload) < _version) return;
        var ready = new MeshReady(_version, _pods.Count, new Dictionary<string, IActorRef>(_gateways));
        foreach (var w in _readyWaiters) w.Tell(ready, Self);
        _readyWaiters.Clear();
    }

    private ControlPlaneStatus Status()
    {
        var instances = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in _desired.Services) instances[s.Name] = 0;
        foreach (var p in _pods.Values) if (p.Endpoint is not null) instances[p.Spec.Service.Name] = instances.GetValueOrDefault(p.Spec.Service.Name) + 1;
        return new ControlPlaneStatus(_version, _pushes, _acks, _nacks, [.. _convergenceMs], instances, _lastNack);
    }

    private sealed class PodRecord(PodSpec spec, IActorRef node)
    {
        public PodSpec Spec { get; } = spec;
        public IActorRef Node { get; } = node;
        public Endpoint? Endpoint { get; set; }
    }
}
