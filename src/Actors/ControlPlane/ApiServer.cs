namespace ActorMesh.ControlPlane;

/// <summary>Watch the desired state: the answer is a <see cref="DesiredState"/> now and after every change.</summary>
internal sealed class WatchDesiredState : Signal<WatchDesiredState>, IMeshMessage;

/// <summary>
/// The desired state at <paramref name="Generation"/>, the last config version any control plane
/// pushed, and the control plane's counters as every incarnation sent them (<see cref="LedgerDelta"/>),
/// with the outages so far: a control plane that restarted or moved to another node goes on from them.
/// </summary>
internal sealed record DesiredState(MeshTopology Topology, long Generation, long LastPushedVersion, ControlPlaneStatus? Checkpoint = null) : IMeshMessage;

/// <summary>
/// API server → control plane: the load started <paramref name="StartedMsAgo"/> ms ago (on the API server's clock,
/// as it sent this). Clocks are per process: a control plane on another node dates its records from the load's
/// start with its own clock's now minus this, to within the delay of this one message.
/// </summary>
internal sealed record LoadClock(double StartedMsAgo) : IMeshMessage;

/// <summary>Change the desired state (a scale, a policy push, ...); answered with <see cref="ChangeAccepted"/> or <see cref="ChangeRejected"/>.</summary>
internal sealed record ChangeDesiredState(TimelineEvent Change) : IMeshMessage;

/// <summary>The change is stored as <paramref name="Generation"/>.</summary>
internal sealed record ChangeAccepted(long Generation) : IMeshMessage;

/// <summary>The change was refused (it names something that does not exist).</summary>
internal sealed record ChangeRejected(string Reason) : IMeshMessage;

/// <summary>
/// The cluster's API server (Kubernetes' role, with etcd behind it): the desired state, which
/// outlives the control plane. Changes asked for while the control plane is down are stored here
/// and reach the data plane once a control plane watches again. It also keeps the control plane's
/// ledger (<see cref="ControlPlaneLedger"/>): its counters and its outages outlive every incarnation,
/// and it answers <see cref="GetControlPlaneStatus"/> from them while no control plane runs.
/// </summary>
internal sealed class ApiServer : UntypedActor
{
    private readonly List<IActorRef> _watchers = [];
    // What each service ran before its last deploy, for rollbacks.
    private readonly Dictionary<string, ServiceSpec> _beforeDeploy = new(StringComparer.Ordinal);
    private MeshTopology _desired;
    private long _generation = 1;
    private readonly ControlPlaneLedger _ledger;
    private readonly Time.MeshClock _clock;
    // When the load started (this clock), once it has.
    private long? _loadStartedAt;

    /// <summary>Starts with <paramref name="desired"/>; outages are timed on <paramref name="clock"/>.</summary>
    public ApiServer(MeshTopology desired, Time.MeshClock clock)
    {
        _desired = desired;
        _clock = clock;
        _ledger = new ControlPlaneLedger(clock);
    }

    /// <summary>Props for the API server.</summary>
    public static Props Props(MeshTopology desired, MeshRuntime runtime) => runtime.Place(Akka.Actor.Props.Create(() => new ApiServer(desired, runtime.Clock)));

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WatchDesiredState:
                if (!_watchers.Contains(Sender))
                {
                    _watchers.Add(Sender);
                    Context.Watch(Sender);
                }
                _ledger.Watching(Sender);
                Sender.Tell(Current());
                if (LoadClockNow() is { } loadClock) Sender.Tell(loadClock);
                break;
            case LoadStarted:
                _loadStartedAt = _clock.Now;
                foreach (var w in _watchers) w.Tell(LoadClockNow());
                break;
            case ChangeDesiredState change:
                var (changed, problem) = Apply(_desired, change.Change, _beforeDeploy);
                if (problem is not null)
                {
                    Sender.Tell(new ChangeRejected(problem));
                    break;
                }
                _desired = changed;
                _generation++;
                Sender.Tell(new ChangeAccepted(_generation));
                foreach (var w in _watchers) w.Tell(Current());
                break;
            case LedgerDelta delta:
                _ledger.Heard(Sender);
                _ledger.Add(delta);
                break;
            case ControlPlaneAlive or ControlPlaneStopping:
                _ledger.Heard(Sender);
                break;
            case GetControlPlaneStatus:
                Sender.Tell(_ledger.Status());
                break;
            case Terminated t:
                _watchers.Remove(t.ActorRef);
                _ledger.Gone(t.ActorRef);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private LoadClock? LoadClockNow() => _loadStartedAt is { } at ? new LoadClock(Time.MeshClock.ToMilliseconds(_clock.Now - at)) : null;

    /// <summary>The load starts now (from the edge's host, on this clock): control planes date their records from it (<see cref="LoadClock"/>).</summary>
    public sealed class LoadStarted : Signal<LoadStarted>;

    private DesiredState Current() => new(_desired, _generation, _ledger.Version, _ledger.Status());

    /// <summary>The desired state after <paramref name="change"/>, or why the change cannot apply.</summary>
    public static (MeshTopology Topology, string? Problem) Apply(MeshTopology desired, TimelineEvent change, Dictionary<string, ServiceSpec>? history = null)
    {
        switch (change)
        {
            case DeployEvent deploy:
                var d = desired.Services.FindIndex(s => s.Name == deploy.Service);
                if (d < 0) return (desired, $"no service named '{deploy.Service}'");
                var current = desired.Services[d];
                if (history is not null) history[current.Name] = current;
                var next = current with
                {
                    Version = deploy.Version,
                    FailsHealthCheck = !deploy.Healthy,
                    ServiceTime = deploy.ServiceTime ?? current.ServiceTime,
                    Errors = deploy.Errors ?? current.Errors,
                };
                return (desired with { Services = desired.Services.SetItem(d, next) }, null);
            case RollbackEvent rollback:
                var r = desired.Services.FindIndex(s => s.Name == rollback.Service);
                if (r < 0) return (desired, $"no service named '{rollback.Service}'");
                if (history is null || !history.Remove(rollback.Service, out var previous)) return (desired, $"'{rollback.Service}' has no earlier version to roll back to");
                // Keep the replica count asked for since: a rollback changes the version, not the scale.
                return (desired with { Services = desired.Services.SetItem(r, previous with { Replicas = desired.Services[r].Replicas }) }, null);
            case ScaleEvent scale:
                var index = desired.Services.FindIndex(s => s.Name == scale.Service);
                if (index < 0) return (desired, $"no service named '{scale.Service}'");
                if (scale.Replicas < 0) return (desired, "replicas must not be negative");
                return (desired with { Services = desired.Services.SetItem(index, desired.Services[index] with { Replicas = scale.Replicas }) }, null);
            case SetPolicyEvent policy when policy.Destination is null:
                return (desired with { Mesh = desired.Mesh with { Defaults = policy.Policy } }, null);
            case SetPolicyEvent { Destination: { } destination } policy:
                if (desired.Service(destination) is null) return (desired, $"no service named '{destination}'");
                return (desired with { Mesh = desired.Mesh with { Destinations = desired.Mesh.Destinations.SetItem(destination, policy.Policy) } }, null);
            case SetSecurityEvent security:
                // Stored as given: an invalid security config is the data plane's to NACK, as Envoy would.
                return (desired with { Mesh = desired.Mesh with { Security = security.ApplyTo(desired.Mesh.Security) } }, null);
            case SetSettingsEvent settings:
                var at = desired.Services.FindIndex(s => s.Name == settings.Service);
                if (at < 0) return (desired, $"no service named '{settings.Service}'");
                var service = desired.Services[at];
                return (desired with { Services = desired.Services.SetItem(at, service with { Settings = service.Settings.Next(settings.Values) }) }, null);
            default:
                return (desired, $"'{change.Describe()}' is not a change of the desired state");
        }
    }
}

internal static class ImmutableArrayExtensions
{
    public static int FindIndex<T>(this ImmutableArray<T> items, Func<T, bool> match)
    {
        for (var i = 0; i < items.Length; i++) if (match(items[i])) return i;
        return -1;
    }
}
