using System.Collections.Immutable;
using ActorMesh.Randomness;
using ActorMesh.Telemetry;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Actor;

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
public sealed class MeshNetwork(MeshClock clock)
{
    private readonly object _gate = new();
    private ImmutableArray<NetworkFault> _steady = [];
    private readonly List<ActiveFault> _timed = [];
    private ActiveFault[] _steadyActive = [];
    private ActiveFault[] _inForce = [];

    /// <summary>The clock deliveries are scheduled on.</summary>
    public MeshClock Clock { get; } = clock;

    /// <summary>The faults in force now (steady, then timed, in the order they started).</summary>
    public IReadOnlyList<NetworkFault> Faults => Array.ConvertAll(Volatile.Read(ref _inForce), f => f.Fault);

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> after one sample of <paramref name="latency"/> plus <paramref name="extraTicks"/>.</summary>
    public void Send(Distribution latency, MeshRandom random, IActorRef target, object message, IActorRef sender, long extraTicks = 0)
    {
        var delay = latency.IsZero ? extraTicks : latency.SampleTicks(random) + extraTicks;
        Clock.Schedule(delay, target, message, sender);
    }

    /// <summary>
    /// Sends a request over the hop from <paramref name="from"/> to <paramref name="to"/>, through the faults in
    /// force. A request the network does not carry is answered to <paramref name="sender"/> as Envoy would see it:
    /// a partition's drop is a connect failure (503, UF) after <paramref name="connectTimeout"/>; a loss is a
    /// connect failure after one hop, or a reset (UR) once the request has reached the peer; a peer's reset is a
    /// reset after one hop. Faults applied are counted in <paramref name="t"/> (the destination's).
    /// </summary>
    public void SendRequest(Distribution latency, MeshRandom random, IActorRef target, MeshRequest request, IActorRef sender, long extraTicks,
        in LinkEnd from, in LinkEnd to, TimeSpan connectTimeout, ServiceTelemetry t)
    {
        var delay = latency.IsZero ? extraTicks : latency.SampleTicks(random) + extraTicks;
        var faults = Volatile.Read(ref _inForce);
        var fate = faults.Length == 0 ? Fate.Delivered : Apply(faults, random, from, to, request.RequestBytes, isRequest: true, ref delay, t);
        switch (fate)
        {
            case Fate.Delivered:
                Clock.Schedule(delay, target, request, sender);
                break;
            case Fate.Dropped:
                Clock.Schedule(connectTimeout.Ticks, sender, Failure(request.CorrelationId, ResponseFlags.UpstreamConnectionFailure), sender);
                break;
            case Fate.ConnectFailure:
                Clock.Schedule(delay, sender, Failure(request.CorrelationId, ResponseFlags.UpstreamConnectionFailure), sender);
                break;
            case Fate.Reset:
                Clock.Schedule(delay, sender, Failure(request.CorrelationId, ResponseFlags.UpstreamReset), sender);
                break;
            case Fate.DeliveredThenReset:
                Clock.Schedule(delay, target, request, sender);
                Clock.Schedule(delay, sender, Failure(request.CorrelationId, ResponseFlags.UpstreamReset), sender);
                break;
        }
    }

    /// <summary>
    /// Sends a response back over the hop from <paramref name="from"/> (the answering pod) to <paramref name="to"/>
    /// (the caller), through the faults in force: latency and bandwidth delay it; a partition or a loss breaks its
    /// connection, and the caller sees a reset (UR) instead. Faults applied are counted in <paramref name="t"/>.
    /// </summary>
    public void SendResponse(Distribution latency, MeshRandom random, IActorRef target, MeshResponse response, IActorRef sender,
        in LinkEnd from, in LinkEnd to, ServiceTelemetry t)
    {
        var delay = latency.IsZero ? 0 : latency.SampleTicks(random);
        var faults = Volatile.Read(ref _inForce);
        var fate = faults.Length == 0 ? Fate.Delivered : Apply(faults, random, from, to, response.ResponseBytes, isRequest: false, ref delay, t);
        Clock.Schedule(delay, target, fate == Fate.Delivered ? response : Failure(response.CorrelationId, ResponseFlags.UpstreamReset), sender);
    }

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

    private enum Fate : byte { Delivered, Dropped, ConnectFailure, Reset, DeliveredThenReset }

    private static MeshResponse Failure(long correlationId, ResponseFlags flag) => new(correlationId, StatusCodes.ServiceUnavailable, flag, 0);

    /// <summary>Every fault matching the hop: delays add up; the first one that breaks the message decides its fate.</summary>
    private Fate Apply(ActiveFault[] faults, MeshRandom random, in LinkEnd from, in LinkEnd to, int bytes, bool isRequest, ref long delay, ServiceTelemetry t)
    {
        var fate = Fate.Delivered;
        foreach (var active in faults)
        {
            var f = active.Fault;
            if (!f.Matches(from, to)) continue;
            switch (f.Kind)
            {
                case NetworkFaultKind.Partition:
                    if (fate != Fate.Delivered) break;
                    t[ServiceCounter.NetworkPartitioned]++;
                    fate = isRequest ? Fate.Dropped : Fate.Reset;
                    break;
                case NetworkFaultKind.Loss:
                    if (fate != Fate.Delivered) break;
                    var u = random.NextDouble();
                    if (u >= f.Rate) break;
                    t[ServiceCounter.NetworkLost]++;
                    fate = !isRequest ? Fate.Reset : u < f.Rate / 2 ? Fate.ConnectFailure : Fate.DeliveredThenReset;
                    break;
                case NetworkFaultKind.ResetPeer:
                    if (fate != Fate.Delivered || !isRequest || (f.Rate < 1 && random.NextDouble() >= f.Rate)) break;
                    t[ServiceCounter.NetworkResets]++;
                    fate = Fate.Reset;
                    break;
                case NetworkFaultKind.Latency:
                    t[ServiceCounter.NetworkDelayed]++;
                    delay += f.Latency.SampleTicks(random);
                    break;
                case NetworkFaultKind.Bandwidth:
                    t[ServiceCounter.NetworkThrottled]++;
                    delay += active.Transmit(Clock.Now + delay, bytes);
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
