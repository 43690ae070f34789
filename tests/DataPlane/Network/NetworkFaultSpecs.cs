using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;
using ActorMesh.Tests.DataPlane.Upstream;

namespace ActorMesh.Tests.DataPlane.Network;

/// <summary>
/// Network faults as the caller sees them, on the virtual clock: a router (source <c>web</c>) calls
/// <c>orders</c> over a 0.5 ms hop, and a fault in the network between them changes what comes back.
/// </summary>
public class NetworkFaultSpecs(ITestOutputHelper output) : RouterSpec(output)
{
    private static NetworkFault Fault(NetworkFaultKind kind) => new() { Kind = kind, From = "web", To = Destination };

    private void ConfigureWithConnectTimeout(params Akka.Actor.IActorRef[] endpoints) =>
        Configure(Policy(limits: new ConnectionLimits { ConnectTimeout = TimeSpan.FromMilliseconds(200) }), endpoints);

    [Fact]
    public void A_partition_drops_the_request_and_the_caller_sees_a_connect_failure_after_its_connect_timeout()
    {
        var endpoint = Endpoint();
        ConfigureWithConnectTimeout(endpoint.Ref);
        Network.Start(Fault(NetworkFaultKind.Partition));

        Call();
        Run(199);
        Assert.Empty(Outcomes);
        Run(2);

        var outcome = OutcomeOf();
        Assert.Equal((StatusCodes.ServiceUnavailable, ResponseFlags.UpstreamConnectionFailure), (outcome.Status, outcome.Flags));
        Assert.Equal(200, outcome.AtMs, 1);
        Assert.Empty(endpoint.Received);
        Assert.Equal(1, Counters[ServiceCounter.NetworkPartitioned]);
        Assert.Equal(1, Counters[ServiceCounter.ConnectFailures]);
    }

    [Fact]
    public void A_reset_peer_resets_the_connection_after_one_hop_and_the_request_never_arrives()
    {
        var endpoint = Endpoint();
        ConfigureWithConnectTimeout(endpoint.Ref);
        Network.Start(Fault(NetworkFaultKind.ResetPeer));

        Call();
        Run(10);

        var outcome = OutcomeOf();
        Assert.Equal(ResponseFlags.UpstreamReset, outcome.Flags);
        Assert.Equal(Hop, outcome.AtMs, 3);
        Assert.Empty(endpoint.Received);
        Assert.Equal(1, Counters[ServiceCounter.NetworkResets]);
    }

    [Fact]
    public void A_total_loss_fails_some_requests_before_they_arrive_and_resets_the_others_after()
    {
        var endpoint = Endpoint();
        ConfigureWithConnectTimeout(endpoint.Ref);
        Network.Start(Fault(NetworkFaultKind.Loss));

        for (var i = 1; i <= 40; i++) Call(i);
        Run(10);

        var connectFailures = Outcomes.Count(o => o.Flags == ResponseFlags.UpstreamConnectionFailure);
        var resets = Outcomes.Count(o => o.Flags == ResponseFlags.UpstreamReset);
        Assert.Equal(40, connectFailures + resets);
        Assert.InRange(connectFailures, 8, 32);
        // A reset comes after the request reached the peer, which handled it anyway.
        Assert.Equal(resets, endpoint.Received.Count);
        Assert.Equal(40, Counters[ServiceCounter.NetworkLost]);
    }

    [Fact]
    public void A_latency_fault_adds_its_latency_to_the_hop_until_it_ends()
    {
        var endpoint = Endpoint();
        ConfigureWithConnectTimeout(endpoint.Ref);
        var slow = Fault(NetworkFaultKind.Latency) with { Latency = Distribution.Constant(10) };
        Network.Start(slow);

        Call(1);
        Run(20);
        Assert.True(Network.End(slow));
        Call(2);
        Run(20);

        // The endpoint answers straight back after 1 ms: 0.5 + 10 + 1, then 0.5 + 1 (from 20 ms).
        Assert.Equal(11.5, OutcomeOf(1).AtMs, 3);
        Assert.Equal(21.5, OutcomeOf(2).AtMs, 3);
        Assert.Equal(1, Counters[ServiceCounter.NetworkDelayed]);
    }

    [Fact]
    public void A_bandwidth_limit_delays_a_message_by_its_size_and_by_the_bytes_queued_before_it()
    {
        var endpoint = Endpoint();
        ConfigureWithConnectTimeout(endpoint.Ref);
        // Requests of 100 bytes over 1000 bytes per second: 100 ms each, one after the other.
        Network.Start(Fault(NetworkFaultKind.Bandwidth) with { BytesPerSecond = 1000 });

        Call(1);
        Call(2);
        Run(500);

        Assert.Equal(0.5 + 100 + 1, OutcomeOf(1).AtMs, 3);
        Assert.Equal(0.5 + 200 + 1, OutcomeOf(2).AtMs, 3);
        Assert.Equal(2, Counters[ServiceCounter.NetworkThrottled]);
    }

    [Fact]
    public void A_fault_on_one_pod_leaves_the_others_alone()
    {
        var first = Endpoint();
        var second = Endpoint();
        ConfigureWithConnectTimeout(first.Ref, second.Ref);
        Network.Start(new NetworkFault { Kind = NetworkFaultKind.ResetPeer, Pod = $"{Destination}-1" });

        for (var i = 1; i <= 4; i++) Call(i);
        Run(10);

        Assert.Equal(2, Outcomes.Count(o => o.Status == StatusCodes.Ok));
        Assert.Equal(2, Outcomes.Count(o => o.Flags == ResponseFlags.UpstreamReset));
        Assert.Empty(second.Received);
    }
}
