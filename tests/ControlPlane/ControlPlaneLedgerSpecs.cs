using ActorMesh.ControlPlane;
using ActorMesh.Time;
using Akka.Actor;

namespace ActorMesh.Tests.ControlPlane;

/// <summary>
/// The control plane's counters and outages live in the API server's ledger, not in any incarnation:
/// an incarnation that stops (or, on a cluster, moves with the singleton) loses nothing it counted,
/// and the time without one counts as downtime.
/// </summary>
public class ControlPlaneLedgerSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    [Fact]
    public void A_control_plane_that_stops_mid_convergence_loses_no_ACK_and_the_gap_is_downtime()
    {
        // Spread-out push latencies, so ACKs of one push come back one by one.
        var topology = MeshTopology.Create("shop")
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.Replicas(2).Call("payments"))
            .Service("payments", s => s.Replicas(3))
            .Latency(Distribution.Uniform(1, 5))
            .Build();
        const int workloads = 2 + 3 + 1; // sidecars and the gateway answer every push
        var mesh = StartMesh(topology);
        var start = Await(mesh.StatusAsync());
        Assert.Equal(start.Version, start.Pushes);

        // A push, stopped once some but not all of its ACKs are in.
        mesh.Apply(new SetPolicyEvent("payments", topology.Mesh.PolicyFor("payments") with { Timeout = TimeSpan.FromSeconds(3) }));
        var mid = Await(mesh.StatusAsync());
        var deadline = Clock.Now + TimeSpan.FromSeconds(1).Ticks;
        while (!(mid.Pushes == start.Pushes + 1 && mid.Acks > start.Acks && mid.Acks < start.Acks + workloads) && Clock.Now < deadline)
        {
            Clock.Advance(TimeSpan.FromTicks(500)); // 50 µs
            mid = Await(mesh.StatusAsync());
        }
        Assert.True(mid.Acks > start.Acks && mid.Acks < start.Acks + workloads, $"caught mid-convergence: {mid.Acks - start.Acks} of {workloads} ACKs in");
        mesh.Apply(new StopControlPlaneEvent());

        var down = Await(mesh.StatusAsync());
        Clock.Advance(TimeSpan.FromSeconds(1));
        mesh.Apply(new StartControlPlaneEvent());
        Clock.Advance(TimeSpan.FromSeconds(3));
        var end = Await(mesh.StatusAsync());

        Out.WriteLine($"start v{start.Version} acks {start.Acks}; mid v{mid.Version} acks {mid.Acks}; down acks {down.Acks} up {down.Up}; end v{end.Version} pushes {end.Pushes} acks {end.Acks}, down {end.DownSeconds} s");
        // Nothing the stopped incarnation counted was lost ...
        Assert.False(down.Up);
        Assert.Equal((mid.Version, mid.Pushes, mid.Acks, mid.Nacks), (down.Version, down.Pushes, down.Acks, down.Nacks));
        // ... every push is counted ...
        Assert.Equal(end.Version, end.Pushes);
        // ... and every ACK: the ones in flight when it stopped reached no one; each later push was answered by every workload.
        Assert.True(end.Up);
        Assert.Equal(mid.Acks + (end.Pushes - mid.Pushes) * workloads, end.Acks);
        // The second it was down is downtime, to the tick: the outage runs from its stop to its successor's start.
        Assert.Equal(1.0, end.DownSeconds, 3);
    }
}

/// <summary>The ledger's arithmetic, without actors.</summary>
public class ControlPlaneLedgerTests
{
    private sealed class Nobody : MinimalActorRef
    {
        public Nobody(string name) => Path = new RootActorPath(Address.AllSystems) / name;
        public override ActorPath Path { get; }
        public override IActorRefProvider Provider => throw new NotSupportedException();
    }

    [Fact]
    public void A_writer_sends_only_what_changed_since_its_last_delta()
    {
        var stats = new ControlPlaneStats { Version = 3, Pushes = 3, Acks = 10 };
        stats.ConvergenceMs.Add(1.5);
        var writer = new LedgerWriter(stats);
        Assert.Null(writer.Take(stats));

        stats.Acks += 4;
        stats.Nacks++;
        stats.LastNack = "gw rejected v3: bad";
        stats.ConvergenceMs.Add(2.5);
        var delta = writer.Take(stats)!;

        Assert.Equal((3, 0, 4, 1, "gw rejected v3: bad"), (delta.Version, delta.Pushes, delta.Acks, delta.Nacks, delta.LastNack));
        Assert.Equal([2.5], delta.ConvergenceMs);
        Assert.Null(writer.Take(stats));
    }

    [Fact]
    public void The_ledger_sums_every_incarnations_deltas_and_times_the_gap_between_them_from_the_last_sign_of_life()
    {
        var clock = new VirtualClock();
        var ledger = new ControlPlaneLedger(clock);
        var first = new Nobody("cp-1");
        var second = new Nobody("cp-2");
        ledger.Watching(first);
        ledger.Add(new LedgerDelta(1, 1, 5, 0, null, [2.0], [], [], 0, 0, null));
        clock.Advance(TimeSpan.FromMilliseconds(300));
        ledger.Heard(first);
        // Its node dies: nothing more is heard; the loss is noticed 2 s later, and a successor starts 3 s after the last sign of life.
        clock.Advance(TimeSpan.FromSeconds(2));
        ledger.Gone(first);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3.0, ledger.Status().DownSeconds, 6);
        Assert.False(ledger.Status().Up);
        ledger.Watching(second);
        ledger.Add(new LedgerDelta(2, 1, 6, 1, "x", [], [], [], 1, 2, null));
        clock.Advance(TimeSpan.FromSeconds(5));

        var status = ledger.Status();
        Assert.True(status.Up);
        Assert.Equal((2L, 2L, 11L, 1L, "x", 1L, 2L), (status.Version, status.Pushes, status.Acks, status.Nacks, status.LastNackReason, status.NodesLost, status.PodsReplaced));
        Assert.Equal(3.0, status.DownSeconds, 6);
    }

    [Fact]
    public void A_successor_that_watches_before_its_predecessor_is_known_gone_still_counts_the_gap()
    {
        var clock = new VirtualClock();
        var ledger = new ControlPlaneLedger(clock);
        var first = new Nobody("cp-1");
        ledger.Watching(first);
        clock.Advance(TimeSpan.FromSeconds(1));
        ledger.Heard(first);
        clock.Advance(TimeSpan.FromSeconds(2));
        ledger.Watching(new Nobody("cp-2"));
        ledger.Gone(first); // late news changes nothing
        Assert.Equal(2.0, ledger.Status().DownSeconds, 6);
    }
}
