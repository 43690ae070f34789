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
        new("a-0", new Owner(problems ?? ConfigClient.MeshProblems, _applied, _answers));

    /// <summary>A workload that records what it applied and answered.</summary>
    private sealed class Owner(Func<ConfigSnapshot, string?> problems, List<long> applied, List<IConfigProtocol> answers) : IConfigOwner
    {
        public string? Problems(ConfigSnapshot snapshot) => problems(snapshot);
        public void Apply(ConfigSnapshot snapshot) => applied.Add(snapshot.Version);
        public void Answer(IActorRef controlPlane, ConfigSnapshot snapshot, IConfigProtocol answer) => answers.Add(answer);
        public void LogRejected(ConfigSnapshot snapshot, string problems) => ConfigClient.LogRejected(NoLogger.Instance, "Sidecar of a-0", snapshot, problems);
    }

    [Fact]
    public void A_newer_valid_snapshot_is_applied_then_acked()
    {
        var client = Client();

        Assert.Equal(ConfigVerdict.Applied, client.Receive(Snapshot(1), ActorRefs.Nobody));
        Assert.Equal(ConfigVerdict.Applied, client.Receive(Snapshot(3), ActorRefs.Nobody));

        Assert.Equal([1L, 3L], _applied);
        Assert.Equal([new ConfigAck(1, "a-0"), new ConfigAck(3, "a-0")], _answers);
        Assert.Equal(3, client.Current!.Version);
    }

    [Fact]
    public void A_version_not_newer_than_the_one_in_force_is_acked_again_and_not_applied()
    {
        var client = Client();
        client.Receive(Snapshot(2), ActorRefs.Nobody);

        Assert.Equal(ConfigVerdict.AlreadyCurrent, client.Receive(Snapshot(2), ActorRefs.Nobody));
        Assert.Equal(ConfigVerdict.AlreadyCurrent, client.Receive(Snapshot(1), ActorRefs.Nobody));

        Assert.Equal([2L], _applied);
        Assert.Equal([new ConfigAck(2, "a-0"), new ConfigAck(2, "a-0"), new ConfigAck(1, "a-0")], _answers);
        Assert.Equal(2, client.Current!.Version);
    }

    [Fact]
    public void An_invalid_snapshot_is_nacked_with_its_problems_and_the_last_good_one_stays()
    {
        var client = Client();
        client.Receive(Snapshot(1), ActorRefs.Nobody);

        Assert.Equal(ConfigVerdict.Rejected, client.Receive(Invalid(2), ActorRefs.Nobody));

        // As an xDS NACK: version_info is the version still in force, the nonce the rejected push's.
        var nack = Assert.IsType<ConfigNack>(_answers[^1]);
        Assert.Equal((1L, 2L, "a-0"), (nack.Version, nack.Nonce, nack.Workload));
        Assert.Contains("retries.attempts", nack.Reason);
        Assert.Equal([1L], _applied);
        Assert.Equal(1, client.Current!.Version);
        // The rejected version was never in force: it is checked again when pushed again.
        Assert.Equal(ConfigVerdict.Rejected, client.Receive(Invalid(2), ActorRefs.Nobody));
    }

    [Fact]
    public void A_nack_before_any_config_was_accepted_carries_no_version()
    {
        var client = Client();

        client.Receive(Invalid(1), ActorRefs.Nobody);

        Assert.Equal((0L, 1L), (Assert.IsType<ConfigNack>(_answers[^1]).Version, ((ConfigNack)_answers[^1]).Nonce));
        Assert.Null(client.Current);
    }

    [Fact]
    public void Each_workload_checks_what_it_uses()
    {
        var plain = Client(ConfigClient.NoProblems);
        var picky = Client(s => s.Version % 2 == 0 ? "even versions are refused" : null);

        Assert.Equal(ConfigVerdict.Applied, plain.Receive(Invalid(1), ActorRefs.Nobody));
        Assert.Equal(ConfigVerdict.Rejected, picky.Receive(Snapshot(2), ActorRefs.Nobody));
        Assert.Equal("even versions are refused", Assert.IsType<ConfigNack>(_answers[^1]).Reason);
    }

    [Fact]
    public void A_restarted_workload_resumes_from_its_snapshot_without_answering_and_takes_only_newer_ones()
    {
        var client = Client();

        client.Resume(Snapshot(4));
        client.Receive(Snapshot(4), ActorRefs.Nobody);

        Assert.Equal([4L], _applied);
        Assert.Equal([new ConfigAck(4, "a-0")], _answers);
    }
}
