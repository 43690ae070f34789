namespace ActorMesh.Topology;

/// <summary>Finds a cycle in a directed graph of numbered nodes (services calling services, modules calling modules).</summary>
internal static class Cycles
{
    /// <summary>
    /// The first cycle a depth-first search meets, visiting the nodes and each node's edges in order:
    /// the node whose edge closes it, and the cycle's nodes from the one that edge reaches; null when
    /// there is none. Iterative, so a chain as long as a file allows cannot overflow the stack.
    /// </summary>
    public static (int From, List<int> Path)? First(int count, Func<int, IEnumerable<int>> edges)
    {
        var state = new byte[count]; // 0 new, 1 on the path, 2 done
        var path = new List<int>();
        var next = new List<IEnumerator<int>>();
        for (var start = 0; start < count; start++)
        {
            if (state[start] != 0) continue;
            Enter(start);
            while (path.Count > 0)
            {
                var top = path.Count - 1;
                if (!next[top].MoveNext())
                {
                    state[path[top]] = 2;
                    next[top].Dispose();
                    path.RemoveAt(top);
                    next.RemoveAt(top);
                    continue;
                }
                var callee = next[top].Current;
                if (state[callee] == 1)
                {
                    var from = path.IndexOf(callee);
                    return (path[top], path.GetRange(from, path.Count - from));
                }
                if (state[callee] == 0) Enter(callee);
            }
        }
        return null;

        void Enter(int node)
        {
            state[node] = 1;
            path.Add(node);
            next.Add(edges(node).GetEnumerator());
        }
    }

    /// <summary>"a → b → c → a": the cycle's names and the first again; a long cycle keeps its ends and says how many it leaves out.</summary>
    public static string Describe(IReadOnlyList<string> names)
    {
        const int Ends = 5;
        IEnumerable<string> shown = names.Count <= 2 * Ends + 1
            ? names.Select(Short)
            : [.. names.Take(Ends).Select(Short), $"… {names.Count - 2 * Ends} more …", .. names.Skip(names.Count - Ends).Select(Short)];
        return $"{string.Join(" → ", shown)} → {Short(names[0])}";

        static string Short(string name) => name.Length <= 64 ? name : $"{name[..40]}…";
    }
}
