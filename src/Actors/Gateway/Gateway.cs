using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Proxy;
using ActorMesh.DataPlane.Security;
using ActorMesh.DataPlane.Settings;
using ActorMesh.DataPlane.Upstream;
using Akka.Event;

namespace ActorMesh.Gateway;

/// <summary>Gateway timer: sweep the aggregations' backend deadlines. Carries a generation so superseded sweeps are ignored.</summary>
internal sealed record GatewaySweepDue(long Generation, long Due) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>
/// The API gateway (an edge proxy): the entry point clients call. A request meets, in order:
/// authentication (an emulated JWT checked once, 401 when bad or missing), routing (longest prefix,
/// then method; 404 when nothing matches), the route's token-bucket rate limit (429), the route's
/// response cache (a hit is answered at once), and then either the route's service or an
/// aggregation that fans out to several backends in parallel, each with its own timeout, and merges
/// their answers. Calls to services go through the same policy chain a sidecar uses
/// (<see cref="UpstreamRouter"/>); answers go back over the client's link.
/// </summary>
/// <remarks>
/// Aggregations, cache fills and traced requests live in a pooled <see cref="SlotTable{T}"/> of
/// exchanges; each backend call of an exchange gets an id of its own (a re-key of the exchange's
/// slot, kept in the exchange's part list), so answers for an exchange that has already ended, or
/// for a part already settled, are recognised and ignored. Backend timeouts are not one timer
/// each: one sweep runs at the earliest deadline (at most one per millisecond). Counters are plain
/// fields written only here (<see cref="GatewayStats"/>). Mesh time here is due time (DESIGN §6): a
/// request arrives when it was due, and an answer leaves when the call behind it ended.
/// </remarks>
internal sealed class Gateway : UntypedActor, IUpstreamOwner, IConfigOwner
{
    /// <summary>Aggregations and cache fills in flight at most; past it a request is refused with 503 (UO) and counted.</summary>
    internal const int MaxExchanges = 1 << 20;

    private readonly MeshRuntime _runtime;
    private readonly MeshClock _clock;
    private readonly IActorRef _controlPlane;
    private readonly MeshRandom _random;
    private readonly GatewayStats _stats;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private GatewaySpec _spec;
    // The spec of the last config applied, as the control plane sent it.
    private GatewaySpec? _configured;
    private GatewayRoute[] _routes;
    private AuthSpec? _auth;
    private string _issuer = "";
    private string _audience = "";
    private UpstreamRouter _router = null!;
    private IActorRef _self = ActorRefs.Nobody;
    private readonly ConfigClient _config;

    private readonly SlotTable<Exchange> _exchanges = new(MaxExchanges, SlotKind.Exchange);
    private readonly SweepTimer _sweep;

    public Gateway(GatewaySpec spec, MeshRuntime runtime, IActorRef controlPlane)
    {
        _spec = spec;
        _runtime = runtime;
        _clock = runtime.Clock;
        _sweep = new SweepTimer(_clock, Self, static (generation, due) => new GatewaySweepDue(generation, due));
        _controlPlane = controlPlane;
        _random = runtime.Random.Stream($"gateway/{spec.InstanceName}");
        _config = new ConfigClient(spec.InstanceName, "Gateway", spec.InstanceName, this);
        _stats = runtime.Gateways.For(spec.Name);
        _routes = GatewayRoute.Compile(spec, [], _clock.Now);
        UseAuth(spec);
    }

    public static Props Props(GatewaySpec spec, MeshRuntime runtime, IActorRef controlPlane) =>
        runtime.Place(Akka.Actor.Props.Create(() => new Gateway(spec, runtime, controlPlane)));

    protected override void PreStart()
    {
        _self = Self;
        _router = new UpstreamRouter(_spec.Name, _runtime, _random, Self, this, 0, WorkloadIdentity.OfGateway(_spec.Name), _spec.Zone);
        _controlPlane.Tell(new GatewayReady(_spec.InstanceName, Self), Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClientRequest request:
                OnRequest(request, Sender);
                break;
            case GatewaySweepDue due:
                OnSweep(due);
                break;
            case ConfigPush push:
                _runtime.Network.Answer(push.Snapshot, _random, Sender, _config.Receive(push.Snapshot).Answer, Self);
                break;
            default:
                if (!_router.Handle(message)) Unhandled(message);
                break;
        }
    }

    // ---- the request path -----------------------------------------------------------------------

    private void OnRequest(ClientRequest request, IActorRef client)
    {
        var stats = _stats;
        stats.Requests++;
        var now = _clock.TimeOf(request.Due);
        if (_auth is { } auth)
        {
            var problem = TokenCheck.Check(request.Token, _issuer, _audience, auth.Required, now);
            if (problem != TokenProblem.None)
            {
                stats.AuthRejected++;
                stats.AuthRejectedBy[(int)problem]++;
                Reply(client, request.RequestId, StatusCodes.Unauthorized, ResponseFlags.None, 0, now);
                return;
            }
        }
        var route = Match(request.Path, request.Method);
        if (route is null)
        {
            stats.NoRoute++;
            Reply(client, request.RequestId, StatusCodes.NotFound, ResponseFlags.NoRoute, 0, now);
            return;
        }
        var clientId = request.Token?.Subject;
        if (route.Limiter is { } limiter)
        {
            var overflowed = limiter.Overflowed;
            var allowed = limiter.TryAcquire(clientId, now);
            stats.RateLimitOverflowed += limiter.Overflowed - overflowed;
            if (!allowed)
            {
                stats.RateLimited++;
                Reply(client, request.RequestId, StatusCodes.TooManyRequests, ResponseFlags.RateLimited, 0, now);
                return;
            }
        }
        var store = false;
        CacheKey key = default;
        if (route.Cache is { } cache && ResponseCache.IsCacheable(request.Method))
        {
            key = cache.KeyOf(request.Method, request.Path, clientId);
            if (cache.TryGet(key, now, out var bytes))
            {
                stats.CacheHits++;
                Reply(client, request.RequestId, StatusCodes.Ok, ResponseFlags.CacheHit, bytes, now);
                return;
            }
            stats.CacheMisses++;
            store = true;
        }
        if (!route.IsAggregate && !store && !request.Trace.Sampled)
        {
            // The plain case needs no exchange: the router answers the client directly.
            stats.Routed++;
            _router.Send(client, request.RequestId, route.Service, request.Path, request.RequestBytes, request.Trace, now);
            return;
        }
        if (!_exchanges.TryAdd(out var slot))
        {
            stats.Overflows++;
            Reply(client, request.RequestId, StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamOverflow, 0, now);
            return;
        }
        var ex = _exchanges[slot] ??= new Exchange();
        ex.Client = client;
        ex.RequestId = request.RequestId;
        ex.Route = route;
        ex.Store = store;
        ex.Key = key;
        ex.Start = now;
        var trace = request.Trace;
        ex.Trace = trace;
        if (trace.Sampled)
        {
            ex.Span = TraceCollector.NewSpanId(_random);
            trace = trace with { SpanId = ex.Span };
        }
        if (!route.IsAggregate)
        {
            stats.Routed++;
            ex.Prepare(1, aggregate: false);
            ex.Ids[0] = _exchanges.HandleOf(slot);
            _router.Send(_self, ex.Ids[0].Id, route.Service, request.Path, request.RequestBytes, trace, now);
            return;
        }
        stats.Aggregated++;
        var backends = route.Backends;
        ex.Prepare(backends.Length, aggregate: true);
        var next = long.MaxValue;
        for (var i = 0; i < backends.Length; i++)
        {
            var timeout = route.BackendTimeouts[i];
            var deadline = timeout > 0 ? now + timeout : long.MaxValue;
            ex.Deadlines[i] = deadline;
            if (deadline < next) next = deadline;
        }
        ex.NextDeadline = next;
        for (var i = 0; i < backends.Length; i++)
        {
            var id = ex.Ids[i] = _exchanges.Rekey(slot);
            ex.Calls[i] = _router.Send(_self, id.Id, backends[i].Service, backends[i].Path, request.RequestBytes, trace, now);
            // A backend can fail at once (no healthy host, overflow); failing fast may have ended the exchange.
            if (!_exchanges.TryResolve(id, out _)) return;
        }
        _sweep.Watch(next, now);
    }

    private GatewayRoute? Match(string path, string method)
    {
        var routes = _routes;
        for (var i = 0; i < routes.Length; i++)
            if (routes[i].Matches(path, method)) return routes[i];
        return null;
    }

    void IUpstreamOwner.OnCallCompleted(IActorRef caller, long callerId, in CallResult result)
    {
        if (ReferenceEquals(caller, _self)) OnBackendAnswer(callerId, result);
        else Reply(caller, callerId, result.Status, result.Flags, result.ResponseBytes, result.End, result.Visited, result.Retries);
    }

    private void OnBackendAnswer(long id, in CallResult result)
    {
        var (status, flags, bytes, now) = (result.Status, result.Flags, result.ResponseBytes, result.End);
        // An answer for an exchange that has ended (failed fast, or its backend timed out) is dropped.
        if (!_exchanges.TryResolveHeld(new SlotHandle(id), out var slot)) return;
        var ex = _exchanges[slot];
        var part = ex.PartOf(new SlotHandle(id));
        if (part < 0 || ex.States[part] != PartState.Pending) return;
        ex.Visited |= result.Visited;
        ex.Retries += result.Retries;
        ex.Committed |= (flags & ResponseFlags.Committed) != 0;
        if (!ex.Aggregate)
        {
            Finish(slot, ex, status, flags, bytes, now);
            return;
        }
        if (StatusCodes.IsSuccess(status))
        {
            ex.States[part] = PartState.Ok;
            ex.Bytes += bytes;
            ex.PartDegraded |= (flags & ResponseFlags.Degraded) != 0;
        }
        else
        {
            ex.States[part] = PartState.Failed;
            ex.Failed++;
            if (status == StatusCodes.GatewayTimeout || (flags & ResponseFlags.UpstreamRequestTimeout) != 0) ex.TimedOut = true;
        }
        ex.Pending--;
        Settle(slot, ex, now);
    }

    /// <summary>Answers an aggregation once its outcome is known.</summary>
    private void Settle(int slot, Exchange ex, long now)
    {
        if (ex.Failed > 0 && (ex.Route!.FailFast || ex.Failed == ex.Parts))
        {
            _stats.AggregateFailed++;
            if (ex.TimedOut) Finish(slot, ex, StatusCodes.GatewayTimeout, ResponseFlags.UpstreamRequestTimeout, 0, now);
            else Finish(slot, ex, StatusCodes.BadGateway, ResponseFlags.None, 0, now);
            return;
        }
        if (ex.Pending > 0) return;
        if (ex.Failed > 0)
        {
            _stats.Degraded++;
            Finish(slot, ex, StatusCodes.Ok, ResponseFlags.Degraded, ex.Bytes, now);
        }
        else Finish(slot, ex, StatusCodes.Ok, ex.PartDegraded ? ResponseFlags.Degraded : ResponseFlags.None, ex.Bytes, now);
    }

    private void Finish(int slot, Exchange ex, int status, ResponseFlags flags, int bytes, long now)
    {
        var client = ex.Client!;
        var requestId = ex.RequestId;
        var (visited, retries) = (ex.Visited, ex.Retries);
        if (ex.Committed) flags |= ResponseFlags.Committed;
        if (ex.Trace.Sampled)
            _runtime.Traces.Record(ex.Trace.TraceId, ex.Span, ex.Trace.SpanId, HopKind.Gateway, _spec.Name, ex.Start, now, status, flags);
        // Only whole answers are stored: never an error, never a degraded merge.
        if (ex.Store && StatusCodes.IsSuccess(status) && (flags & ResponseFlags.Degraded) == 0)
        {
            var cache = ex.Route!.Cache!;
            var evictions = cache.Evictions;
            cache.Store(ex.Key, bytes, now);
            _stats.CacheEvictions += cache.Evictions - evictions;
        }
        Free(slot, ex);
        Reply(client, requestId, status, flags, bytes, now, visited, retries);
    }

    /// <summary>Answers the client from mesh time <paramref name="now"/>, over the client's link.</summary>
    private void Reply(IActorRef client, long requestId, int status, ResponseFlags flags, int bytes, long now, ulong visited = 0, int retries = 0)
    {
        var due = _runtime.Network.DueAfter(now, _spec.ClientLatency, _random);
        _runtime.Network.Deliver(due, client, new ClientResponse(requestId, status, flags, bytes, visited, retries, due), _self);
    }

    // ---- backend deadlines --------------------------------------------------------------------

    private void OnSweep(GatewaySweepDue due)
    {
        if (!_sweep.Begin(due.Generation, due.Due, out var now)) return;
        foreach (var i in _exchanges)
        {
            var ex = _exchanges[i];
            if (!ex.Aggregate) continue;
            if (ex.NextDeadline <= now)
            {
                var later = long.MaxValue;
                for (var p = 0; p < ex.Parts; p++)
                {
                    if (ex.States[p] != PartState.Pending) continue;
                    if (ex.Deadlines[p] <= now)
                    {
                        // The gateway stops waiting and cancels the call (as Envoy resets the upstream stream): its answer, if any, is dropped.
                        _router.Cancel(ex.Calls[p]);
                        ex.States[p] = PartState.Failed;
                        ex.Failed++;
                        ex.TimedOut = true;
                        ex.Pending--;
                        _stats.BackendTimeouts++;
                    }
                    else if (ex.Deadlines[p] < later) later = ex.Deadlines[p];
                }
                ex.NextDeadline = later;
                Settle(i, ex, now);
                if (!_exchanges.IsLive(i)) continue;
            }
            _sweep.Include(ex.NextDeadline);
        }
        _sweep.End(now);
    }

    // ---- exchanges ------------------------------------------------------------------------------

    private void Free(int slot, Exchange ex)
    {
        ex.Client = null;
        ex.Route = null;
        ex.Key = default;
        ex.Visited = 0;
        ex.Retries = 0;
        ex.Committed = false;
        ex.PartDegraded = false;
        ex.Trace = default;
        _exchanges.Free(slot);
    }

    private enum PartState : byte { Pending, Ok, Failed }

    private sealed class Exchange
    {
        public IActorRef? Client;
        public long RequestId;
        public GatewayRoute? Route;
        public bool Aggregate;
        public bool Store;
        public CacheKey Key;
        public int Parts;
        public int Pending;
        public int Failed;
        public bool TimedOut;
        public int Bytes;
        public ulong Visited;
        public int Retries;
        public bool Committed;
        /// <summary>A part answered 2xx but degraded (flag DG): the merged answer is degraded too, though every part answered.</summary>
        public bool PartDegraded;
        public long Start;
        public TraceContext Trace;
        public long Span;
        public long NextDeadline = long.MaxValue;
        public PartState[] States = new PartState[4];
        public long[] Deadlines = new long[4];
        /// <summary>The id of each part's call: the router answers with it.</summary>
        public SlotHandle[] Ids = new SlotHandle[4];
        /// <summary>The router's token of each part's call, to cancel it (none: it had ended when sent).</summary>
        public SlotHandle[] Calls = new SlotHandle[4];

        public void Prepare(int parts, bool aggregate)
        {
            if (States.Length < parts)
            {
                States = new PartState[parts];
                Deadlines = new long[parts];
                Ids = new SlotHandle[parts];
                Calls = new SlotHandle[parts];
            }
            Array.Clear(States, 0, parts);
            Aggregate = aggregate;
            Parts = parts;
            Pending = parts;
            Failed = 0;
            TimedOut = false;
            Bytes = 0;
            NextDeadline = long.MaxValue;
        }

        /// <summary>The part whose call has <paramref name="id"/>, or -1.</summary>
        public int PartOf(SlotHandle id)
        {
            for (var p = 0; p < Parts; p++)
                if (Ids[p] == id) return p;
            return -1;
        }
    }

    // ---- config -------------------------------------------------------------------------------

    private void UseAuth(GatewaySpec spec)
    {
        _auth = spec.Auth;
        _issuer = spec.TokenIssuer;
        _audience = spec.TokenAudience;
    }

    string? IConfigOwner.Problems(ConfigSnapshot snapshot) => ConfigClient.MeshProblems(snapshot);

    ILoggingAdapter IConfigOwner.Log => _log;

    void IConfigOwner.Apply(ConfigSnapshot snapshot)
    {
        if (snapshot.Topology.Gateways.FirstOrDefault(g => g.Name == _spec.Name) is { } spec && !ReferenceEquals(spec, _configured))
        {
            _configured = spec;
            // A replica of a gateway per zone keeps its zone.
            _spec = spec.PerZone ? spec with { Zone = _spec.Zone } : spec;
            _routes = GatewayRoute.Compile(spec, _routes, _clock.Now);
            UseAuth(spec);
        }
        _router.Apply(snapshot, Distribution.Zero);
    }
}
