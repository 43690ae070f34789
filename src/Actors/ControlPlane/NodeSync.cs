namespace ActorMesh.ControlPlane;

/// <summary>
/// The nodes a control plane has attached that have not yet told what they run. No pod is placed
/// until every one has (or the sync deadline gave up on the rest): a restarted control plane adopts
/// the pods that run instead of starting them again elsewhere.
/// </summary>
internal sealed class NodeSync
{
    private readonly HashSet<string> _waiting = new(StringComparer.Ordinal);

    /// <summary>True while some attached node has not told what it runs.</summary>
    public bool Waiting => _waiting.Count > 0;

    /// <summary>The nodes waited for, for the log.</summary>
    public IReadOnlyCollection<string> Nodes => _waiting;

    /// <summary>Node <paramref name="node"/> was attached: wait for it.</summary>
    public void Expect(string node) => _waiting.Add(node);

    /// <summary>Node <paramref name="node"/> has told everything it runs; true when that was the last one waited for.</summary>
    public bool Synced(string node) => _waiting.Remove(node) && _waiting.Count == 0;

    /// <summary>Node <paramref name="node"/> is gone: it is not waited for any longer; true when that was the last one.</summary>
    public bool Lost(string node) => Synced(node);

    /// <summary>The deadline passed: stop waiting; returns the nodes given up on (empty when none was waited for).</summary>
    public List<string> GiveUp()
    {
        var late = _waiting.ToList();
        _waiting.Clear();
        return late;
    }
}
