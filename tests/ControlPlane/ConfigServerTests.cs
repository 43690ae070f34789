using System.Collections.Immutable;
using ActorMesh.ControlPlane;
using Akka.Actor;

namespace ActorMesh.Tests.ControlPlane;

public class ConfigServerTests
{
    private static readonly long Ms = TimeSpan.TicksPerMillisecond;
    private static readonly MeshTopology Topology = MeshTopology.Create("t").Service("a").Build();

    private readonly ControlPlaneStats _stats = new();
    private readonly ConfigServer _server;

    public ConfigServerTests() => _server = new ConfigServer(_stats);

    private ConfigSnapshot PushAt(long now)
    {
        var snapshot = _server.NextVersion(Topology, ImmutableDictionary<string, ImmutableArray<Endpoint>>.Empty);
        _server.Push(now);
        return snapshot;
    }

    [Fact]
    public void Versions_go_on_from_the_counters_an_earlier_incarnation_left()
    {
        _stats.Version = 41;

        Assert.Equal(42, PushAt(0).Version);
        Assert.Equal(43, PushAt(0).Version);
        Assert.Equal(2, _stats.Pushes);
    }

    [Fact]
    public void A_workload_subscribing_gets_the_current_snapshot_at_once_and_none_before_the_first_push()
    {
        Assert.Null(_server.Subscribe("a-0", ActorRefs.Nobody));

        var snapshot = PushAt(0);

        Assert.Same(snapshot, _server.Subscribe("a-1", ActorRefs.Nobody));
    }

    [Fact]
    public void A_push_goes_to_every_workload_and_converges_once_each_has_answered_ack_or_nack()
    {
        _server.Subscribe("a-0", ActorRefs.Nobody);
        _server.Subscribe("edge", ActorRefs.Nobody);
        var v = PushAt(10 * Ms).Version;

        Assert.True(_server.Answer(v, "a-0", nack: null));
        Assert.False(_server.Settled);
        Assert.False(_server.Converge(12 * Ms));
        Assert.True(_server.Answer(v, "edge", nack: "retries.attempts must be at least 0"));

        Assert.True(_server.Converge(13 * Ms));
        Assert.Equal([3.0], _stats.ConvergenceMs);
        Assert.False(_server.Converge(14 * Ms)); // recorded once
        Assert.Equal((1, 1), (_stats.Acks, _stats.Nacks));
        Assert.Equal($"edge rejected v{v}: retries.attempts must be at least 0", _stats.LastNack);
    }

    [Fact]
    public void A_push_to_no_workload_converges_at_once()
    {
        PushAt(5 * Ms);

        Assert.True(_server.Converge(5 * Ms));
        Assert.Equal([0.0], _stats.ConvergenceMs);
    }

    [Fact]
    public void An_answer_to_an_older_version_is_counted_but_settles_nothing()
    {
        _server.Subscribe("a-0", ActorRefs.Nobody);
        var old = PushAt(0).Version;
        PushAt(0);

        Assert.False(_server.Answer(old, "a-0", nack: null));

        Assert.Equal(1, _stats.Acks);
        Assert.False(_server.Settled);
        Assert.False(_server.AllAnswered());
    }

    [Fact]
    public void A_workload_that_stops_is_no_longer_waited_for()
    {
        _server.Subscribe("a-0", ActorRefs.Nobody);
        _server.Subscribe("a-1", ActorRefs.Nobody);
        var v = PushAt(0).Version;
        _server.Answer(v, "a-0", nack: null);

        Assert.True(_server.Unsubscribe("a-1"));

        Assert.True(_server.Converge(0));
        Assert.True(_server.AllAnswered());
        Assert.False(_server.Unsubscribe("a-1"));
    }

    [Fact]
    public void A_workload_subscribed_after_a_push_must_answer_it_before_all_have()
    {
        var v = PushAt(0).Version;
        _server.Subscribe("late", ActorRefs.Nobody);

        Assert.True(_server.Settled); // the push went to nobody...
        Assert.False(_server.AllAnswered()); // ...but the late workload has not answered the current version yet
        _server.Answer(v, "late", nack: null);
        Assert.True(_server.AllAnswered());
    }
}
