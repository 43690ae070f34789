namespace ActorMesh.Hosting;

/// <summary>One run of a lesson that runs its topology several times (e.g. without the mesh, then with it).</summary>
/// <param name="Number">1 for the first phase.</param>
/// <param name="Count">Phases in the lesson.</param>
/// <param name="Name">What this phase runs, e.g. "with the mesh".</param>
public sealed record LessonPhase(int Number, int Count, string Name)
{
    /// <inheritdoc />
    public override string ToString() => $"phase {Number} of {Count}: {Name}";
}
