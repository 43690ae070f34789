using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorMesh.Time;

/// <summary>
/// The timer thread's one way to wait: until a <see cref="Stopwatch"/> deadline, or until another
/// thread calls <see cref="Wake"/>, whichever comes first.
/// </summary>
/// <remarks>
/// .NET has no sub-millisecond wait a producer can interrupt (events and Thread.Sleep take whole
/// milliseconds), so on Linux this is a private futex: FUTEX_WAIT_BITSET with an absolute
/// CLOCK_MONOTONIC deadline, which is exactly the clock <see cref="Stopwatch"/> reads there. That is
/// one system call per wait; if the thread is preempted before it gets there, the wait returns at
/// once instead of sleeping its whole length again. Elsewhere (or if Stopwatch turns out not to be
/// CLOCK_MONOTONIC in nanoseconds) an event wait of whole milliseconds, then yields, stands in.
/// Usage: the waiter calls <see cref="Arm"/> under the lock producers take, then
/// <see cref="WaitUntil"/> outside it; a <see cref="Wake"/> after <see cref="Arm"/> is never lost.
/// </remarks>
internal sealed class TimerWait
{
    private const int ClockMonotonic = 1;
    private const int FutexWake = 1;
    private const int FutexWaitBitset = 9;
    private const int FutexPrivate = 128;
    private const int FutexMatchAny = -1;
    private const int PrSetTimerSlack = 29;

    private static readonly long FutexSyscall = FindFutex();

    // The futex word: 0 armed, 1 woken. Pinned so the kernel can use its address.
    private readonly int[] _word = GC.AllocateArray<int>(1, pinned: true);
    private readonly IntPtr _address;
    private readonly ManualResetEventSlim? _event;

    public TimerWait()
    {
        _address = Marshal.UnsafeAddrOfPinnedArrayElement(_word, 0);
        if (FutexSyscall == 0) _event = new ManualResetEventSlim(false, spinCount: 0);
    }

    /// <summary>Whether waits are precise (futex) rather than milliseconds and yields.</summary>
    public static bool IsPrecise => FutexSyscall != 0;

    /// <summary>Lets the kernel fire this thread's timers within 1 ns of their deadline rather than the default 50 µs.</summary>
    public static void TightenTimerSlack()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { Prctl(PrSetTimerSlack, 1, 0, 0, 0); }
        catch (DllNotFoundException) { }
        catch (EntryPointNotFoundException) { }
    }

    /// <summary>Prepares a wait: any <see cref="Wake"/> from now on ends it.</summary>
    public void Arm()
    {
        Volatile.Write(ref _word[0], 0);
        _event?.Reset();
    }

    /// <summary>Ends the current (or the next armed) wait early.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _word[0], 1) != 0) return;
        if (_event is not null) _event.Set();
        else Futex(_address, FutexWake | FutexPrivate, int.MaxValue, IntPtr.Zero, IntPtr.Zero, 0);
    }

    /// <summary>Waits until <paramref name="deadline"/> (a Stopwatch timestamp) or a <see cref="Wake"/>; may return early, never much late.</summary>
    public void WaitUntil(long deadline)
    {
        if (_event is null)
        {
            var spec = new TimeSpec { Seconds = deadline / 1_000_000_000, Nanoseconds = deadline % 1_000_000_000 };
            // Returns at the deadline, on a wake, at once if already woken (EAGAIN) or on a signal (EINTR): all fine for a loop.
            FutexWait(_address, FutexWaitBitset | FutexPrivate, 0, ref spec, IntPtr.Zero, FutexMatchAny);
            return;
        }
        var ms = (deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
        if (ms >= 1) _event.Wait((int)Math.Min(ms, int.MaxValue));
        else Thread.Yield();
    }

    private static long FindFutex()
    {
        if (!OperatingSystem.IsLinux() || Stopwatch.Frequency != 1_000_000_000) return 0;
        long number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 202,
            Architecture.Arm64 => 98,
            _ => 0,
        };
        if (number == 0) return 0;
        try
        {
            // The absolute deadline relies on Stopwatch reading CLOCK_MONOTONIC in ns, as .NET does on Linux: check it.
            var before = Stopwatch.GetTimestamp();
            if (ClockGetTime(ClockMonotonic, out var now) != 0) return 0;
            var after = Stopwatch.GetTimestamp();
            var monotonic = now.Seconds * 1_000_000_000 + now.Nanoseconds;
            return monotonic >= before - 1_000_000 && monotonic <= after + 1_000_000 ? number : 0;
        }
        catch (DllNotFoundException) { return 0; }
        catch (EntryPointNotFoundException) { return 0; }
    }

    private static void Futex(IntPtr address, int op, int value, IntPtr timeout, IntPtr address2, int value3) =>
        Syscall(FutexSyscall, address, op, value, timeout, address2, value3);

    private static void FutexWait(IntPtr address, int op, int value, ref TimeSpec deadline, IntPtr address2, int value3) =>
        SyscallWithTimeSpec(FutexSyscall, address, op, value, ref deadline, address2, value3);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "syscall")]
    private static extern long Syscall(long number, IntPtr address, int op, int value, IntPtr timeout, IntPtr address2, int value3);

    [DllImport("libc", EntryPoint = "syscall")]
    private static extern long SyscallWithTimeSpec(long number, IntPtr address, int op, int value, ref TimeSpec timeout, IntPtr address2, int value3);

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [DllImport("libc", EntryPoint = "prctl")]
    private static extern int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
