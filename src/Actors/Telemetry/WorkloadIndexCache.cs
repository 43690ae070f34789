namespace ActorMesh.Telemetry;

/// <summary>
/// A workload's telemetry index by its name as a request carries it, without a lock or a hash per request:
/// a caller's requests carry the same string instance, so a few recent (name, index) pairs compared by
/// reference answer nearly every time; a miss asks the <see cref="ServiceIndex"/> (a lock) and remembers.
/// Owned by one actor.
/// </summary>
internal sealed class WorkloadIndexCache(ServiceIndex index)
{
    private const int Size = 8;
    private readonly string?[] _names = new string?[Size];
    private readonly int[] _indices = new int[Size];
    private int _next;

    /// <summary>The index of <paramref name="name"/>.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Size; i++)
            if (ReferenceEquals(_names[i], name)) return _indices[i];
        var at = index.Of(name);
        _names[_next] = name;
        _indices[_next] = at;
        _next = (_next + 1) % Size;
        return at;
    }
}
