using System.Diagnostics;
using System.Runtime.InteropServices;
using Akka.Actor;

namespace ActorMesh.Time;

/// <summary>
/// The real-time clock of a run: <see cref="Stopwatch"/> time and a dedicated timer thread that
/// delivers scheduled messages with sub-millisecond accuracy.
/// </summary>
/// <remarks>
/// Akka's default scheduler ticks every 10 ms, far too coarse for 1 ms network hops. This clock
/// keeps one heap of deliveries on its own thread: it blocks on an event while the next delivery is
/// more than a couple of milliseconds away, sleeps in short high-resolution slices (nanosleep with a
/// 1 µs timer slack on Linux) when it is close, and spins only for the last few microseconds.
/// Producers append to a locked batch that the thread swaps out, so scheduling allocates nothing.
/// </remarks>
public sealed class HighResolutionClock : MeshClock
{
    private static readonly long StopwatchPerTick = Stopwatch.Frequency % TimeSpan.TicksPerSecond == 0
        ? Stopwatch.Frequency / TimeSpan.TicksPerSecond
        : 0;
    private static readonly double TicksPerStopwatch = TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency;

    private const long CoarseWaitThreshold = 2 * TicksPerMillisecond;
    private const long SpinThreshold = 300; // 30 µs
    private const long MaxFineSleep = 2_000; // 200 µs

    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly Lock _lock = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly DeliveryHeap _heap = new();
    private readonly Thread _thread;
    private TimedDelivery[] _incoming = new TimedDelivery[4096];
    private TimedDelivery[] _draining = new TimedDelivery[4096];
    private int _incomingCount;
    private long _sleepingUntil; // due time the thread sleeps towards; producers wake it for anything earlier
    private volatile bool _stopping;
    private long _delivered;

    /// <summary>Starts the clock and its delivery thread.</summary>
    public HighResolutionClock()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "actormesh-clock", Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    /// <inheritdoc />
    public override long Now
    {
        get
        {
            var elapsed = Stopwatch.GetTimestamp() - _origin;
            return StopwatchPerTick > 0 ? elapsed / StopwatchPerTick : (long)(elapsed * TicksPerStopwatch);
        }
    }

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
        lock (_lock)
        {
            if (_incomingCount == _incoming.Length) Array.Resize(ref _incoming, _incoming.Length * 2);
            _incoming[_incomingCount++] = new TimedDelivery(due, target, message, sender);
        }
        if (due < Volatile.Read(ref _sleepingUntil)) _wake.Set();
    }

    private void Run()
    {
        LinuxTimer.TightenTimerSlack();
        var spin = new SpinWait();
        while (!_stopping)
        {
            DrainIncoming();
            var now = Now;
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
                Interlocked.Add(ref _delivered, delivered);
                spin.Reset();
                continue;
            }

            var next = _heap.Count > 0 ? _heap.PeekDue : long.MaxValue;
            var wait = next == long.MaxValue ? long.MaxValue : next - Now;
            if (wait > CoarseWaitThreshold)
            {
                Volatile.Write(ref _sleepingUntil, next);
                // Re-check after publishing the sleep target: a producer may have just appended.
                if (Volatile.Read(ref _incomingCount) == 0)
                {
                    var ms = wait == long.MaxValue ? 100 : (int)Math.Min(100, (wait - TicksPerMillisecond) / TicksPerMillisecond);
                    _wake.Wait(Math.Max(ms, 1));
                }
                Volatile.Write(ref _sleepingUntil, 0);
                _wake.Reset();
            }
            else if (wait > SpinThreshold)
            {
                LinuxTimer.Sleep(Math.Min(wait - SpinThreshold, MaxFineSleep));
            }
            else
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

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
        _stopping = true;
        _wake.Set();
        _thread.Join(TimeSpan.FromSeconds(2));
        _wake.Dispose();
        base.Dispose();
    }

    /// <summary>Short sleeps below the millisecond on Linux; a yield elsewhere.</summary>
    private static class LinuxTimer
    {
        private const int PrSetTimerSlack = 29;
        private static readonly bool IsLinux = OperatingSystem.IsLinux();

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "nanosleep")]
        private static extern int NanoSleep(ref TimeSpec request, IntPtr remaining);

        [DllImport("libc", EntryPoint = "prctl")]
        private static extern int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

        public static void TightenTimerSlack()
        {
            if (!IsLinux) return;
            try { Prctl(PrSetTimerSlack, 1, 0, 0, 0); }
            catch (DllNotFoundException) { }
            catch (EntryPointNotFoundException) { }
        }

        public static void Sleep(long ticks)
        {
            if (!IsLinux)
            {
                Thread.Yield();
                return;
            }
            var spec = new TimeSpec { Seconds = 0, Nanoseconds = ticks * 100 };
            NanoSleep(ref spec, IntPtr.Zero);
        }
    }
}
