using ActorMesh.ControlPlane;
using ActorMesh.Time;
using Akka.Actor;

namespace ActorMesh.Tests.ControlPlane;

/// <summary>
/// Each process has its own clock, so the API server (at the edge, where the load starts) tells every
/// control plane how long ago the load started, whenever it watches: an incarnation that starts or moves to
/// another node after the load started dates its records (a late joiner's rebalance) from the same origin.
/// </summary>
public class ApiServerLoadClockTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void Control_planes_learn_how_long_ago_the_load_started_when_it_starts_and_whenever_they_watch()
    {
        var clock = new VirtualClock();
        var api = Sys.ActorOf(ApiServer.Props(MeshTopology.Create("t").Service("orders").Build(), new MeshRuntime(clock, 1)));
        var watching = CreateTestProbe();
        api.Tell(WatchDesiredState.Instance, watching.Ref);
        watching.ExpectMsg<DesiredState>();
        clock.Advance(TimeSpan.FromSeconds(3));

        api.Tell(ApiServer.LoadStarted.Instance);

        Assert.Equal(0, watching.ExpectMsg<LoadClock>().StartedMsAgo);
        clock.Advance(TimeSpan.FromSeconds(4));
        var moved = CreateTestProbe(); // an incarnation on another node, after the load started
        api.Tell(WatchDesiredState.Instance, moved.Ref);
        moved.ExpectMsg<DesiredState>();
        Assert.Equal(4000, moved.ExpectMsg<LoadClock>().StartedMsAgo);
    }
}
