using Akka.Event;

namespace ActorMesh.DataPlane.App;

/// <summary>
/// Changes how a service's instances behave (an emulated fault, not a config change: it reaches the
/// apps directly, also while the control plane is down). <see cref="Instance"/> null means every instance.
/// </summary>
internal sealed record ChangeBehaviour(string Service, int? Instance, Distribution? ServiceTime, ErrorInjection? Errors) : IMeshMessage;

/// <summary>App timer: a job's compute or sleep step is over; <paramref name="Due"/> is when (its next step starts then).</summary>
internal sealed record JobStepDone(SlotHandle Handle, long Due) : INoSerializationVerificationNeeded, IDeadLetterSuppression;
