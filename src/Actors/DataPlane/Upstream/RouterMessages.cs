using Akka.Event;

namespace ActorMesh.DataPlane.Upstream;

/// <summary>Receives the one outcome of each call a router was given.</summary>
internal interface IUpstreamOwner
{
    /// <summary>The call from <paramref name="caller"/> with id <paramref name="callerId"/> ended with <paramref name="result"/>.</summary>
    void OnCallCompleted(IActorRef caller, long callerId, in CallResult result);
}

/// <summary>The one outcome of a call, as its owner gets it.</summary>
/// <param name="Status">HTTP-like status.</param>
/// <param name="Flags">Envoy response flags.</param>
/// <param name="ResponseBytes">Response size (0 unless it succeeded).</param>
/// <param name="Visited">The services its attempts reached, one bit per service index below 64.</param>
/// <param name="Retries">Retries it caused: the router's own and those its answers reported from below.</param>
/// <param name="Start">When the call started (mesh clock).</param>
/// <param name="End">When it ended (mesh clock, its due time): the owner goes on from then.</param>
internal readonly record struct CallResult(int Status, ResponseFlags Flags, int ResponseBytes, ulong Visited, int Retries, long Start, long End);

/// <summary>Router timer: sweep the deadline table. Carries a generation so superseded sweeps are ignored, and its due time.</summary>
internal sealed record SweepDue(long Generation, long Due) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Router timer: a retry's back-off has elapsed; <paramref name="Due"/> is when (the next attempt starts then).</summary>
internal sealed record RetryDue(SlotHandle Handle, long Due) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Router signal: the connection attempt to an endpoint failed (it is gone); <paramref name="Due"/> is when the caller learns it.</summary>
internal sealed record ConnectFailed(SlotHandle Handle, long Due) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>Router timer: outlier detection's interval.</summary>
internal sealed class OutlierInterval : Signal<OutlierInterval>, INoSerializationVerificationNeeded, IDeadLetterSuppression;
