namespace ActorMesh.Topology;

/// <summary>What a network fault does to the messages it matches (Toxiproxy's toxics, Chaos Mesh's NetworkChaos actions).</summary>
public enum NetworkFaultKind
{
    /// <summary>Every message is dropped: a request's caller sees a connect failure (503, UF) after its connect timeout; a response in flight is lost and its caller sees a reset (UR).</summary>
    Partition,
    /// <summary>Each message is lost with probability <see cref="NetworkFault.Rate"/>: a lost request is a connect failure (UF) when its connection breaks before it reaches the peer (half the losses), else a reset (UR) after it did.</summary>
    Loss,
    /// <summary>Each message takes <see cref="NetworkFault.Latency"/> more (one sample per message): a latency change.</summary>
    Latency,
    /// <summary>The link carries <see cref="NetworkFault.BytesPerSecond"/>: a message waits for the bytes queued before it, then for its own size.</summary>
    Bandwidth,
    /// <summary>With probability <see cref="NetworkFault.Rate"/> a request's connection is reset by the peer before the request reaches it: the caller sees a reset (503, UR).</summary>
    ResetPeer,
}

/// <summary>One end of a hop as a network fault sees it: the workload (service or gateway), its zone and its pod.</summary>
public readonly record struct LinkEnd(string Workload, string? Zone, string? Pod);

/// <summary>
/// A fault in the network between workloads, as steady config (<see cref="NetworkSpec.Faults"/>) or a timeline
/// event (<see cref="NetworkFaultEvent"/>). It matches a hop in either direction when both ends match its scope:
/// workloads (<see cref="From"/>, <see cref="To"/>), zones (<see cref="FromZone"/>, <see cref="ToZone"/>, or
/// <see cref="Zone"/> cut off from every other), and one <see cref="Pod"/>; a scope left out matches anything.
/// </summary>
public sealed record NetworkFault
{
    /// <summary>Matches any workload or zone.</summary>
    public const string Any = "*";

    /// <summary>What it does. Default <see cref="NetworkFaultKind.Partition"/>.</summary>
    public NetworkFaultKind Kind { get; init; }

    /// <summary>One end's workload (service or gateway); <c>*</c> (the default) is any.</summary>
    public string From { get; init; } = Any;

    /// <summary>The other end's workload; <c>*</c> (the default) is any.</summary>
    public string To { get; init; } = Any;

    /// <summary>One end's zone; <c>*</c> (the default) is any.</summary>
    public string FromZone { get; init; } = Any;

    /// <summary>The other end's zone; <c>*</c> (the default) is any.</summary>
    public string ToZone { get; init; } = Any;

    /// <summary>A zone cut off: hops with exactly one end in it (a workload without a zone is outside every zone); null (the default) for none.</summary>
    public string? Zone { get; init; }

    /// <summary>One pod (e.g. <c>backend-1</c>): hops to or from it; null (the default) for any pod.</summary>
    public string? Pod { get; init; }

    /// <summary>Share of messages hit, for <see cref="NetworkFaultKind.Loss"/> and <see cref="NetworkFaultKind.ResetPeer"/>. Default 1 (every one).</summary>
    public double Rate { get; init; } = 1;

    /// <summary>Latency added to each message, for <see cref="NetworkFaultKind.Latency"/>. Default zero.</summary>
    public Distribution Latency { get; init; } = Distribution.Zero;

    /// <summary>The link's capacity in bytes per second, for <see cref="NetworkFaultKind.Bandwidth"/>. Default 0 (must be given).</summary>
    public long BytesPerSecond { get; init; }

    /// <summary>In a timeline event, when the fault ends (time after the load started, like <c>at</c>); null (the default): it lasts to the end of the run. Steady faults have none.</summary>
    public TimeSpan? Until { get; init; }

    /// <summary>True when a hop between <paramref name="a"/> and <paramref name="b"/> (either direction) is in scope.</summary>
    public bool Matches(in LinkEnd a, in LinkEnd b)
    {
        if (Pod is not null && a.Pod != Pod && b.Pod != Pod) return false;
        if (Zone is not null && (a.Zone == Zone) == (b.Zone == Zone)) return false;
        return (Side(From, FromZone, a) && Side(To, ToZone, b)) || (Side(From, FromZone, b) && Side(To, ToZone, a));
    }

    private static bool Side(string workload, string zone, in LinkEnd end) =>
        (workload == Any || workload == end.Workload) && (zone == Any || zone == end.Zone);

    /// <summary>One line for logs and reports.</summary>
    public string Describe()
    {
        var what = Kind switch
        {
            NetworkFaultKind.Partition => "partition",
            NetworkFaultKind.Loss => $"loss {Rate:P1}",
            NetworkFaultKind.Latency => $"latency +{Latency}",
            NetworkFaultKind.Bandwidth => $"bandwidth {BytesPerSecond:N0} B/s",
            _ => $"reset-peer {Rate:P1}",
        };
        var scope = new List<string>();
        if (From != Any || FromZone != Any || To != Any || ToZone != Any)
            scope.Add($"{End(From, FromZone)} ↔ {End(To, ToZone)}");
        if (Zone is not null) scope.Add($"zone {Zone} cut off");
        if (Pod is not null) scope.Add($"pod {Pod}");
        return scope.Count == 0 ? $"{what} everywhere" : $"{what} ({string.Join(", ", scope)})";
    }

    private static string End(string workload, string zone) => zone == Any ? workload : $"{workload}@{zone}";
}

/// <summary>Applies a network fault from now on, until its <see cref="NetworkFault.Until"/> (time after the load started) when given.</summary>
public sealed record NetworkFaultEvent(NetworkFault Fault) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"network fault: {Fault.Describe()}{(Fault.Until is { } u ? $" until {u.TotalSeconds:0.###}s" : "")}";
}

/// <summary>Ends a network fault a <see cref="NetworkFaultEvent"/> started (scheduled by its <c>until</c>).</summary>
public sealed record EndNetworkFaultEvent(NetworkFault Fault) : TimelineEvent
{
    /// <inheritdoc />
    public override string Describe() => $"network fault ends: {Fault.Describe()}";
}
