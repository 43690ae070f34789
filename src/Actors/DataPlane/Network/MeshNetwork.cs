namespace ActorMesh.DataPlane.Network;

/// <summary>
/// The network: the one place where hop latency and network faults are applied to messages crossing
/// between workloads. A send samples the link's latency with the sender's own random stream and hands the
/// message to the clock's delay service. Requests and responses between workloads pass the faults in force
/// (<see cref="NetworkFault"/>: partition, loss, latency, bandwidth, reset), each counted where it hit.
/// </summary>
/// <remarks>
/// Faults are steady (the config's <see cref="NetworkSpec.Faults"/>, taken from each snapshot applied) or
/// started and ended by the timeline; the set in force is published whole, so senders on any thread read it
/// without a lock, and a hop with no fault in force costs one read more than a plain send.
/// </remarks>
internal sealed class MeshNetwork(MeshClock clock)
{
    private readonly object _gate = new();
    private ImmutableArray<NetworkFault> _steady = [];
    private readonly List<ActiveFault> _timed = [];
    private ActiveFault[] _steadyActive = [];
    private ActiveFault[] _inForce = [];

    /// <summary>The clock deliveries are scheduled on.</summary>
    public MeshClock Clock { get; } = clock;

    /// <summary>
    /// On a cluster node, the outboxes that carry mesh messages to other nodes (null on one node: every
    /// message is delivered straight to its target). Set once, before the run's actors start.
    /// </summary>
    public ICrossNodeLinks? CrossNode { get; set; }

    /// <summary>The faults in force now (steady, then timed, in the order they started).</summary>
    public IReadOnlyList<NetworkFault> Faults => Array.ConvertAll(Volatile.Read(ref _inForce), f => f.Fault);

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="target"/> after one sample of <paramref name="latency"/> plus <paramref name="extraTicks"/>.
    /// A data-plane message to an actor on another node goes, after the same delay, into that node's outbox.
    /// </summary>
    public void Send(Distribution latency, MeshRandom random, IActorRef target, object message, IActorRef sender, long extraTicks = 0)
    {
        var delay = latency.IsZero ? extraTicks : latency.SampleTicks(random) + extraTicks;
        if (CrossNode is { } links && message is DataPlane.IDataPlaneMessage && links.OutboxFor(target) is { } outbox)
        {
            SendAcross(outbox, delay, target, message, sender);
            return;
        }
        Clock.Schedule(delay, target, message, sender);
    }

    /// <summary>
    /// When a message sent at mesh time <paramref name="from"/> arrives: one sample of
    /// <paramref name="latency"/> plus <paramref name="extraTicks"/> later. The sender puts it in the
    /// message and hands both to <see cref="Deliver"/>, so a hop starts from the sender's due time, not
    /// from when it got to run.
    /// </summary>
    public long DueAfter(long from, Distribution latency, MeshRandom random, long extraTicks = 0) =>
        from + extraTicks + (latency.IsZero ? 0 : latency.SampleTicks(random));

    /// <summary>
    /// Delivers <paramref name="message"/> to <paramref name="target"/> at <paramref name="due"/> (at once when that has passed).
    /// A data-plane message to an actor on another node goes, at the same due time, into that node's outbox.
    /// </summary>
    public void Deliver(long due, IActorRef target, object message, IActorRef sender)
    {
        if (CrossNode is { } links && message is DataPlane.IDataPlaneMessage && links.OutboxFor(target) is { } outbox)
        {
            SendAcross(outbox, due - Clock.Now, target, message, sender);
            return;
        }
        Clock.ScheduleAt(due, target, message, sender);
    }

    /// <summary>
    /// A message due now is written into its node pair's open batch by the sender itself; one the hop's
    /// latency holds back goes to the link's batcher when due, which writes it then.
    /// </summary>
    private void SendAcross(ICrossNodeOutbox outbox, long delay, IActorRef target, object message, IActorRef sender)
    {
        if (delay <= 0) outbox.Send(target, message, sender);
        else Clock.Schedule(delay, outbox.Batcher, new CrossNodeSend(target, message, sender), sender);
    }

    /// <summary>
    /// When a request sent at mesh time <paramref name="now"/> over the hop from <paramref name="from"/> to
    /// <paramref name="to"/> is due, through the faults in force (a latency or bandwidth fault delays it), and
    /// its <paramref name="fate"/>. The sender puts the due time in the request and hands both to
    /// <see cref="DeliverRequest"/>. Faults applied are counted in <paramref name="t"/> (the destination's).
    /// </summary>
    internal long RequestDue(long now, Distribution latency, MeshRandom random, long extraTicks, in LinkEnd from, in LinkEnd to, int bytes,
        ServiceTelemetry t, out HopFate fate)
    {
        var delay = extraTicks + (latency.IsZero ? 0 : latency.SampleTicks(random));
        var faults = Volatile.Read(ref _inForce);
        fate = faults.Length == 0 ? HopFate.Delivered : Apply(faults, random, from, to, bytes, isRequest: true, now, ref delay, t);
        return now + delay;
    }

    /// <summary>
    /// Delivers a request by its <paramref name="fate"/>. A request the network does not carry is answered to
    /// <paramref name="sender"/> as Envoy would see it: a partition's drop is a connect failure (503, UF) after
    /// <paramref name="connectTimeout"/> from <paramref name="now"/>; a loss is a connect failure after one hop,
    /// or a reset (UR) once the request has reached the peer; a peer's reset is a reset after one hop.
    /// </summary>
    internal void DeliverRequest(HopFate fate, long now, long due, IActorRef target, MeshRequest request, IActorRef sender, TimeSpan connectTimeout)
    {
        switch (fate)
        {
            case HopFate.Delivered:
                Deliver(due, target, request, sender);
                break;
            case HopFate.Dropped:
                var timedOut = now + connectTimeout.Ticks;
                Deliver(timedOut, sender, Failure(request.CorrelationId, ResponseFlags.UpstreamConnectionFailure, timedOut), sender);
                break;
            case HopFate.ConnectFailure:
                Deliver(due, sender, Failure(request.CorrelationId, ResponseFlags.UpstreamConnectionFailure, due), sender);
                break;
            case HopFate.Reset:
                Deliver(due, sender, Failure(request.CorrelationId, ResponseFlags.UpstreamReset, due), sender);
                break;
            case HopFate.DeliveredThenReset:
                Deliver(due, target, request, sender);
                Deliver(due, sender, Failure(request.CorrelationId, ResponseFlags.UpstreamReset, due), sender);
                break;
        }
    }

    /// <summary>
    /// When a response sent at mesh time <paramref name="now"/> back over the hop from <paramref name="from"/>
    /// (the answering pod) to <paramref name="to"/> (the caller) is due, through the faults in force, and its
    /// <paramref name="fate"/>: a partition or a loss breaks its connection. Faults applied are counted in <paramref name="t"/>.
    /// </summary>
    internal long ResponseDue(long now, Distribution latency, MeshRandom random, in LinkEnd from, in LinkEnd to, int bytes,
        ServiceTelemetry t, out HopFate fate)
    {
        var delay = latency.IsZero ? 0 : latency.SampleTicks(random);
        var faults = Volatile.Read(ref _inForce);
        fate = faults.Length == 0 ? HopFate.Delivered : Apply(faults, random, from, to, bytes, isRequest: false, now, ref delay, t);
        return now + delay;
    }

    /// <summary>Delivers a response by its <paramref name="fate"/>: a broken one reaches the caller as a reset (UR) instead.</summary>
    internal void DeliverResponse(HopFate fate, long due, IActorRef target, MeshResponse response, IActorRef sender) =>
        Deliver(due, target, fate == HopFate.Delivered ? response : Failure(response.CorrelationId, ResponseFlags.UpstreamReset, due), sender);

    /// <summary>
    /// Answers a config push (ACK or NACK) over the network: control-plane traffic crosses it too,
    /// with the mesh's default hop latency, so convergence takes a round trip.
    /// </summary>
    public void Answer(ControlPlane.ConfigSnapshot snapshot, MeshRandom random, IActorRef controlPlane, object answer, IActorRef sender) =>
        Send(snapshot.Topology.Network.Latency, random, controlPlane, answer, sender);

    /// <summary>Takes the steady faults of a config applied on this node (a no-op when they are the ones in force).</summary>
    public void UseSteady(ImmutableArray<NetworkFault> faults)
    {
        if (faults == _steady || (faults.IsDefaultOrEmpty && _steady.IsDefaultOrEmpty)) return;
        lock (_gate)
        {
            if (faults.SequenceEqual(_steady)) return;
            _steady = faults;
            _steadyActive = [.. faults.Select(f => new ActiveFault(f))];
            Publish();
        }
    }

    /// <summary>Starts <paramref name="fault"/> (a timeline event).</summary>
    public void Start(NetworkFault fault)
    {
        lock (_gate)
        {
            _timed.Add(new ActiveFault(fault));
            Publish();
        }
    }

    /// <summary>Ends the earliest started timed fault equal to <paramref name="fault"/>; false when none is in force.</summary>
    public bool End(NetworkFault fault)
    {
        lock (_gate)
        {
            var i = _timed.FindIndex(f => f.Fault == fault);
            if (i < 0) return false;
            _timed.RemoveAt(i);
            Publish();
            return true;
        }
    }

    private void Publish() => Volatile.Write(ref _inForce, [.. _steadyActive, .. _timed]);

    /// <summary>
    /// True when <paramref name="target"/> is known to be gone (a stopped local actor): a connection
    /// attempt to it fails. Remote endpoints are never known gone here; their requests time out.
    /// </summary>
    public static bool IsUnreachable(IActorRef target)
    {
        // Akka discourages IsTerminated in favour of DeathWatch; a watch per endpoint per proxy would
        // cost far more, and here a stale "alive" answer is harmless (the attempt then times out).
#pragma warning disable CS0618
        return target is IInternalActorRef { IsTerminated: true };
#pragma warning restore CS0618
    }

    private static MeshResponse Failure(long correlationId, ResponseFlags flag, long due) => new(correlationId, StatusCodes.ServiceUnavailable, flag, 0, Due: due);

    /// <summary>Every fault matching the hop: delays add up; the first one that breaks the message decides its fate.</summary>
    private HopFate Apply(ActiveFault[] faults, MeshRandom random, in LinkEnd from, in LinkEnd to, int bytes, bool isRequest, long now, ref long delay, ServiceTelemetry t)
    {
        var fate = HopFate.Delivered;
        foreach (var active in faults)
        {
            var f = active.Fault;
            if (!f.Matches(from, to)) continue;
            switch (f.Kind)
            {
                case NetworkFaultKind.Partition:
                    if (fate != HopFate.Delivered) break;
                    t[ServiceCounter.NetworkPartitioned]++;
                    fate = isRequest ? HopFate.Dropped : HopFate.Reset;
                    break;
                case NetworkFaultKind.Loss:
                    if (fate != HopFate.Delivered) break;
                    var u = random.NextDouble();
                    if (u >= f.Rate) break;
                    t[ServiceCounter.NetworkLost]++;
                    fate = !isRequest ? HopFate.Reset : u < f.Rate / 2 ? HopFate.ConnectFailure : HopFate.DeliveredThenReset;
                    break;
                case NetworkFaultKind.ResetPeer:
                    if (fate != HopFate.Delivered || !isRequest || (f.Rate < 1 && random.NextDouble() >= f.Rate)) break;
                    t[ServiceCounter.NetworkResets]++;
                    fate = HopFate.Reset;
                    break;
                case NetworkFaultKind.Latency:
                    t[ServiceCounter.NetworkDelayed]++;
                    delay += f.Latency.SampleTicks(random);
                    break;
                case NetworkFaultKind.Bandwidth:
                    t[ServiceCounter.NetworkThrottled]++;
                    delay += active.Transmit(now + delay, bytes);
                    break;
            }
        }
        return fate;
    }

    /// <summary>A fault in force, with its link's queue (for a bandwidth limit).</summary>
    private sealed class ActiveFault(NetworkFault fault)
    {
        private long _busyUntil;

        public NetworkFault Fault { get; } = fault;

        /// <summary>Queues <paramref name="bytes"/> on the link from <paramref name="at"/>: the ticks until they are through (waiting for the bytes queued before, then its own).</summary>
        public long Transmit(long at, int bytes)
        {
            var ticks = (long)(bytes * (double)TimeSpan.TicksPerSecond / Fault.BytesPerSecond);
            long busy, end;
            do
            {
                busy = Volatile.Read(ref _busyUntil);
                end = Math.Max(at, busy) + ticks;
            }
            while (Interlocked.CompareExchange(ref _busyUntil, end, busy) != busy);
            return end - at;
        }
    }
}

/// <summary>Where mesh messages to actors on other nodes go: one outbox per other node.</summary>
internal interface ICrossNodeLinks : IDisposable
{
    /// <summary>The outbox of <paramref name="target"/>'s node; null when <paramref name="target"/> is on this node.</summary>
    ICrossNodeOutbox? OutboxFor(IActorRef target);
}

/// <summary>The pending batch of mesh messages to one other node.</summary>
internal interface ICrossNodeOutbox
{
    /// <summary>The actor that takes messages due later (<see cref="CrossNodeSend"/>) and flushes the batch.</summary>
    IActorRef Batcher { get; }

    /// <summary>Adds a message due now to the open batch (encoded at once, on the caller's thread).</summary>
    void Send(IActorRef target, object message, IActorRef sender);
}

/// <summary>A mesh message held back for its hop's latency on its way to another node: where it goes and who sent it.</summary>
internal sealed record CrossNodeSend(IActorRef Target, object Message, IActorRef Sender) : INoSerializationVerificationNeeded;

/// <summary>What the network does with one message: carries it, or breaks it as a fault decides.</summary>
internal enum HopFate : byte { Delivered, Dropped, ConnectFailure, Reset, DeliveredThenReset }
