using ActorMesh.ControlPlane;
using ActorMesh.DataPlane.App;
using Akka.Actor;

namespace ActorMesh.DataPlane.Pod;

/// <summary>
/// A pod: the supervising parent of one app container and its sidecars. Supervision is one-for-one:
/// a crashed container is restarted alone, so a sidecar crash never touches the app. Stopping the
/// pod stops every container with it.
/// </summary>
internal sealed class Pod : UntypedActor
{
    private readonly PodContext _context;

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
        if (_context.Spec.Sidecar) _context.Proxy = Context.ActorOf(Proxy.Proxy.Props(_context), "proxy");
        _context.App = Context.ActorOf(App.App.Props(_context), "app");
        var address = _context.Spec.Sidecar ? _context.Proxy : _context.App;
        var spec = _context.Spec;
        var endpoint = new Endpoint(spec.PodId, spec.Service.Name, spec.Index, address, _context.Runtime.Node, spec.Service.Version);
        _context.ControlPlane.Tell(new PodReady(endpoint, address), Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case CrashContainer crash:
                var target = crash.Container switch
                {
                    "app" => _context.App,
                    "proxy" => _context.Proxy,
                    _ => ActorRefs.Nobody,
                };
                target.Tell(crash, Sender);
                break;
            case ChangeBehaviour change:
                if (change.ServiceTime is { } serviceTime) _context.ServiceTime = serviceTime;
                if (change.Errors is { } errors) _context.Errors = errors;
                _context.App.Tell(change, Sender);
                break;
            case GetPodStats:
                Sender.Tell(new PodStatsReport(_context.PodId, _context.Spec.Service.Name, _context.Stats.AppRestarts, _context.Stats.ProxyRestarts, _context.Stats.Requests, _context.Stats.Errors));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}

/// <summary>Ask a pod for its <see cref="PodStatsReport"/>.</summary>
public sealed class GetPodStats
{
    /// <summary>The one instance.</summary>
    public static readonly GetPodStats Instance = new();
    private GetPodStats() { }
}

/// <summary>A pod's counters.</summary>
public sealed record PodStatsReport(string PodId, string Service, int AppRestarts, int ProxyRestarts, long Requests, long Errors);
