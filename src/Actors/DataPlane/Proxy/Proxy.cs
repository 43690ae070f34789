using ActorMesh.DataPlane.Pod;
using ActorMesh.DataPlane.Security;
using ActorMesh.DataPlane.Settings;
using ActorMesh.DataPlane.Network;
using ActorMesh.DataPlane.Upstream;
using Akka.Event;

namespace ActorMesh.DataPlane.Proxy;

/// <summary>
/// The sidecar proxy (Envoy's role) beside one app. Outbound: the app's <see cref="EgressCall"/>s go
/// through the <see cref="UpstreamRouter"/>'s policy chain to a healthy endpoint of the destination.
/// Inbound: requests from other proxies pass peer authentication and authorization (a denied one is
/// answered 403 here and never reaches the app), are admitted, handed to the app, timed and counted,
/// and the answer goes back over the network. Config arrives as versioned snapshots (ACK or NACK).
/// Like Envoy, it keeps no config across a restart: a restarted sidecar asks the control plane for the
/// current snapshot and, until one arrives, listens on nothing: the app's calls and the requests sent to
/// the pod fail to connect (503, UF). While the control plane is down that lasts until it is back.
/// </summary>
/// <remarks>
/// Mesh time here is due time (DESIGN §6): a request arrives when it was due, its proxy latency runs
/// from then, and the answer leaves when the app's answer was due, however late the sidecar ran.
/// Answers come back on two legs: from upstream endpoints to the router's calls, and from the app to
/// the inbound requests it was handed. The ids of both are <see cref="SlotHandle"/>s of tables of
/// different kinds, so an answer's id alone says which leg it is on.
/// </remarks>
internal sealed class Proxy : UntypedActor, IUpstreamOwner, IConfigOwner
{
    private readonly PodContext _pod;
    private readonly MeshRuntime _runtime;
    private readonly MeshRandom _random;
    // Made on first use: most sidecars never log, and a logger per actor is ~100 bytes and a path string.
    private ILoggingAdapter? _log;
    private readonly ReturnPath _return;
    // Requests handed to the app and not yet answered.
    private readonly SlotTable<InboundEntry> _inbound;
    // Outbound spans of sampled calls only, by the app's call id (made on the first sampled call).
    private Dictionary<long, OpenSpan>? _outboundSpans;
    private readonly int _incarnation;
    private readonly ContainerMemory _memory;
    private readonly ConfigClient _config;
    private UpstreamRouter _router = null!;
    private Distribution _proxyLatency = Distribution.Zero;
    private InboundAuthorizer _authorizer = InboundAuthorizer.Open;

    public Proxy(PodContext pod, ContainerMemory memory)
    {
        _pod = pod;
        _runtime = pod.Runtime;
        _memory = memory;
        _incarnation = memory.Start();
        _random = _runtime.Random.Stream(pod.PodId, ContainerKinds.Proxy, _incarnation);
        _config = new ConfigClient(pod.PodId, "Sidecar of", pod.PodId, this);
        var service = pod.Spec.Service;
        _return = new ReturnPath(_runtime.Network, new LinkEnd(service.Name, pod.Spec.Zone, pod.PodId));
        _inbound = new SlotTable<InboundEntry>((int)Math.Min(service.Workers + (long)service.QueueCapacity + 64, SlotHandle.MaxSlots), SlotKind.Inbound, _incarnation);
    }

    public static Props Props(PodContext pod)
    {
        var memory = new ContainerMemory();
        return pod.Runtime.PodProps(() => new Proxy(pod, memory));
    }

    protected override void PreStart()
    {
        _router = new UpstreamRouter(_pod.Spec.Service.Name, _runtime, _random, Self, this, _incarnation, ServiceTemplate.Of(_pod.Spec.Service).Identity,
            _pod.Spec.Zone, _pod.PodId);
        // Envoy keeps no xDS state across a restart: a restarted sidecar asks for config again (through its node's
        // agent, which knows the control plane of the moment; none answers during an outage).
        if (_incarnation > 1) _pod.ControlPlane.Tell(new FetchConfig(_pod.PodId, Self), Self);
    }

    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        Logger.Warning("Sidecar proxy of {0} restarted after {1}: {2}", _pod.PodId, reason.GetType().Name, reason.Message);
        _pod.App.Tell(SidecarRestarted.Instance, Self);
    }

    protected override void PostStop()
    {
        _router.FailAll(StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamReset);
        base.PostStop();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case EgressCall call:
                OnEgress(call);
                break;
            case MeshRequest request:
                OnInbound(request);
                break;
            case MeshResponse response when SlotHandle.KindOf(response.CorrelationId) == SlotKind.Inbound:
                OnAppAnswered(response);
                break;
            case ConfigPush push:
                _runtime.Network.Answer(push.Snapshot, _random, Sender, _config.Receive(push.Snapshot).Answer, Self);
                break;
            case AppRestarted:
                ResetInbound();
                break;
            case CrashContainer:
                throw new ContainerCrashedException($"sidecar proxy of {_pod.PodId} crashed on request");
            default:
                if (!_router.Handle(message)) Unhandled(message);
                break;
        }
    }

    void IUpstreamOwner.OnCallCompleted(IActorRef caller, long callerId, in CallResult result)
    {
        if (_outboundSpans is { Count: > 0 } && _outboundSpans.Remove(callerId, out var span))
            _runtime.Traces.Record(span.Trace.TraceId, span.Id, span.Trace.SpanId, HopKind.SidecarOut, _pod.Spec.Service.Name, span.Start, result.End, result.Status, result.Flags);
        caller.Tell(new EgressResult(callerId, result.Status, result.Flags, result.Visited, result.Retries, result.End), Self);
    }

    /// <summary>The app's call, through the policy chain. A sampled call opens this sidecar's outbound span.</summary>
    private void OnEgress(EgressCall call)
    {
        var now = _runtime.Clock.TimeOf(call.Due);
        if (_config.Current is null)
        {
            // No config, no listener: the app's connection to its sidecar is refused.
            _runtime.Telemetry.For(_runtime.Services.Of(call.Service))[ServiceCounter.NoConfig]++;
            Sender.Tell(new EgressResult(call.CallId, StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamConnectionFailure, 0, 0, now), Self);
            return;
        }
        var trace = call.Trace;
        if (trace.Sampled)
        {
            var span = new OpenSpan(trace, TraceCollector.NewSpanId(_random), now);
            (_outboundSpans ??= [])[call.CallId] = span;
            trace = trace with { SpanId = span.Id };
        }
        _router.Send(Sender, call.CallId, call.Service, call.Path, call.RequestBytes, trace, now);
    }

    private void OnInbound(MeshRequest request)
    {
        var now = _runtime.Clock.TimeOf(request.Due);
        if (_config.Current is null)
        {
            // No inbound listener yet: the caller's connection fails (UF), and nothing reaches the app.
            _runtime.Telemetry.For(_pod.ServiceIndex)[ServiceCounter.NoConfig]++;
            var refused = _runtime.Network.DueAfter(now, NetworkSpec.DefaultLatency, _random);
            _runtime.Network.Deliver(refused, Sender,
                new MeshResponse(request.CorrelationId, StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamConnectionFailure, 0, 0, now, 0, refused), Self);
            return;
        }
        var verdict = _authorizer.Check(request.SourceIdentity, request.Path);
        if (verdict is InboundVerdict.DeniedPlaintext or InboundVerdict.DeniedByPolicy)
        {
            Deny(request, verdict);
            return;
        }
        var trace = request.Trace;
        var span = 0L;
        if (trace.Sampled)
        {
            _runtime.Traces.Record(trace.TraceId, TraceCollector.NewSpanId(_random), trace.SpanId, HopKind.Network, _pod.Spec.Service.Name, request.SentAt, now, 0);
            span = TraceCollector.NewSpanId(_random);
        }
        var entry = new InboundEntry(Sender, request.CorrelationId, ReturnPath.CallerOf(request), now, trace, span);
        if (!_inbound.TryAdd(entry, out var handle))
        {
            Answer(entry, StatusCodes.ServiceUnavailable, ResponseFlags.Overloaded, 0, 0, now);
            return;
        }
        if (verdict == InboundVerdict.AllowedPlaintext) _runtime.Telemetry.For(_pod.ServiceIndex)[ServiceCounter.PlaintextAccepted]++;
        // The proxy latency runs from the request's arrival: the app gets it when it is due.
        var due = _proxyLatency.IsZero ? now : now + _proxyLatency.SampleTicks(_random);
        var forward = trace.Sampled
            ? request with { CorrelationId = handle.Id, Trace = trace with { SpanId = span }, Due = due }
            : request with { CorrelationId = handle.Id, Due = due };
        _runtime.Clock.ScheduleAt(due, _pod.App, forward, Self);
    }

    /// <summary>Answers 403 at once: the app never sees the request. Counted as a request and an error of the service, without latency.</summary>
    private void Deny(MeshRequest request, InboundVerdict verdict)
    {
        var t = _runtime.Telemetry.For(_pod.ServiceIndex);
        t[ServiceCounter.Requests]++;
        t[ServiceCounter.Errors]++;
        t[ServiceCounter.Denied]++;
        if (verdict == InboundVerdict.DeniedPlaintext) t[ServiceCounter.DeniedPlaintext]++;
        else t[ServiceCounter.DeniedByPolicy]++;
        _pod.Stats.Requests++;
        _pod.Stats.Errors++;
        var now = _runtime.Clock.TimeOf(request.Due);
        _return.Respond(ReturnPath.CallerOf(request), Sender, _random, request.CorrelationId, StatusCodes.Forbidden, ResponseFlags.None, 0, 0, now, 0, t, Self);
    }

    private void OnAppAnswered(MeshResponse response)
    {
        if (!_inbound.TryRemove(new SlotHandle(response.CorrelationId), out var entry)) return;
        Answer(entry, response.Status, response.Flags, response.ResponseBytes, response.Visited, _runtime.Clock.TimeOf(response.Due), response.Retries);
    }

    /// <summary>The app restarted: the requests it was handling are lost, and their callers see a reset.</summary>
    private void ResetInbound()
    {
        var now = _runtime.Clock.Now;
        foreach (var slot in _inbound)
        {
            var entry = _inbound[slot];
            _inbound.Free(slot);
            Answer(entry, StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamReset, 0, 0, now);
        }
    }

    /// <summary>Answers the caller at mesh time <paramref name="now"/>: counts and times the request, and sends the answer back over the network from then.</summary>
    private void Answer(in InboundEntry entry, int status, ResponseFlags flags, int bytes, ulong visited, long now, int retries = 0)
    {
        if (entry.Trace.Sampled)
            _runtime.Traces.Record(entry.Trace.TraceId, entry.Span, entry.Trace.SpanId, HopKind.SidecarIn, _pod.Spec.Service.Name, entry.Start, now, status, flags);
        _return.Answer(_pod.Stats, _runtime.Telemetry.For(_pod.ServiceIndex), entry.Source, entry.ReplyTo, _random, entry.CorrelationId,
            status, flags, bytes, visited, entry.Start, now, retries, Self);
    }

    private ILoggingAdapter Logger => _log ??= Context.GetLogger();

    string? IConfigOwner.Problems(ConfigSnapshot snapshot) => ConfigClient.MeshProblems(snapshot);

    ILoggingAdapter IConfigOwner.Log => Logger;

    void IConfigOwner.Apply(ConfigSnapshot snapshot)
    {
        _return.Apply(snapshot.Topology);
        _proxyLatency = snapshot.Topology.Mesh.ProxyLatency;
        _authorizer = CompiledConfig.Of(snapshot.Topology).AuthorizerOf(_pod.Spec.Service.Name);
        _router.Apply(snapshot, _proxyLatency);
    }
}

/// <summary>A span opened by a hop and closed when it answers.</summary>
internal readonly record struct OpenSpan(TraceContext Trace, long Id, long Start);

/// <summary>Thrown by a container told to crash (<see cref="CrashContainer"/>): supervision restarts it.</summary>
internal sealed class ContainerCrashedException(string message) : Exception(message);
