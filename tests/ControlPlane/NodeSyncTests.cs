using ActorMesh.ControlPlane;

namespace ActorMesh.Tests.ControlPlane;

public class NodeSyncTests
{
    [Fact]
    public void The_wait_ends_when_the_last_attached_node_has_synced()
    {
        var sync = new NodeSync();
        sync.Expect("node-1");
        sync.Expect("node-2");

        Assert.False(sync.Synced("node-1"));
        Assert.True(sync.Waiting);
        Assert.True(sync.Synced("node-2"));
        Assert.False(sync.Waiting);
    }

    [Fact]
    public void A_sync_from_a_node_not_waited_for_ends_nothing()
    {
        var sync = new NodeSync();

        Assert.False(sync.Synced("node-1"));
        sync.Expect("node-2");
        Assert.False(sync.Synced("node-1"));
        Assert.True(sync.Waiting);
    }

    [Fact]
    public void Losing_the_last_node_waited_for_ends_the_wait()
    {
        var sync = new NodeSync();
        sync.Expect("node-1");
        sync.Expect("node-2");
        sync.Synced("node-1");

        Assert.True(sync.Lost("node-2"));
    }

    [Fact]
    public void At_the_deadline_the_nodes_still_waited_for_are_given_up()
    {
        var sync = new NodeSync();
        sync.Expect("node-1");
        sync.Expect("node-2");
        sync.Synced("node-1");

        Assert.Equal(["node-2"], sync.GiveUp());
        Assert.False(sync.Waiting);
        Assert.Empty(sync.GiveUp());
    }
}
