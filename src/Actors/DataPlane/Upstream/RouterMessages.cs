using ActorMesh.Pooling;
using Akka.Actor;
using Akka.Event;

namespace ActorMesh.DataPlane.Upstream;

/// <summary>Receives the one outcome of each call a router was given.</summary>
internal interface IUpstreamOwner
{
    /// <summary>The call from <paramref name="caller"/> with id <paramref name="callerId"/> ended.</summary>
    void OnCallCompleted(IActorRef caller, long callerId, int status, ResponseFlags flags, int responseBytes, ulong visited, long startTicks);
}

/// <summary>Router timer: sweep the deadline table. Carries a generation so superseded sweeps are ignored.</summary>
internal sealed record SweepDue(long Generation) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Router timer: a retry's back-off has elapsed.</summary>
internal sealed record RetryDue(SlotHandle Handle) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Router signal: the connection attempt to an endpoint failed (it is gone).</summary>
internal sealed record ConnectFailed(SlotHandle Handle) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Router timer: outlier detection's interval.</summary>
internal sealed class OutlierInterval : INoSerializationVerificationNeeded, IDeadLetterSuppression
{
    public static readonly OutlierInterval Instance = new();
    private OutlierInterval() { }
}
