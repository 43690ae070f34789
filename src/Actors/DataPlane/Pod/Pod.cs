using ActorMesh.ControlPlane;
using ActorMesh.DataPlane.App;
using ActorMesh.DataPlane.Logs;
using Akka.Actor;
using Akka.Event;

namespace ActorMesh.DataPlane.Pod;

/// <summary>
/// A pod: the supervising parent of one app container and its sidecars (proxy, log collector,
/// config sync). Supervision is one-for-one: a crashed container is restarted alone, so a sidecar
/// crash never touches the app. Stopping the pod stops every container with it.
/// </summary>
internal sealed class Pod : UntypedActor
{
    private readonly PodContext _context;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <param name="spec">What to run.</param>
    /// <param name="runtime">The node's runtime.</param>
    /// <param name="controlPlane">Where the pod reports (its node agent, which relays to the current control plane).</param>
    public Pod(PodSpec spec, MeshRuntime runtime, IActorRef controlPlane) => _context = new PodContext(spec, runtime, controlPlane);

    public static Props Props(PodSpec spec, MeshRuntime runtime, IActorRef controlPlane) =>
        runtime.Place(Akka.Actor.Props.Create(() => new Pod(spec, runtime, controlPlane)));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, localOnlyDecider: _ => Directive.Restart);

    protected override void PreStart()
    {
        if (_context.Spec.Sidecar) _context.Proxy = Context.ActorOf(Proxy.Proxy.Props(_context), ContainerKinds.Proxy);
        // The log collector first: the app signals it as soon as it handles requests.
        if (_context.Logs is not null) _context.LogCollector = Context.ActorOf(LogCollector.Props(_context), ContainerKinds.LogCollector);
        _context.App = Context.ActorOf(App.App.Props(_context), ContainerKinds.App);
        if (_context.Spec.Service.ConfigSync is not null) _context.ConfigSync = Context.ActorOf(Settings.ConfigSync.Props(_context), ContainerKinds.ConfigSync);
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
        var endpoint = new Endpoint(spec.PodId, spec.Service.Name, spec.Index, address, _context.Runtime.Node, spec.Service.Version);
        _context.ControlPlane.Tell(new PodReady(endpoint, address), Self);
    }

    /// <summary>Pod timer: the instance has started and passes its readiness check.</summary>
    private sealed class Started : INoSerializationVerificationNeeded, Akka.Event.IDeadLetterSuppression
    {
        public static readonly Started Instance = new();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Started:
                ReportReady();
                break;
            case CrashContainer crash:
                var target = Container(crash.Container);
                if (target.IsNobody()) _log.Warning("Pod {0} runs no '{1}' container to crash; it runs: {2}", _context.PodId, crash.Container, string.Join(", ", Containers().Keys));
                else target.Tell(crash, Sender);
                break;
            case ChangeBehaviour change:
                if (change.ServiceTime is { } serviceTime) _context.ServiceTime = serviceTime;
                if (change.Errors is { } errors) _context.Errors = errors;
                _context.App.Tell(change, Sender);
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
        ContainerKinds.ConfigSync => _context.ConfigSync,
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
        var stats = _context.Stats;
        var restarts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (!_context.Proxy.IsNobody()) restarts[ContainerKinds.Proxy] = stats.ProxyRestarts;
        if (!_context.LogCollector.IsNobody()) restarts[ContainerKinds.LogCollector] = stats.LogCollectorRestarts;
        if (!_context.ConfigSync.IsNobody()) restarts[ContainerKinds.ConfigSync] = stats.ConfigSyncRestarts;
        return new PodStatsReport(_context.PodId, _context.Spec.Service.Name, stats.AppRestarts, stats.ProxyRestarts, stats.Requests, stats.Errors)
        {
            SidecarRestarts = restarts,
            Logs = _context.Logs?.Counts(),
            SettingsVersion = _context.ConfigSync.IsNobody() ? null : _context.Settings.Version,
            SettingsSyncs = stats.SettingsSyncs,
        };
    }
}

/// <summary>Pod → node agent: the pod has stopped; these are its final counters.</summary>
public sealed record PodFinished(PodStatsReport Stats) : IMeshMessage;

/// <summary>Ask a pod for its <see cref="PodStatsReport"/>.</summary>
public sealed class GetPodStats : IMeshMessage
{
    /// <summary>The one instance.</summary>
    public static readonly GetPodStats Instance = new();
    private GetPodStats() { }
}

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
public sealed class GetContainers : IMeshMessage
{
    /// <summary>The one instance.</summary>
    public static readonly GetContainers Instance = new();
    private GetContainers() { }
}

/// <summary>The containers a pod runs, by kind (<see cref="ContainerKinds"/>).</summary>
public sealed record PodContainers(string PodId, IReadOnlyDictionary<string, IActorRef> ByKind) : IMeshMessage;
