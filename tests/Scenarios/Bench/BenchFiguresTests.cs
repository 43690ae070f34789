using System.Text.Json.Nodes;
using ActorMesh.Scenarios.Bench;
using ActorMesh.Time;

namespace ActorMesh.Tests.Scenarios.Bench;

/// <summary><c>bench</c>'s figures from its rounds: medians under the single-run names, ratios taken within each round, every round kept.</summary>
public class BenchFiguresTests
{
    private static BenchRound Round(int number, double mesh, double noSidecar, double raw, double delayP99Ms = 0.1, long lost = 0, ClusterThroughput? cluster = null) => new(
        number,
        new ThroughputResult(mesh, 19, 1_290, null),
        new ThroughputResult(noSidecar, 9, 640, null),
        new ThroughputResult(raw, 19, 0, null),
        cluster,
        new DelayAccuracyResult("HighResolutionClock", TimeSpan.FromMilliseconds(1), 100_000, 100_000, 100_000 - lost, 0, 99_000, 0.05, 0.03, 0.06, delayP99Ms, 0.3, 0.5, TimeSpan.FromSeconds(2)));

    private static JsonObject Figures(IReadOnlyList<BenchRound> rounds) =>
        BenchFigures.ToJson(rounds, BenchVerdict.Judge(rounds.Count, BenchFigures.Series(rounds)), new JsonObject());

    [Fact]
    public void A_ratio_is_taken_within_each_round_then_summarised_not_divided_from_the_medians()
    {
        // Per round meshVsRaw: 0.5, 1.0, 0.2 → median 0.5; the medians' quotient would be 200 / 300.
        var figures = Figures([Round(1, 100, 200, 200), Round(2, 300, 400, 300), Round(3, 200, 300, 1_000)]);
        Assert.Equal(0.5, figures["meshVsRaw"]!.GetValue<double>());
        Assert.Equal(200, figures["meshRps"]!.GetValue<double>());
        Assert.Equal(300, figures["rawActorRps"]!.GetValue<double>());
    }

    [Fact]
    public void Headline_figures_keep_their_names_with_a_summary_each_and_every_round_is_kept()
    {
        var figures = Figures([Round(1, 700, 1_000, 1_400), Round(2, 690, 990, 1_500, delayP99Ms: 0.2)]);
        foreach (var name in new[] { "meshRps", "noSidecarRps", "rawActorRps", "meshVsRaw", "meshVsNoSidecar", "messagesPerRequest", "bytesPerRequest", "bytesPerRequestPerHop", "delayP99ErrorMs" })
        {
            Assert.True(figures.ContainsKey(name), $"figure {name} is missing");
            var summary = figures["summary"]![name]!.AsObject();
            foreach (var field in new[] { "median", "min", "max", "q1", "q3", "relativeSpread", "relativeRange" })
                Assert.True(summary.ContainsKey(field), $"summary of {name} lacks {field}");
        }
        Assert.Equal(0.15, figures["delayP99ErrorMs"]!.GetValue<double>(), 9);
        var rounds = figures["rounds"]!.AsArray();
        Assert.Equal([1, 2], rounds.Select(r => r!["round"]!.GetValue<int>()));
        Assert.Equal(0.2, rounds[1]!["delayP99ErrorMs"]!.GetValue<double>());
        Assert.Equal(0.46, rounds[1]!["meshVsRaw"]!.GetValue<double>());
    }

    [Fact]
    public void The_verdict_is_written_beside_the_figures()
    {
        var figures = Figures([Round(1, 700, 1_000, 1_400), Round(2, 690, 990, 1_500)]);
        Assert.False(figures["trustworthy"]!.GetValue<bool>());
        Assert.Contains(figures["warnings"]!.AsArray(), w => w!.GetValue<string>().StartsWith("only 2 rounds"));
    }

    [Fact]
    public void Lost_delays_are_totalled_over_the_rounds()
    {
        var figures = Figures([Round(1, 700, 1_000, 1_400, lost: 3), Round(2, 700, 1_000, 1_400), Round(3, 700, 1_000, 1_400, lost: 4)]);
        Assert.Equal(7, figures["delayLost"]!.GetValue<double>());
    }

    [Fact]
    public void Cluster_figures_appear_only_when_every_round_ran_the_cluster()
    {
        Assert.False(Figures([Round(1, 700, 1_000, 1_400)]).ContainsKey("clusterRps"));
        var cluster = new ClusterThroughput(3, new ThroughputResult(35, 19, 5_000, null), 3.9, 300);
        var figures = Figures([Round(1, 700, 1_000, 1_400, cluster: cluster), Round(2, 350, 1_000, 1_400, cluster: cluster)]);
        Assert.Equal(3, figures["clusterNodes"]!.GetValue<int>());
        // Per round 0.05 and 0.1: the median of the rounds' own ratios.
        Assert.Equal(0.075, figures["clusterVsMesh"]!.GetValue<double>(), 9);
        Assert.Equal(3.9, figures["crossNodeMessagesPerRequest"]!.GetValue<double>());
        Assert.True(figures["summary"]!["clusterRps"]!.AsObject().ContainsKey("drift"));
    }

    [Fact]
    public void The_report_stands_for_the_round_whose_mesh_rate_is_nearest_the_median()
    {
        var rounds = new[] { Round(1, 900, 1_000, 1_400), Round(2, 500, 1_000, 1_400), Round(3, 690, 1_000, 1_400) };
        Assert.Equal(3, BenchFigures.MedianRound(rounds).Number);
    }
}
