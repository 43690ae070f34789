using ActorMesh.Time;

namespace ActorMesh.Scenarios.Bench;

/// <summary>What the full mesh on N in-process cluster nodes sustained, and what crossed nodes.</summary>
/// <param name="Nodes">Cluster nodes.</param>
/// <param name="Result">Its throughput (no report).</param>
/// <param name="CrossNodeMessagesPerRequest">Mesh messages serialized to cross nodes per request.</param>
/// <param name="CrossNodeBytesPerRequest">Their bytes per request.</param>
internal sealed record ClusterThroughput(int Nodes, ThroughputResult Result, double CrossNodeMessagesPerRequest, double CrossNodeBytesPerRequest)
{
    /// <summary>Mesh messages per batch envelope between nodes, on average.</summary>
    public double MessagesPerBatch { get; init; }
}

/// <summary>One round of <c>bench</c>: each way of running the chain once, back to back, then the delay service.</summary>
/// <param name="Number">1 for the first round.</param>
/// <param name="Mesh">The full mesh.</param>
/// <param name="NoSidecar">The chain without sidecars.</param>
/// <param name="Raw">The raw actor chain.</param>
/// <param name="Cluster">The full mesh on cluster nodes, when asked for.</param>
/// <param name="Delay">The delay service's accuracy.</param>
/// <param name="CrossNode">The chain with every hop across nodes (<see cref="ThroughputBench.CrossNodeChain"/>), when asked for.</param>
/// <param name="Startup">The start of a large mesh (<see cref="StartupBench"/>), when asked for.</param>
internal sealed record BenchRound(int Number, ThroughputResult Mesh, ThroughputResult NoSidecar, ThroughputResult Raw, ClusterThroughput? Cluster, DelayAccuracyResult Delay,
    ClusterThroughput? CrossNode = null, StartupResult? Startup = null);

/// <summary>One figure of <c>bench</c>'s report, declared once: its name, how it is judged and written, and how a round yields it.</summary>
/// <param name="Name">Its name in <c>figures</c>, in each round and in <c>figures.summary</c>.</param>
/// <param name="Check">What the trust verdict checks of it.</param>
/// <param name="Digits">Decimals it is written with.</param>
/// <param name="Read">Its value in a round; null when the round did not measure it (no cluster run).</param>
/// <param name="Summed">The headline is the total over the rounds (a count of losses), not the median.</param>
internal sealed record BenchFigure(string Name, FigureCheck Check, int Digits, Func<BenchRound, double?> Read, bool Summed = false);

/// <summary>
/// <c>bench</c>'s figures: each round's own values, and per figure the median over the rounds (the
/// headline, under the name a single-run bench used) with its spread. A ratio is computed within each
/// round, from that round's own pair of runs, and only then summarised.
/// </summary>
internal static class BenchFigures
{
    /// <summary>Every figure, in report order.</summary>
    public static readonly IReadOnlyList<BenchFigure> All =
    [
        new("meshRps", FigureCheck.Rate, 0, r => r.Mesh.Rps),
        new("noSidecarRps", FigureCheck.Rate, 0, r => r.NoSidecar.Rps),
        new("rawActorRps", FigureCheck.Rate, 0, r => r.Raw.Rps),
        new("meshVsRaw", FigureCheck.Ratio, 3, r => r.Mesh.Rps / r.Raw.Rps),
        new("meshVsNoSidecar", FigureCheck.Ratio, 3, r => r.Mesh.Rps / r.NoSidecar.Rps),
        new("messagesPerRequest", FigureCheck.None, 2, r => r.Mesh.MessagesPerRequest),
        new("bytesPerRequest", FigureCheck.None, 0, r => r.Mesh.BytesPerRequest),
        new("bytesPerRequestPerHop", FigureCheck.None, 0, r => r.Mesh.BytesPerRequest / ThroughputBench.HopsPerRequest),
        new("noSidecarMessagesPerRequest", FigureCheck.None, 2, r => r.NoSidecar.MessagesPerRequest),
        new("noSidecarCpuMicrosPerRequest", FigureCheck.None, 2, r => Cpu(r.NoSidecar)),
        new("noSidecarBytesPerRequest", FigureCheck.None, 0, r => r.NoSidecar.BytesPerRequest),
        new("rawBytesPerRequest", FigureCheck.None, 0, r => r.Raw.BytesPerRequest),
        new("delayP99ErrorMs", FigureCheck.Delay, 3, r => r.Delay.P99Ms),
        new("delayP50ErrorMs", FigureCheck.None, 3, r => r.Delay.P50Ms),
        new("delayAchievedRate", FigureCheck.None, 0, r => r.Delay.AchievedRate),
        new("delayLost", FigureCheck.None, 0, r => r.Delay.Lost, Summed: true),
        new("startupPodsPerSecond", FigureCheck.None, 0, r => r.Startup?.PodsPerSecond),
        new("startupBytesPerPod", FigureCheck.None, 0, r => r.Startup?.BytesPerPod),
        new("clusterRps", FigureCheck.Rate, 0, r => r.Cluster?.Result.Rps),
        new("clusterVsMesh", FigureCheck.Ratio, 3, r => r.Cluster is { } c ? c.Result.Rps / r.Mesh.Rps : null),
        new("crossNodeMessagesPerRequest", FigureCheck.None, 2, r => r.Cluster?.CrossNodeMessagesPerRequest),
        new("crossNodeBytesPerRequest", FigureCheck.None, 0, r => r.Cluster?.CrossNodeBytesPerRequest),
        new("clusterBytesAllocatedPerRequest", FigureCheck.None, 0, r => r.Cluster?.Result.BytesPerRequest),
        new("clusterMessagesPerBatch", FigureCheck.None, 1, r => r.Cluster?.MessagesPerBatch),
        // CPU per request (the whole process, every thread): what a shared machine's load moves least.
        new("meshCpuMicrosPerRequest", FigureCheck.None, 2, r => Cpu(r.Mesh)),
        new("clusterCpuMicrosPerRequest", FigureCheck.None, 2, r => r.Cluster is { } c ? Cpu(c.Result) : null),
        new("clusterVsMeshCpu", FigureCheck.None, 3, r => r.Cluster is { } c && Cpu(c.Result) is > 0 && Cpu(r.Mesh) is { } mesh ? mesh / Cpu(c.Result) : null),
        new("crossNodeRps", FigureCheck.Rate, 0, r => r.CrossNode?.Result.Rps),
        new("crossNodeCpuMicrosPerRequest", FigureCheck.None, 2, r => r.CrossNode is { } c ? Cpu(c.Result) : null),
        new("crossNodeCpuMicrosPerMessage", FigureCheck.None, 2,
            r => r.CrossNode is { } c && Cpu(c.Result) is { } cross && Cpu(r.Mesh) is { } mesh ? (cross - mesh) / Math.Max(0.01, c.CrossNodeMessagesPerRequest) : null),
        new("crossNodeHopMessagesPerRequest", FigureCheck.None, 2, r => r.CrossNode?.CrossNodeMessagesPerRequest),
        new("crossNodeMessagesPerBatch", FigureCheck.None, 1, r => r.CrossNode?.MessagesPerBatch),
        // What one mesh message that crosses nodes costs beyond an in-node one: wall time (both cores) and bytes allocated.
        new("crossNodeMicrosPerMessage", FigureCheck.None, 2,
            r => r.CrossNode is { } c ? (1e6 / c.Result.Rps - 1e6 / r.Mesh.Rps) / Math.Max(0.01, c.CrossNodeMessagesPerRequest) : null),
        new("crossNodeBytesAllocatedPerMessage", FigureCheck.None, 0,
            r => r.CrossNode is { } c ? (c.Result.BytesPerRequest - r.Mesh.BytesPerRequest) / Math.Max(0.01, c.CrossNodeMessagesPerRequest) : null),
    ];

    private static double? Cpu(ThroughputResult r) => r.CpuMicrosPerRequest > 0 ? r.CpuMicrosPerRequest : null;

    /// <summary>The values of every figure that every round measured, in round order.</summary>
    public static IReadOnlyList<BenchSeries> Series(IReadOnlyList<BenchRound> rounds)
    {
        var series = new List<BenchSeries>();
        foreach (var figure in All)
        {
            var values = new List<double>(rounds.Count);
            foreach (var round in rounds)
                if (figure.Read(round) is { } v) values.Add(v);
            if (values.Count > 0 && values.Count == rounds.Count) series.Add(new BenchSeries(figure.Name, figure.Check, figure.Digits, values));
        }
        return series;
    }

    /// <summary>The round whose full-mesh rate is nearest the median: the one whose run report stands for the bench.</summary>
    public static BenchRound MedianRound(IReadOnlyList<BenchRound> rounds)
    {
        var median = BenchStatistics.Median([.. rounds.Select(r => r.Mesh.Rps)]);
        return rounds.MinBy(r => Math.Abs(r.Mesh.Rps - median))!;
    }

    /// <summary>
    /// The report's <c>figures</c>: the headline figures (medians), <c>clusterNodes</c>,
    /// <c>trustworthy</c> and <c>warnings</c> from <paramref name="verdict"/>, a <c>summary</c> per
    /// figure, every round under <c>rounds</c>, and how it was measured under <c>measurement</c>.
    /// </summary>
    public static JsonObject ToJson(IReadOnlyList<BenchRound> rounds, BenchVerdict verdict, JsonObject measurement)
    {
        var series = Series(rounds);
        var figures = new JsonObject();
        var summary = new JsonObject();
        foreach (var s in series)
        {
            var figure = All.First(f => f.Name == s.Name);
            var spread = BenchStatistics.Summarize(s.Values);
            figures[s.Name] = Math.Round(figure.Summed ? s.Values.Sum() : spread.Median, s.Digits);
            var entry = new JsonObject
            {
                ["median"] = Math.Round(spread.Median, s.Digits),
                ["min"] = Math.Round(spread.Min, s.Digits),
                ["max"] = Math.Round(spread.Max, s.Digits),
                ["q1"] = Math.Round(spread.Q1, s.Digits),
                ["q3"] = Math.Round(spread.Q3, s.Digits),
                ["relativeSpread"] = Share(spread.RelativeSpread),
                ["relativeRange"] = Share(spread.RelativeRange),
            };
            if (s.Check == FigureCheck.Rate) entry["drift"] = Share(BenchStatistics.Drift(s.Values));
            summary[s.Name] = entry;
        }
        if (rounds.Count > 0 && rounds[0].Cluster is { } cluster) figures["clusterNodes"] = cluster.Nodes;
        figures["trustworthy"] = verdict.Trustworthy;
        figures["warnings"] = new JsonArray([.. verdict.Warnings.Select(w => (JsonNode)JsonValue.Create(w))]);
        figures["summary"] = summary;
        figures["rounds"] = new JsonArray([.. rounds.Select(Round)]);
        figures["measurement"] = measurement;
        return figures;
    }

    private static JsonNode Round(BenchRound round)
    {
        var json = new JsonObject { ["round"] = round.Number };
        foreach (var figure in All)
            if (figure.Read(round) is { } v) json[figure.Name] = Math.Round(v, figure.Digits);
        return json;
    }

    private static double? Share(double share) => double.IsFinite(share) ? Math.Round(share, 3) : null;
}
