using ActorMesh.Load;
using ActorMesh.Time;
using ActorMesh.Topology;
using Akka.Actor;
using Akka.TestKit;

namespace ActorMesh.Tests.Load;

/// <summary>
/// A load per zone whose zones do not all make it: a node gone before the start, an agent that never
/// answers, a node that dies mid-run. The run ends when the zones that can finish have, and every zone's
/// requests are accounted for, in the counts or in <see cref="LoadResult.LostZones"/>. Virtual time for the
/// patience and the progress polls; probes stand in for the node agents and the zones' generators.
/// </summary>
public class ZonalLoadSpecs : Akka.TestKit.Xunit2.TestKit
{
    private readonly VirtualClock _clock = new();

    /// <summary>A node agent: its child "gateway" is the zone's replica; everything it receives goes to the probe.</summary>
    private sealed class Agent : ReceiveActor
    {
        public Agent(IActorRef probe)
        {
            var replica = Context.ActorOf(Props.Create(() => new Replica()), "gateway");
            Receive<string>(s => s == "replica", _ => Sender.Tell(replica));
            ReceiveAny(m => probe.Forward(m));
        }
    }

    private sealed class Replica : ReceiveActor
    {
        public Replica() => ReceiveAny(_ => { });
    }

    private (IActorRef Agent, TestProbe Probe, IActorRef Replica) Node(string name)
    {
        var probe = CreateTestProbe();
        var agent = Sys.ActorOf(Props.Create(() => new Agent(probe.Ref)), name);
        agent.Tell("replica", TestActor);
        var replica = ExpectMsg<IActorRef>();
        return (agent, probe, replica);
    }

    private IActorRef Zonal(params (string Zone, IActorRef Replica)[] zones)
    {
        var runtime = new MeshRuntime(_clock, 1);
        var targets = new List<LoadTarget> { new("edge", ActorRefs.Nobody, Distribution.Zero, "issuer", "audience") };
        var shares = zones.Select((z, i) => new ZoneShare(z.Replica,
            new StartLoadGenerator(z.Zone, new LoadProfile(), targets, [new RequestMix("/")], new LoadShare(i, zones.Length, true)))).ToList();
        return Sys.ActorOf(ZonalLoad.Props(runtime, shares));
    }

    private static LoadFinished Finished(long ok)
    {
        var result = new LoadResult();
        result.Kinds.Add(new RequestKindResult("/", 1, "edge"));
        result.Measured.Sent = ok;
        result.Measured.Ok = ok;
        return new LoadFinished(result);
    }

    [Fact]
    public void A_zone_whose_node_is_gone_before_the_start_sends_nothing_and_the_others_run()
    {
        var a = Node("agent-a1");
        var b = Node("agent-b1");
        Watch(b.Agent);
        Sys.Stop(b.Agent);
        ExpectTerminated(b.Agent);
        var zonal = Zonal(("zone-a", a.Replica), ("zone-b", b.Replica));
        var generatorA = CreateTestProbe();
        a.Probe.ExpectMsg<StartLoadGenerator>(s => s.Zone == "zone-a");
        a.Probe.Reply(new LoadGeneratorStarted("zone-a", generatorA.Ref));

        zonal.Tell(StartLoad.Instance, TestActor);
        generatorA.ExpectMsg<StartLoad>();
        generatorA.Reply(Finished(ok: 40));

        var result = ExpectMsg<LoadFinished>().Result;
        Assert.Equal(40, result.Measured.Ok);
        var lost = Assert.Single(result.LostZones);
        Assert.Equal("zone-b", lost.Zone);
        Assert.Contains("never started", lost.Reason);
        Assert.Equal((0, 0, 0), (lost.Sent, lost.Answered, lost.InFlight));
    }

    [Fact]
    public void A_zone_whose_agent_never_answers_is_given_up_after_the_start_s_patience()
    {
        var a = Node("agent-a2");
        var b = Node("agent-b2");
        var zonal = Zonal(("zone-a", a.Replica), ("zone-b", b.Replica));
        var generatorA = CreateTestProbe();
        a.Probe.ExpectMsg<StartLoadGenerator>();
        a.Probe.Reply(new LoadGeneratorStarted("zone-a", generatorA.Ref));
        var silent = b.Probe.ExpectMsg<StartLoadGenerator>(); // and never answers
        zonal.Tell(StartLoad.Instance, TestActor);

        _clock.Advance(ZonalLoad.StartPatience);

        generatorA.ExpectMsg<StartLoad>();
        generatorA.Reply(Finished(ok: 7));
        var result = ExpectMsg<LoadFinished>().Result;
        Assert.Equal(7, result.Measured.Ok);
        Assert.Equal("zone-b", Assert.Single(result.LostZones).Zone);

        // An answer after the zone was given up: its generator is stopped, so that nothing sends unaccounted.
        var late = CreateTestProbe();
        Watch(late.Ref);
        zonal.Tell(new LoadGeneratorStarted(silent.Zone, late.Ref), b.Probe.Ref);
        ExpectTerminated(late.Ref);
    }

    [Fact]
    public void A_zone_lost_mid_run_is_accounted_for_with_its_last_counts_and_the_run_ends_with_the_others()
    {
        var a = Node("agent-a3");
        var b = Node("agent-b3");
        var zonal = Zonal(("zone-a", a.Replica), ("zone-b", b.Replica));
        var generatorA = CreateTestProbe();
        var generatorB = CreateTestProbe();
        a.Probe.ExpectMsg<StartLoadGenerator>();
        a.Probe.Reply(new LoadGeneratorStarted("zone-a", generatorA.Ref));
        b.Probe.ExpectMsg<StartLoadGenerator>();
        b.Probe.Reply(new LoadGeneratorStarted("zone-b", generatorB.Ref));
        zonal.Tell(StartLoad.Instance, TestActor);
        generatorA.ExpectMsg<StartLoad>();
        generatorB.ExpectMsg<StartLoad>();
        AwaitCondition(() => _clock.Pending == 2); // the start's patience and the first progress poll

        _clock.Advance(ZonalLoad.ProgressInterval);
        generatorA.ExpectMsg<GetLoadProgress>();
        generatorB.ExpectMsg<GetLoadProgress>();
        generatorB.Reply(new LoadProgress(Sent: 100, Answered: 90, Outstanding: 10, ElapsedSeconds: 1));
        _clock.Advance(ZonalLoad.ProgressInterval);
        generatorB.ExpectMsg<GetLoadProgress>(); // the zone's counts above were taken before this poll
        Sys.Stop(generatorB.Ref);                 // its node dies

        zonal.Tell(Finished(ok: 50), generatorA.Ref);

        var result = ExpectMsg<LoadFinished>().Result;
        Assert.Equal(50, result.Measured.Ok);
        var lost = Assert.Single(result.LostZones);
        Assert.Equal("zone-b", lost.Zone);
        Assert.Equal((100, 90, 10), (lost.Sent, lost.Answered, lost.InFlight));
        Assert.Equal(1, lost.AtSeconds);
    }
}
