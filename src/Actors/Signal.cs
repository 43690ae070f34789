namespace ActorMesh;

/// <summary>
/// A message that carries nothing but its type (a timer tick, a query, a command without arguments):
/// one instance per type, <see cref="Instance"/>, as Akka's own <c>PoisonPill.Instance</c>. Receivers
/// match it by type. Across nodes it travels as its type's manifest and an empty body, and reads back
/// as the instance (<see cref="Clustering.ControlMessageSerializer"/>).
/// </summary>
/// <typeparam name="T">The message type itself.</typeparam>
internal abstract class Signal<T> where T : Signal<T>, new()
{
    /// <summary>The one instance.</summary>
    public static readonly T Instance = new();
}
