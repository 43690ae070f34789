namespace ActorMesh.DataPlane.Pod;

/// <summary>
/// What one container keeps across its own restarts, as a volume mounted in that container alone.
/// The container's Props factory creates it, and Akka recreates a restarted container from the same
/// Props, so the new instance finds what the old one left. Only that container's actor reads and
/// writes it, one incarnation after the other (Akka orders them): it is shared with no other container.
/// </summary>
internal class ContainerMemory
{
    /// <summary>Instances of the container created so far (1 for the first).</summary>
    public int Incarnation { get; private set; }

    /// <summary>A new instance of the container starts: returns its incarnation.</summary>
    public int Start() => ++Incarnation;
}

/// <summary>A <see cref="ContainerMemory"/> that also keeps <typeparamref name="T"/>, written by each incarnation for the next.</summary>
internal sealed class ContainerMemory<T>(T initial) : ContainerMemory
{
    /// <summary>What the container keeps.</summary>
    public T State { get; set; } = initial;
}
