using System.Collections.Immutable;
using ActorMesh.ControlPlane;
using ActorMesh.DataPlane.Settings;
using Akka.Actor;
using Akka.Event;

namespace ActorMesh.Tests.DataPlane.Settings;

public class ConfigClientTests
{
    private static readonly MeshTopology Valid = MeshTopology.Create("t").Service("a").Build();

    private readonly List<long> _applied = [];
    private readonly List<IConfigProtocol> _answers = [];

    private static ConfigSnapshot Snapshot(long version, MeshTopology? topology = null) =>
        new(version, topology ?? Valid, ImmutableDictionary<string, ImmutableArray<Endpoint>>.Empty);

    private static ConfigSnapshot Invalid(long version) =>
        Snapshot(version, Valid with { Mesh = Valid.Mesh with { Defaults = Valid.Mesh.Defaults with { Retries = new RetryOptions { Attempts = -3 } } } });

    private ConfigClient Client(Func<ConfigSnapshot, string?>? problems = null) =>
        new("a-0", "Sidecar of", "a-0", new Owner(problems ?? ConfigClient.MeshProblems, _applied));

    /// <summary>Takes a push as a workload does, recording the answer it would send.</summary>
    private ConfigVerdict Receive(ConfigClient client, ConfigSnapshot snapshot)
    {
        var (verdict, answer) = client.Receive(snapshot);
        _answers.Add(answer);
        return verdict;
    }

    /// <summary>A workload that records what it applied.</summary>
    private sealed class Owner(Func<ConfigSnapshot, string?> problems, List<long> applied) : IConfigOwner
    {
        public string? Problems(ConfigSnapshot snapshot) => problems(snapshot);
        public void Apply(ConfigSnapshot snapshot) => applied.Add(snapshot.Version);
        public ILoggingAdapter Log => NoLogger.Instance;
    }

    [Fact]
    public void A_newer_valid_snapshot_is_applied_then_acked()
    {
        var client = Client();

        Assert.Equal(ConfigVerdict.Applied, Receive(client, Snapshot(1)));
        Assert.Equal(ConfigVerdict.Applied, Receive(client, Snapshot(3)));

        Assert.Equal([1L, 3L], _applied);
        Assert.Equal([new ConfigAck(1, "a-0"), new ConfigAck(3, "a-0")], _answers);
        Assert.Equal(3, client.Current!.Version);
    }

    [Fact]
    public void A_version_not_newer_than_the_one_in_force_is_acked_again_and_not_applied()
    {
        var client = Client();
        Receive(client, Snapshot(2));

        Assert.Equal(ConfigVerdict.AlreadyCurrent, Receive(client, Snapshot(2)));
        Assert.Equal(ConfigVerdict.AlreadyCurrent, Receive(client, Snapshot(1)));

        Assert.Equal([2L], _applied);
        Assert.Equal([new ConfigAck(2, "a-0"), new ConfigAck(2, "a-0"), new ConfigAck(1, "a-0")], _answers);
        Assert.Equal(2, client.Current!.Version);
    }

    [Fact]
    public void An_invalid_snapshot_is_nacked_with_its_problems_and_the_last_good_one_stays()
    {
        var client = Client();
        Receive(client, Snapshot(1));

        Assert.Equal(ConfigVerdict.Rejected, Receive(client, Invalid(2)));

        // As an xDS NACK: version_info is the version still in force, the nonce the rejected push's.
        var nack = Assert.IsType<ConfigNack>(_answers[^1]);
        Assert.Equal((1L, 2L, "a-0"), (nack.Version, nack.Nonce, nack.Workload));
        Assert.Contains("retries.attempts", nack.Reason);
        Assert.Equal([1L], _applied);
        Assert.Equal(1, client.Current!.Version);
        // The rejected version was never in force: it is checked again when pushed again.
        Assert.Equal(ConfigVerdict.Rejected, Receive(client, Invalid(2)));
    }

    [Fact]
    public void A_nack_before_any_config_was_accepted_carries_no_version()
    {
        var client = Client();

        Receive(client, Invalid(1));

        Assert.Equal((0L, 1L), (Assert.IsType<ConfigNack>(_answers[^1]).Version, ((ConfigNack)_answers[^1]).Nonce));
        Assert.Null(client.Current);
    }

    [Fact]
    public void Each_workload_checks_what_it_uses()
    {
        var plain = Client(ConfigClient.NoProblems);
        var picky = Client(s => s.Version % 2 == 0 ? "even versions are refused" : null);

        Assert.Equal(ConfigVerdict.Applied, Receive(plain, Invalid(1)));
        Assert.Equal(ConfigVerdict.Rejected, Receive(picky, Snapshot(2)));
        Assert.Equal("even versions are refused", Assert.IsType<ConfigNack>(_answers[^1]).Reason);
    }

    [Fact]
    public void A_restarted_workload_resumes_from_its_snapshot_without_answering_and_takes_only_newer_ones()
    {
        var client = Client();

        client.Resume(Snapshot(4));
        Receive(client, Snapshot(4));

        Assert.Equal([4L], _applied);
        Assert.Equal([new ConfigAck(4, "a-0")], _answers);
    }
}
