using ActorMesh.DataPlane.Logs;
using ActorMesh.DataPlane.Network;
using ActorMesh.DataPlane.Pod;
using ActorMesh.DataPlane.Proxy;
using ActorMesh.DataPlane.Settings;
using ActorMesh.DataPlane.Upstream;
using Akka.Event;

namespace ActorMesh.DataPlane.App;

/// <summary>
/// One service instance (the app container). It has a fixed number of workers and a bounded queue;
/// a request holds a worker while it computes (the service time), may fail by injected error, then
/// runs its script of sleeps and downstream calls. Calls go only through its own sidecar (or, in a
/// mesh without sidecars, straight over the network through a plain client with no policies).
/// With a log collector in the pod it records one structured event per answered request into the
/// pod's log buffer (a struct copy; no Serilog call here). Its settings come from its config-sync sidecar.
/// </summary>
/// <remarks>
/// Jobs live in a pooled <see cref="SlotTable{T}"/> of one slot per worker (a job holds a worker); a job's
/// slot is re-keyed for each step timer and each call (a call's answer names its call), so a timer or answer
/// meant for an earlier step, or for a job that has ended, is stale. A job keeps its own mesh time
/// (<see cref="Job.At"/>, due times, DESIGN §6): its compute ends at its start + the service time, each
/// wait from the previous step's due end, however late the actor ran, so lateness never piles up into
/// the service's time or its queue (<see cref="WorkerPool"/>).
/// </remarks>
internal sealed class App : UntypedActor, IUpstreamOwner, IConfigOwner
{
    private readonly PodContext _pod;
    private readonly MeshRuntime _runtime;
    private readonly MeshRandom _random;
    // Made on first use: most apps never log, and a logger per actor is ~100 bytes and a path string.
    private ILoggingAdapter? _log;
    private readonly bool _hasSidecar;
    private readonly ServiceSpec _spec;
    private Distribution _serviceTime;
    private ErrorInjection _errors;
    private readonly ImmutableArray<ScriptStep> _script;
    private readonly SlotTable<Job> _jobs;
    private readonly WorkerPool _workers;
    // Without a sidecar the app calls endpoints itself: a plain client (round robin, no retries or timeouts).
    private UpstreamRouter? _client;
    private ConfigClient? _config;
    private readonly ContainerMemory<AppMemory> _memory;
    private readonly ReturnPath _return;
    private readonly LogSpool? _logs;
    private readonly double _logSampleRate;
    private readonly int _logBatch;
    // Its own stream, so that turning log sampling on does not change the sampled service times and errors.
    private readonly MeshRandom? _logSampling;
    private readonly ulong _ownBit;
    private readonly System.Collections.Frozen.FrozenSet<string> _ownStores;
    private readonly System.Collections.Frozen.FrozenDictionary<string, int> _moduleIndex;
    private readonly CallFallbacks _fallbacks;

    public App(PodContext pod, ContainerMemory<AppMemory> memory)
    {
        _pod = pod;
        _runtime = pod.Runtime;
        _memory = memory;
        var incarnation = memory.Start();
        _random = _runtime.Random.Stream(pod.PodId, ContainerKinds.App, incarnation);
        _hasSidecar = pod.Spec.Sidecar;
        _spec = pod.Spec.Service;
        _return = new ReturnPath(_runtime.Network, new LinkEnd(_spec.Name, pod.Spec.Zone, pod.PodId));
        _serviceTime = memory.State.ServiceTime;
        _errors = memory.State.Errors;
        _script = _spec.Script;
        _jobs = new SlotTable<Job>(Math.Clamp(_spec.Workers, 1, SlotHandle.MaxSlots), SlotKind.Job, incarnation);
        _workers = new WorkerPool(_spec.Workers, _spec.QueueCapacity);
        _ownBit = pod.ServiceIndex < 64 ? 1UL << pod.ServiceIndex : 0;
        var template = ServiceTemplate.Of(_spec);
        _ownStores = template.Stores;
        _moduleIndex = template.Modules;
        _fallbacks = new CallFallbacks(_spec, _runtime.Services, _runtime.Telemetry);
        _logs = pod.Logs;
        if (_spec.LogCollector is { } logs)
        {
            _logSampleRate = logs.SampleRate;
            _logBatch = logs.BatchSize;
            if (logs.SampleRate is > 0 and < 1) _logSampling = _runtime.Random.Stream($"{pod.PodId}/app/{incarnation}/log-sampling");
        }
    }

    public static Props Props(PodContext pod)
    {
        var memory = new ContainerMemory<AppMemory>(AppMemory.Of(pod.Spec));
        return pod.Runtime.PodProps(() => new App(pod, memory));
    }

    protected override void PreStart()
    {
        if (!_hasSidecar)
        {
            _client = new UpstreamRouter(_spec.Name, _runtime, _random, Self, this, _memory.Incarnation, zone: _pod.Spec.Zone, pod: _pod.PodId);
            // It takes its config itself; it applies no mesh policy, so it checks nothing in it but the version.
            _config = new ConfigClient(_pod.PodId, "App of", _pod.PodId, this);
            if (_memory.State.Config is { } last) _config.Resume(last);
        }
    }

    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        Logger.Warning("App container of {0} restarted after {1}: {2}", _pod.PodId, reason.GetType().Name, reason.Message);
        _pod.Proxy.Tell(AppRestarted.Instance, Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case MeshRequest request:
                Admit(request, Sender);
                break;
            case JobStepDone done:
                OnStepDone(done);
                break;
            case EgressResult r:
                OnCallResult(r.CallId, new CallResult(r.Status, r.Flags, 0, r.Visited, r.Retries, 0, _runtime.Clock.TimeOf(r.Due)));
                break;
            case SidecarRestarted:
                FailCallsInFlight();
                break;
            case ChangeBehaviour change:
                if (change.ServiceTime is { } serviceTime) _serviceTime = serviceTime;
                if (change.Errors is { } errors) _errors = errors;
                _memory.State = _memory.State with { ServiceTime = _serviceTime, Errors = _errors };
                break;
            case ConfigPush push when _config is not null:
                _runtime.Network.Answer(push.Snapshot, _random, Sender, _config.Receive(push.Snapshot).Answer, Self);
                break;
            case ApplySettings apply:
                if (apply.Settings.Version <= _memory.State.Settings.Version) break;
                _memory.State = _memory.State with { Settings = apply.Settings };
                Context.Parent.Tell(new SettingsInForce(apply.Settings.Version), Self);
                break;
            case CrashContainer:
                throw new ContainerCrashedException($"app of {_pod.PodId} crashed on request");
            default:
                if (_client is null || !_client.Handle(message)) Unhandled(message);
                break;
        }
    }

    // ---- admission ---------------------------------------------------------------------------

    private void Admit(MeshRequest request, IActorRef replyTo)
    {
        var arrived = _runtime.Clock.TimeOf(request.Due);
        if (_workers.TryTake(arrived, out var start)) Start(request, replyTo, arrived, start);
        else if (!_workers.TryWait(new WaitingRequest(request, replyTo, arrived)))
            Reply(request, replyTo, arrived, StatusCodes.ServiceUnavailable, ResponseFlags.Overloaded, 0, arrived);
    }

    /// <summary>Starts a job on a worker at mesh time <paramref name="start"/> (its arrival, or when its worker became free).</summary>
    private void Start(MeshRequest request, IActorRef replyTo, long arrived, long start)
    {
        if (!_jobs.TryAdd(out var slot)) throw new InvalidOperationException("more jobs than workers");
        var job = _jobs[slot] ??= new Job();
        job.Request = request;
        job.ReplyTo = replyTo;
        job.Arrived = arrived;
        job.Computed = false;
        job.Failed = false;
        job.FailStatus = 0;
        job.Pending = 0;
        job.Wait = 0;
        job.At = start;
        job.Retries = 0;
        job.Visited = _ownBit;
        job.Committed = false;
        job.Depth = 0;
        job.Frames[0] = new ScriptFrame(_script, -1);
        job.Span = 0;
        if (request.Trace.Sampled)
        {
            job.Span = TraceCollector.NewSpanId(_random);
            // Without a sidecar the request came straight off the network: that leg is the app's to time.
            if (!_hasSidecar && request.SentAt > 0)
                _runtime.Traces.Record(request.Trace.TraceId, TraceCollector.NewSpanId(_random), request.Trace.SpanId, HopKind.Network, _spec.Name, request.SentAt, arrived, 0);
        }
        var compute = _serviceTime.IsZero ? 0 : _serviceTime.SampleTicks(_random);
        if (compute > 0) _runtime.Clock.ScheduleAt(start + compute, Self, new JobStepDone(_jobs.HandleOf(slot), start + compute), Self);
        else AfterCompute(slot, job);
    }

    private void AfterCompute(int slot, Job job)
    {
        job.Computed = true;
        if (_errors.Rate > 0 && _random.Chance(_errors.Rate))
        {
            Finish(slot, job, _errors.Status);
            return;
        }
        Run(slot, job);
    }

    // ---- script ------------------------------------------------------------------------------

    /// <summary>
    /// Runs the job's script from where it stands. Sleeps, data-store round trips and in-process module
    /// calls only add to the job's pending wait; the wait is served by one timer just before the next
    /// network call (or the answer), so a chain of 100 ns module calls costs one timer, not one each.
    /// </summary>
    private void Run(int slot, Job job)
    {
        while (!job.Failed)
        {
            var frame = job.Frames[job.Depth];
            if (frame.Step >= frame.Script.Length)
            {
                if (job.Depth == 0) break;
                job.Depth--; // the module returns to its caller
                continue;
            }
            var step = frame.Script[frame.Step];
            switch (step)
            {
                case SleepStep sleep:
                    job.Frames[job.Depth].Step++;
                    job.Wait += sleep.Duration.SampleTicks(_random);
                    continue;
                case StoreStep store:
                    job.Frames[job.Depth].Step++;
                    Access(store, job);
                    job.Wait += store.Latency.SampleTicks(_random);
                    continue;
                case ModuleStep module:
                    job.Frames[job.Depth].Step++;
                    Enter(job, frame.Module, module.Module);
                    continue;
            }
            // A network call: first let the pending wait pass (the call step runs again afterwards).
            if (job.Wait > 0)
            {
                Defer(slot, job);
                return;
            }
            job.Frames[job.Depth].Step++;
            switch (step)
            {
                case CallStep call:
                    if (!_random.Chance(call.Call.Probability)) continue;
                    job.Issued = 0;
                    job.Pending = 1;
                    job.Issuing = true;
                    Call(slot, job, call.Call);
                    job.Issuing = false;
                    if (job.Pending > 0) return;
                    continue;
                case ParallelStep parallel:
                    var calls = parallel.Calls;
                    job.Issued = 0;
                    job.Pending = calls.Length;
                    job.Issuing = true;
                    var skipped = 0;
                    for (var i = 0; i < calls.Length; i++)
                    {
                        if (_random.Chance(calls[i].Probability)) Call(slot, job, calls[i]);
                        else skipped++;
                    }
                    job.Issuing = false;
                    job.Pending -= skipped;
                    if (job.Pending > 0) return;
                    continue;
            }
        }
        if (job.Wait > 0)
        {
            Defer(slot, job);
            return;
        }
        Finish(slot, job, job.Failed ? job.FailStatus : StatusCodes.Ok);
    }

    /// <summary>Lets the pending wait pass from the job's due time: the script goes on when it is over.</summary>
    private void Defer(int slot, Job job)
    {
        var due = job.At + job.Wait;
        _runtime.Clock.ScheduleAt(due, Self, new JobStepDone(_jobs.Rekey(slot), due), Self);
        job.Wait = 0;
    }

    /// <summary>An in-process call into a module: its cost joins the pending wait, its script runs next.</summary>
    private void Enter(Job job, int caller, string name)
    {
        var callee = _moduleIndex[name];
        var module = _spec.Modules[callee];
        var t = _runtime.Telemetry.For(_pod.ServiceIndex);
        t.RecordModuleCall(caller, callee);
        var cost = module.ServiceTime.SampleTicks(_random);
        t[ServiceCounter.ModuleCallNanoseconds] += cost * 100;
        job.Wait += cost;
        if (module.Errors.Rate > 0 && _random.Chance(module.Errors.Rate))
        {
            job.Failed = true;
            job.FailStatus = module.Errors.Status;
            return;
        }
        if (++job.Depth == job.Frames.Length) Array.Resize(ref job.Frames, job.Frames.Length * 2);
        job.Frames[job.Depth] = new ScriptFrame(module.Script, callee);
    }

    /// <summary>A data-store round trip: a write commits this service's part; a store it does not own is a violation.</summary>
    private void Access(StoreStep store, Job job)
    {
        if (store.Write) job.Committed = true;
        if (!_ownStores.Contains(store.Store)) _runtime.Telemetry.For(_pod.ServiceIndex).RecordForeignStore(store.Store, store.Write);
    }

    private void Call(int slot, Job job, ServiceCall call)
    {
        var callId = _jobs.Rekey(slot).Id;
        job.Track(call, callId);
        var trace = job.Request!.Trace;
        if (trace.Sampled) trace = trace with { SpanId = job.Span };
        if (_client is not null) _client.Send(Self, callId, call.Service, call.Path, call.RequestBytes, trace, job.At);
        else _pod.Proxy.Tell(new EgressCall(callId, call.Service, call.Path, call.RequestBytes, trace, job.At), Self);
    }

    private void OnStepDone(JobStepDone done)
    {
        if (!_jobs.TryResolve(done.Handle, out var slot)) return;
        var job = _jobs[slot];
        job.At = _runtime.Clock.TimeOf(done.Due);
        if (!job.Computed) AfterCompute(slot, job);
        else Run(slot, job);
    }

    /// <summary>A call of the current step answered (each call has its own id, a re-key of the job's slot); the step goes on from when it ended.</summary>
    private void OnCallResult(long callId, in CallResult result)
    {
        if (!_jobs.TryResolveHeld(new SlotHandle(callId), out var slot)) return;
        var job = _jobs[slot];
        if (job.Answer(callId) is not { } call) return;
        var (status, flags) = (result.Status, result.Flags);
        job.Visited |= result.Visited;
        job.Retries += result.Retries;
        // The step goes on when its last call ended.
        if (result.End > job.At) job.At = result.End;
        job.Committed |= (flags & ResponseFlags.Committed) != 0;
        // A failed call fails the request once the step's calls have all answered, unless it degrades it.
        if (!_fallbacks.Take(call, status, flags, result.End, ref job.Degraded) && !job.Failed)
        {
            job.Failed = true;
            job.FailStatus = StatusCodes.InternalServerError;
        }
        if (--job.Pending > 0 || job.Issuing) return;
        Run(slot, job);
    }

    void IUpstreamOwner.OnCallCompleted(IActorRef caller, long callerId, in CallResult result) => OnCallResult(callerId, result);

    /// <summary>
    /// The sidecar restarted: the calls it carried are gone (reset), and fail as any failed call does (a
    /// late answer is stale). Collected first: jobs that go on make their next calls through the new sidecar.
    /// </summary>
    private void FailCallsInFlight()
    {
        var now = _runtime.Clock.Now;
        var lost = new List<long>();
        foreach (var i in _jobs) _jobs[i].Unanswered(lost);
        foreach (var id in lost) OnCallResult(id, new CallResult(StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamReset, 0, 0, 0, now, now));
    }

    private void Finish(int slot, Job job, int status)
    {
        var request = job.Request!;
        var replyTo = job.ReplyTo!;
        var (arrived, visited, retries, end) = (job.Arrived, job.Visited, job.Retries, job.At);
        var flags = job.Committed ? ResponseFlags.Committed : ResponseFlags.None;
        if (job.Degraded && StatusCodes.IsSuccess(status)) flags |= ResponseFlags.Degraded;
        if (request.Trace.Sampled)
            _runtime.Traces.Record(request.Trace.TraceId, job.Span, request.Trace.SpanId, HopKind.App, _spec.Name, arrived, end, status);
        job.End();
        _jobs.Free(slot);
        Reply(request, replyTo, arrived, status, flags, StatusCodes.IsSuccess(status) ? _spec.ResponseBytes : 0, end, visited, retries);
        // The worker is free from the job's due end: the next waiting request starts then, or on arrival if later.
        if (_workers.Release(end, out var next, out var start)) Start(next.Request, next.ReplyTo, next.Arrived, start);
    }

    /// <summary>Answers at mesh time <paramref name="now"/>: to the sidecar, or without one, back over the network from then.</summary>
    private void Reply(MeshRequest request, IActorRef replyTo, long arrived, int status, ResponseFlags flags, int bytes, long now, ulong visited = 0, int retries = 0)
    {
        if (_logs is not null) Log(request, arrived, status, now);
        if (_hasSidecar)
        {
            replyTo.Tell(new MeshResponse(request.CorrelationId, status, flags, bytes, visited | _ownBit, 0, retries, now), Self);
            return;
        }
        // No sidecar: the app itself is the endpoint, so it records the inbound side and answers over the network.
        _return.Answer(_pod.Stats, _runtime.Telemetry.For(_pod.ServiceIndex), ReturnPath.CallerOf(request), replyTo, _random, request.CorrelationId,
            status, flags, bytes, visited | _ownBit, arrived, now, retries, Self);
    }

    /// <summary>Records the request's log event in the pod's buffer; tells the collector when a full batch waits.</summary>
    private void Log(MeshRequest request, long arrived, int status, long now)
    {
        if (_logSampleRate < 1 && (_logSampling is null || !_logSampling.Chance(_logSampleRate))) return;
        var waiting = _logs!.Append(new LogRecord(now, request.Path, status, now - arrived, request.Trace.TraceId, _memory.State.Settings.Version));
        if (waiting == _logBatch) _pod.LogCollector.Tell(LogsWaiting.Instance, Self);
    }

    private ILoggingAdapter Logger => _log ??= Context.GetLogger();

    string? IConfigOwner.Problems(ConfigSnapshot snapshot) => ConfigClient.NoProblems(snapshot);

    ILoggingAdapter IConfigOwner.Log => Logger;

    void IConfigOwner.Apply(ConfigSnapshot snapshot)
    {
        _return.Apply(snapshot.Topology);
        // No sidecar, no mesh policies: a plain client with one try, no timeout, round robin.
        var plain = snapshot with { Topology = snapshot.Topology with { Mesh = PlainClient(snapshot.Topology.Mesh) } };
        _client!.Apply(plain, Distribution.Zero);
        _memory.State = _memory.State with { Config = snapshot };
    }

    private static MeshSpec PlainClient(MeshSpec mesh) => mesh with
    {
        Defaults = TrafficPolicy.PlainClient,
        Destinations = System.Collections.Immutable.ImmutableDictionary<string, TrafficPolicy>.Empty,
    };
}
