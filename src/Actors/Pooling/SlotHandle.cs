namespace ActorMesh.Pooling;

/// <summary>
/// The kind of a <see cref="SlotTable{T}"/>, named in every id it hands out, so that an actor that
/// receives ids of two tables (a sidecar: its router's outbound calls and its inbound requests) tells
/// them apart by the id alone, and an id of one kind never resolves in a table of another.
/// </summary>
internal enum SlotKind : byte
{
    /// <summary>No table: the kind of <see cref="SlotHandle.None"/>; never a table's.</summary>
    None = 0,
    /// <summary>A router's calls: ids on requests to upstream endpoints, and on its own timers.</summary>
    Call = 1,
    /// <summary>A sidecar's inbound requests handed to its app.</summary>
    Inbound = 2,
    /// <summary>A gateway's exchanges (aggregations, cache fills, traced requests).</summary>
    Exchange = 3,
    /// <summary>An app's jobs: their step timers and the calls of their scripts.</summary>
    Job = 4,
    /// <summary>The load generator's outstanding requests.</summary>
    Request = 5,
}

/// <summary>
/// A correlation id handed out by a <see cref="SlotTable{T}"/>: the one id layout of the data plane.
/// <code>
///   bit 63    62..56   55..24       23..0
///   0         tag      generation   slot
///             tag = kind (bits 56..58) | owner incarnation mod 16 (bits 59..62)
/// </code>
/// Bit 63 is always 0, so an id is never negative. The generation tells a slot's holders apart in
/// time: it moves on when a slot is freed and when its holder re-keys it, so a late answer names a
/// generation the slot no longer has. The tag tells tables apart: by kind, and by the incarnation of
/// the actor that owns the table, so a restarted actor's new table never takes its predecessor's
/// ids for its own. Tag 0 is no table's: <see cref="None"/> (id 0) never resolves.
/// </summary>
/// <param name="Id">The id as it travels in messages.</param>
internal readonly record struct SlotHandle(long Id)
{
    /// <summary>Bits of the slot index.</summary>
    public const int SlotBits = 24;
    /// <summary>Bits of the generation.</summary>
    public const int GenerationBits = 32;
    /// <summary>Slots a table can have at most.</summary>
    public const int MaxSlots = 1 << SlotBits;

    private const int TagShift = SlotBits + GenerationBits;
    private const int KindBits = 3;
    private const int IncarnationMask = 0xF;

    /// <summary>No id: what a caller holds when there is nothing to refer to.</summary>
    public static SlotHandle None => default;

    /// <summary>The id of <paramref name="slot"/> at <paramref name="generation"/> in the table tagged <paramref name="tag"/>.</summary>
    public static SlotHandle Of(int slot, uint generation, int tag) =>
        new(((long)tag << TagShift) | ((long)generation << SlotBits) | (uint)slot);

    /// <summary>The tag of a table of <paramref name="kind"/> owned by incarnation <paramref name="incarnation"/> of its actor.</summary>
    public static int TagOf(SlotKind kind, int incarnation) => (int)kind | ((incarnation & IncarnationMask) << KindBits);

    /// <summary>The kind of table that handed out <paramref name="id"/>.</summary>
    public static SlotKind KindOf(long id) => new SlotHandle(id).Kind;

    /// <summary>The slot index.</summary>
    public int Slot => (int)(Id & (MaxSlots - 1));

    /// <summary>The slot's generation when the id was handed out.</summary>
    public uint Generation => (uint)(Id >> SlotBits);

    /// <summary>The tag of the table that handed it out.</summary>
    public int Tag => (int)(Id >> TagShift) & 0x7F;

    /// <summary>The kind of the table that handed it out.</summary>
    public SlotKind Kind => (SlotKind)(Tag & ((1 << KindBits) - 1));

    /// <summary>True for <see cref="None"/> (and any id no table hands out).</summary>
    public bool IsNone => Tag == 0;
}
