using ActorMesh.ControlPlane;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Proxy;
using ActorMesh.DataPlane.Security;
using ActorMesh.DataPlane.Upstream;
using ActorMesh.Randomness;
using ActorMesh.Topology;
using Akka.Actor;
using Akka.Event;

namespace ActorMesh.Gateway;

/// <summary>
/// The API gateway (an edge proxy): the entry point clients call. It matches the request path to a
/// route (longest prefix wins) and sends the request through the same policy chain a sidecar uses
/// (<see cref="UpstreamRouter"/>). The answer goes back over the client's link.
/// </summary>
internal sealed class Gateway : UntypedActor, IUpstreamOwner
{
    private readonly MeshRuntime _runtime;
    private readonly IActorRef _controlPlane;
    private readonly MeshRandom _random;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private GatewaySpec _spec;
    private RouteSpec[] _routes;
    private UpstreamRouter _router = null!;
    private ConfigSnapshot? _config;

    public Gateway(GatewaySpec spec, MeshRuntime runtime, IActorRef controlPlane)
    {
        _spec = spec;
        _runtime = runtime;
        _controlPlane = controlPlane;
        _random = runtime.Random.Stream($"gateway/{spec.Name}");
        _routes = SortRoutes(spec);
    }

    public static Props Props(GatewaySpec spec, MeshRuntime runtime, IActorRef controlPlane) =>
        runtime.Place(Akka.Actor.Props.Create(() => new Gateway(spec, runtime, controlPlane)));

    protected override void PreStart()
    {
        _router = new UpstreamRouter(_spec.Name, _runtime, _random, Self, this, 0, WorkloadIdentity.OfGateway(_spec.Name));
        _controlPlane.Tell(new GatewayReady(_spec.Name, Self), Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClientRequest request:
                OnRequest(request);
                break;
            case ConfigPush push:
                OnConfig(push);
                break;
            default:
                if (!_router.Handle(message)) Unhandled(message);
                break;
        }
    }

    private void OnRequest(ClientRequest request)
    {
        var route = Match(request.Path);
        if (route is null)
        {
            Reply(Sender, request.RequestId, StatusCodes.NotFound, ResponseFlags.NoRoute, 0);
            return;
        }
        _router.Send(Sender, request.RequestId, route.Service, request.Path, request.RequestBytes, request.Trace);
    }

    private RouteSpec? Match(string path)
    {
        var routes = _routes;
        for (var i = 0; i < routes.Length; i++)
            if (path.StartsWith(routes[i].Prefix, StringComparison.Ordinal)) return routes[i];
        return null;
    }

    void IUpstreamOwner.OnCallCompleted(IActorRef caller, long callerId, int status, ResponseFlags flags, int responseBytes, long startTicks) =>
        Reply(caller, callerId, status, flags, responseBytes);

    private void Reply(IActorRef client, long requestId, int status, ResponseFlags flags, int bytes) =>
        _runtime.Network.Send(_spec.ClientLatency, _random, client, new ClientResponse(requestId, status, flags, bytes), Self);

    private void OnConfig(ConfigPush push)
    {
        var snapshot = push.Snapshot;
        if (_config is { } current && snapshot.Version <= current.Version)
        {
            Sender.Tell(new ConfigAck(snapshot.Version, _spec.Name), Self);
            return;
        }
        var problems = ConfigCheck.Problems(snapshot);
        if (problems is not null)
        {
            _log.Warning("Gateway {0} rejected config v{1}: {2}", _spec.Name, snapshot.Version, problems);
            Sender.Tell(new ConfigNack(snapshot.Version, _spec.Name, problems), Self);
            return;
        }
        _config = snapshot;
        if (snapshot.Topology.Gateways.FirstOrDefault(g => g.Name == _spec.Name) is { } spec)
        {
            _spec = spec;
            _routes = SortRoutes(spec);
        }
        _router.Apply(snapshot, Distribution.Zero);
        Sender.Tell(new ConfigAck(snapshot.Version, _spec.Name), Self);
    }

    private static RouteSpec[] SortRoutes(GatewaySpec spec) => [.. spec.Routes.OrderByDescending(r => r.Prefix.Length)];
}
