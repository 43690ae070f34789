using ActorMesh.DataPlane.App;
using ActorMesh.DataPlane.Logs;
using Akka.Actor.Internal;
using Akka.Event;

namespace ActorMesh.DataPlane.Pod;

/// <summary>
/// A pod: the supervising parent of one app container and its sidecars (proxy, log collector,
/// config sync). Supervision is one-for-one: a crashed container is restarted alone, so a sidecar
/// crash never touches the app. Stopping the pod stops every container with it. The pod keeps its
/// own counters: restarts as it performs them, settings versions as its app reports them.
/// </summary>
internal sealed class Pod : UntypedActor
{
    private readonly PodContext _context;
    // Made on first use: most pods never log, and a logger per actor is ~100 bytes and a path string.
    private ILoggingAdapter? _log;
    private RestartCounting? _supervision;
    private IActorRef _configSync = ActorRefs.Nobody;
    private long _settingsVersion;
    private long _settingsSyncs;

    /// <param name="spec">What to run.</param>
    /// <param name="runtime">The node's runtime.</param>
    /// <param name="controlPlane">Where the pod reports (its node agent, which relays to the current control plane).</param>
    public Pod(PodSpec spec, MeshRuntime runtime, IActorRef controlPlane)
    {
        _context = new PodContext(spec, runtime, controlPlane);
        _settingsVersion = spec.Service.Settings.Version;
    }

    public static Props Props(PodSpec spec, MeshRuntime runtime, IActorRef controlPlane) =>
        runtime.PodProps(() => new Pod(spec, runtime, controlPlane));

    protected override SupervisorStrategy SupervisorStrategy() => _supervision ??= new RestartCounting();

    protected override void PreStart()
    {
        var proxy = _context.Spec.Sidecar ? Context.ActorOf(Proxy.Proxy.Props(_context), ContainerKinds.Proxy) : ActorRefs.Nobody;
        // The log collector first: the app signals it as soon as it handles requests.
        var logCollector = _context.Logs is not null ? Context.ActorOf(LogCollector.Props(_context), ContainerKinds.LogCollector) : ActorRefs.Nobody;
        var app = Context.ActorOf(App.App.Props(_context), ContainerKinds.App);
        _context.Started(new PodAddresses(app, proxy, logCollector));
        if (_context.Spec.Service.ConfigSync is not null) _configSync = Context.ActorOf(Settings.ConfigSync.Props(_context), ContainerKinds.ConfigSync);
        _context.Runtime.PodStarted();
        // Ready once started (a broken release never gets ready): only then does the pod take traffic.
        var service = _context.Spec.Service;
        if (service.FailsHealthCheck) return;
        var startup = service.StartupTime.IsZero ? 0 : service.StartupTime.SampleTicks(_context.Runtime.Random.Stream($"{_context.PodId}/startup"));
        if (startup > 0) _context.Runtime.Clock.Schedule(startup, Self, Started.Instance, Self);
        else ReportReady();
    }

    private void ReportReady()
    {
        var address = _context.Spec.Sidecar ? _context.Proxy : _context.App;
        var spec = _context.Spec;
        var endpoint = new Endpoint(spec.PodId, spec.Service.Name, spec.Index, address, _context.Runtime.Node, spec.Service.Version, spec.Zone);
        _context.ControlPlane.Tell(new PodReady(endpoint, address), Self);
    }

    /// <summary>Pod timer: the instance has started and passes its readiness check.</summary>
    private sealed class Started : Signal<Started>, INoSerializationVerificationNeeded, Akka.Event.IDeadLetterSuppression;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Started:
                ReportReady();
                break;
            case CrashContainer crash:
                var target = Container(crash.Container);
                if (target.IsNobody()) (_log ??= Context.GetLogger()).Warning("Pod {0} runs no '{1}' container to crash; it runs: {2}", _context.PodId, crash.Container, string.Join(", ", Containers().Keys));
                else target.Tell(crash, Sender);
                break;
            case ChangeBehaviour change:
                _context.App.Tell(change, Sender);
                break;
            case SettingsInForce settings:
                _settingsVersion = settings.Version;
                _settingsSyncs++;
                break;
            case GetPodStats:
                Sender.Tell(Stats());
                break;
            case GetContainers:
                Sender.Tell(new PodContainers(_context.PodId, Containers()));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private IActorRef Container(string kind) => kind switch
    {
        ContainerKinds.App => _context.App,
        ContainerKinds.Proxy => _context.Proxy,
        ContainerKinds.LogCollector => _context.LogCollector,
        ContainerKinds.ConfigSync => _configSync,
        _ => ActorRefs.Nobody,
    };

    private SortedDictionary<string, IActorRef> Containers()
    {
        var containers = new SortedDictionary<string, IActorRef>(StringComparer.Ordinal);
        foreach (var kind in (ReadOnlySpan<string>)[ContainerKinds.App, ContainerKinds.Proxy, ContainerKinds.LogCollector, ContainerKinds.ConfigSync])
            if (!Container(kind).IsNobody()) containers[kind] = Container(kind);
        return containers;
    }

    /// <summary>A stopped pod leaves its final counters with its node agent, so a run's totals keep them.</summary>
    protected override void PostStop()
    {
        Context.Parent.Tell(new PodFinished(Stats()));
        base.PostStop();
    }

    private PodStatsReport Stats()
    {
        var restarts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var kind in (ReadOnlySpan<string>)[ContainerKinds.Proxy, ContainerKinds.LogCollector, ContainerKinds.ConfigSync])
            if (!Container(kind).IsNobody()) restarts[kind] = Restarts(kind);
        var requests = _context.Stats;
        return new PodStatsReport(_context.PodId, _context.Spec.Service.Name, Restarts(ContainerKinds.App), Restarts(ContainerKinds.Proxy),
            Volatile.Read(ref requests.Requests), Volatile.Read(ref requests.Errors))
        {
            SidecarRestarts = restarts,
            Logs = _context.Logs?.Counts(),
            SettingsVersion = _configSync.IsNobody() ? null : _settingsVersion,
            SettingsSyncs = _settingsSyncs,
        };
    }

    private int Restarts(string kind) => _supervision?.Restarts(kind) ?? 0;

    /// <summary>One-for-one, always restart (a container's restarts are unbounded); counts each container's restarts by its name, its kind.</summary>
    private sealed class RestartCounting()
        : OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, localOnlyDecider: _ => Directive.Restart)
    {
        // Made on the first restart: most pods never restart a container.
        private Dictionary<string, int>? _restarts;

        public int Restarts(string kind) => _restarts?.GetValueOrDefault(kind) ?? 0;

        public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause, ChildRestartStats stats, IReadOnlyCollection<ChildRestartStats> children)
        {
            if (restart)
            {
                _restarts ??= new Dictionary<string, int>(StringComparer.Ordinal);
                _restarts[child.Path.Name] = _restarts.GetValueOrDefault(child.Path.Name) + 1;
            }
            base.ProcessFailure(context, restart, child, cause, stats, children);
        }
    }
}

/// <summary>App → its pod: it has taken settings <paramref name="Version"/> into force (from its config-sync sidecar).</summary>
internal sealed record SettingsInForce(long Version) : INoSerializationVerificationNeeded;

/// <summary>Pod → node agent: the pod has stopped; these are its final counters.</summary>
internal sealed record PodFinished(PodStatsReport Stats) : IMeshMessage;

/// <summary>Ask a pod for its <see cref="PodStatsReport"/>.</summary>
internal sealed class GetPodStats : Signal<GetPodStats>, IMeshMessage;

/// <summary>A pod's counters.</summary>
public sealed record PodStatsReport(string PodId, string Service, int AppRestarts, int ProxyRestarts, long Requests, long Errors) : IMeshMessage
{
    /// <summary>Restarts of each sidecar the pod runs, by kind (<see cref="ContainerKinds"/>), zeros included.</summary>
    public IReadOnlyDictionary<string, int> SidecarRestarts { get; init; } = new Dictionary<string, int>();
    /// <summary>The log pipeline's counts, when the pod runs a log collector.</summary>
    public LogCounts? Logs { get; init; }
    /// <summary>The version of the app's settings in force, when the pod runs a config-sync sidecar.</summary>
    public long? SettingsVersion { get; init; }
    /// <summary>New settings versions the app took into force from its config-sync sidecar.</summary>
    public long SettingsSyncs { get; init; }
}

/// <summary>Ask a pod for its <see cref="PodContainers"/>.</summary>
internal sealed class GetContainers : Signal<GetContainers>, IMeshMessage;

/// <summary>The containers a pod runs, by kind (<see cref="ContainerKinds"/>).</summary>
internal sealed record PodContainers(string PodId, IReadOnlyDictionary<string, IActorRef> ByKind) : IMeshMessage;
