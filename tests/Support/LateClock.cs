using ActorMesh.Time;
using Akka.Actor;

namespace ActorMesh.Tests.Support;

/// <summary>
/// A clock that delivers every message <paramref name="lag"/> after its due time, as a saturated emulator
/// does: one due now (a delay of zero) too, and one already overdue unless it is more than the lag
/// overdue. Wraps a real or a virtual clock (it disposes the one it wraps).
/// </summary>
public sealed class LateClock(MeshClock inner, TimeSpan lag) : MeshClock
{
    /// <inheritdoc />
    public override long Now => inner.Now;

    /// <inheritdoc />
    public override int Pending => inner.Pending;

    /// <inheritdoc />
    public override void Schedule(long delayTicks, IActorRef target, object message, IActorRef sender) =>
        inner.Schedule(delayTicks + lag.Ticks, target, message, sender);

    /// <inheritdoc />
    public override void Dispose()
    {
        inner.Dispose();
        base.Dispose();
    }
}
