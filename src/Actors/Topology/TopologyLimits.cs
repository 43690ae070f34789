namespace ActorMesh.Topology;

/// <summary>
/// What a topology file may hold, in one place. Each limit keeps a broken or hostile file from
/// crashing, hanging or exhausting the process: past it, reading stops with a problem that names the
/// limit, and the exit code is 2 like any other mistake in a file. docs/topology.md#limits lists them;
/// each is far beyond what a real topology needs.
/// </summary>
public static class TopologyLimits
{
    /// <summary>Bytes of a file (16 MiB). Reading stops past it, so a device or FIFO that never ends is refused too.</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Mappings and lists nested inside each other. Checked on the parser's events before any tree is
    /// built, because building a tree recurses once per level and too deep a file would overflow the stack.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>YAML nodes (values, mappings, lists) in a file, each alias counted as the nodes it stands for.</summary>
    public const int MaxNodes = 1_000_000;

    /// <summary>Characters in one value.</summary>
    public const int MaxValueLength = 4096;

    /// <summary>Characters in a key and in the name of a service, gateway, module or store (a DNS name's limit).</summary>
    public const int MaxNameLength = 253;

    /// <summary>The longest duration: a year. Sums of a few never overflow, and nothing a run does needs more.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(365);

    /// <summary>The shortest duration but zero: the clock's resolution, one tick (100 ns). Less would round to zero, which often means "disabled".</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromTicks(1);

    /// <summary>Characters up to which a name not found gets a "did you mean" (it costs length × length per candidate).</summary>
    public const int MaxSuggestedNameLength = 64;

    /// <summary>The work one file's "did you mean"s may take together (cells of the edit-distance table); past it they are left out.</summary>
    public const long SuggestionBudget = 20_000_000;
}
