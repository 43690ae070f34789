using System.Diagnostics;

namespace ActorMesh.Time;

/// <summary>
/// The real-time clock of a run: <see cref="Stopwatch"/> time and a dedicated timer thread that
/// delivers scheduled messages with sub-millisecond accuracy.
/// </summary>
/// <remarks>
/// Akka's default scheduler ticks every 10 ms, far too coarse for 1 ms network hops. This clock
/// keeps one heap of deliveries on its own thread. The thread sleeps until shortly before the next
/// due time, in one wait that a producer scheduling something earlier cuts short (on Linux a futex
/// with an absolute deadline, see <see cref="TimerWait"/>), then polls the clock for the last 50 µs,
/// because waking up takes ~40 µs on the project's VMs. Polling is capped at 1/20 of a core; past
/// that the thread sleeps to each due time and deliveries are ~40 µs late instead. Idle, it wakes
/// once a second. It never yields: an earlier design that slept in 200 µs slices and spun on
/// sched_yield for the last 30 µs kept ~0.3 core busy at 2,000 requests/s and was several ms late
/// at p99 whenever a yield handed the core to a busy thread. Producers append to a locked batch that
/// the thread swaps out, so scheduling allocates nothing.
/// </remarks>
internal sealed class HighResolutionClock : MeshClock
{
    private static readonly long StopwatchPerTick = Stopwatch.Frequency % TimeSpan.TicksPerSecond == 0
        ? Stopwatch.Frequency / TimeSpan.TicksPerSecond
        : 0;
    private static readonly double TicksPerStopwatch = TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency;

    // With nothing scheduled the thread still looks up once a second; it costs nothing and bounds any surprise.
    private const long IdleWait = TimeSpan.TicksPerSecond;

    // Waking from a sleep takes ~30-50 µs at p50 and ~50-65 µs at p90 on this project's 2-vCPU VMs
    // (an idle vCPU halts and the host has to run it again). So the thread wakes this much early and
    // polls the clock for the rest: the timer thread's own lateness drops from ~40 µs to under 1 µs at
    // p50 and to ~30 µs at p99, for ~20 µs of polling per wake-up ...
    private const long PollMargin = 500; // 50 µs, in ticks
    // ... but only while polling has cost less than 1/20 of a core: when due times are dense (a mesh
    // under load) the thread would otherwise poll all the time. Past the budget it sleeps to each due time.
    private const long PollShareDivisor = 20;
    private static readonly long MaxPollCredit = Stopwatch.Frequency / 50; // 20 ms of polling in hand

    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly Lock _lock = new();
    private readonly TimerWait _wait = new();
    private readonly DeliveryHeap _heap = new();
    private readonly Thread _thread;
    private TimedDelivery[] _incoming = new TimedDelivery[4096];
    private TimedDelivery[] _draining = new TimedDelivery[4096];
    private int _incomingCount;
    // Due time the thread waits for, under _lock; long.MinValue while it is awake or already being
    // woken, so a producer makes at most one wake-up call per wait.
    private long _sleepingUntil = long.MinValue;
    private volatile bool _stopping;
    private long _delivered;

    /// <summary>Starts the clock and its delivery thread.</summary>
    public HighResolutionClock()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "actormesh-clock", Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    /// <inheritdoc />
    public override long Now => ToTicks(Stopwatch.GetTimestamp());

    /// <summary>Deliveries made since the clock started.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <inheritdoc />
    public override int Pending => Volatile.Read(ref _incomingCount) + _heap.Count;

    /// <inheritdoc />
    public override void Schedule(long delayTicks, IActorRef target, object message, IActorRef sender)
    {
        if (delayTicks <= 0)
        {
            target.Tell(message, sender);
            return;
        }
        var due = Now + delayTicks;
        bool wake;
        lock (_lock)
        {
            if (_incomingCount == _incoming.Length) Array.Resize(ref _incoming, _incoming.Length * 2);
            _incoming[_incomingCount++] = new TimedDelivery(due, target, message, sender);
            wake = due < _sleepingUntil;
            if (wake) _sleepingUntil = long.MinValue;
        }
        if (wake) _wait.Wake();
    }

    private void Run()
    {
        TimerWait.TightenTimerSlack();
        var pollCredit = MaxPollCredit; // Stopwatch units
        var lastLook = Stopwatch.GetTimestamp();
        var polled = false;
        var wokeEarly = false; // woke PollMargin early to poll: polls to the due time even if the budget ran out meanwhile
        while (!_stopping)
        {
            DrainIncoming();
            var stamp = Stopwatch.GetTimestamp();
            // The polling budget earns 1/PollShareDivisor of the time that passes and pays for the time spent polling.
            var elapsed = stamp - lastLook;
            lastLook = stamp;
            pollCredit = Math.Min(MaxPollCredit, pollCredit + elapsed / PollShareDivisor - (polled ? elapsed : 0));
            polled = false;

            var now = ToTicks(stamp);
            var delivered = 0;
            while (_heap.Count > 0 && _heap.PeekDue <= now)
            {
                var d = _heap.Pop();
                d.Target.Tell(d.Message, d.Sender);
                if (++delivered % 512 == 0)
                {
                    DrainIncoming();
                    now = Now;
                }
            }
            if (delivered > 0)
            {
                wokeEarly = false;
                Interlocked.Add(ref _delivered, delivered);
                continue; // more may have come due while delivering
            }

            var mayPoll = _heap.Count > 0 && (pollCredit > 0 || wokeEarly);
            var next = _heap.Count > 0 ? _heap.PeekDue : now + IdleWait;
            if (mayPoll && next - now <= PollMargin)
            {
                // Poll with neither yield (it may hand the core away for a whole time slice) nor PAUSE
                // (long PAUSE loops can make the hypervisor deschedule the vCPU: pause-loop exiting).
                polled = true;
                continue;
            }
            var wakeAt = mayPoll ? next - PollMargin : next;
            lock (_lock)
            {
                // Publishing the wait and checking for new work under the producers' lock means no wake-up is lost.
                if (_incomingCount > 0 || _stopping) continue;
                _sleepingUntil = wakeAt;
                _wait.Arm();
            }
            _wait.WaitUntil(ToStopwatch(wakeAt));
            wokeEarly = mayPoll;
            Volatile.Write(ref _sleepingUntil, long.MinValue);
        }
    }

    private long ToTicks(long stamp)
    {
        var elapsed = stamp - _origin;
        return StopwatchPerTick > 0 ? elapsed / StopwatchPerTick : (long)(elapsed * TicksPerStopwatch);
    }

    private long ToStopwatch(long ticks) =>
        _origin + (StopwatchPerTick > 0 ? ticks * StopwatchPerTick : (long)(ticks / TicksPerStopwatch));

    private void DrainIncoming()
    {
        if (Volatile.Read(ref _incomingCount) == 0) return;
        int count;
        lock (_lock)
        {
            (_incoming, _draining) = (_draining, _incoming);
            count = _incomingCount;
            _incomingCount = 0;
        }
        for (var i = 0; i < count; i++)
        {
            _heap.Push(_draining[i]);
            _draining[i] = default;
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        lock (_lock) _stopping = true; // under the lock: the thread either sees it or is already waiting
        _wait.Wake();
        _thread.Join(TimeSpan.FromSeconds(2));
        base.Dispose();
    }
}
