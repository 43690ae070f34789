using System.Collections.Immutable;
using ActorMesh.Clustering;
using ActorMesh.ControlPlane;
using ActorMesh.DataPlane;
using ActorMesh.DataPlane.Pod;
using ActorMesh.Scenarios.Catalog;
using Akka.Actor;
using Akka.Configuration;

namespace ActorMesh.Tests.Clustering;

/// <summary>Messages that cross nodes survive the mesh's serializers.</summary>
public class SerializationTests : Akka.TestKit.Xunit2.TestKit
{
    public SerializationTests() : base(MeshClusterConfig.Serialization.WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING"))) { }

    /// <summary>Deep equality through JSON: the model's records hold immutable arrays, which compare by reference.</summary>
    private void Same<T>(T expected, T actual)
    {
        var options = ControlMessageSerializer.Options((ExtendedActorSystem)Sys);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected, options), System.Text.Json.JsonSerializer.Serialize(actual, options));
    }

    private T RoundTrip<T>(T message, Type expectedSerializer)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType(expectedSerializer, serializer);
        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return (T)Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
    }

    [Fact]
    public void Requests_and_responses_use_the_compact_binary_serializer_and_keep_every_field_but_the_due_time()
    {
        var request = new MeshRequest(42, "orders", "/o/1", "frontend", 2, 512, new TraceContext(7, 9, true), "spiffe://cluster.local/ns/default/sa/frontend", 123456);
        var response = new MeshResponse(42, 503, ResponseFlags.Overloaded | ResponseFlags.Committed, 77, 0b1011, 999, Retries: 4);
        var client = new ClientRequest(5, "/dashboard", 1024, new TraceContext(1, 2, false), "POST", new BearerToken("client-3", "iss", "aud", 10_000, false));
        var answer = new ClientResponse(5, 200, ResponseFlags.CacheHit, 2048, 3, Retries: 2);

        Assert.Equal(request, RoundTrip(request, typeof(DataPlaneSerializer)));
        Assert.Equal(response, RoundTrip(response, typeof(DataPlaneSerializer)));
        Assert.Equal(client, RoundTrip(client, typeof(DataPlaneSerializer)));
        Assert.Equal(answer, RoundTrip(answer, typeof(DataPlaneSerializer)));
        Assert.Equal(request with { SourceIdentity = null }, RoundTrip(request with { SourceIdentity = null }, typeof(DataPlaneSerializer)));
        // A due time is on the sender's clock, whose origin is not the receiver's: it does not cross (0: arrived when handled).
        Assert.Equal(request, RoundTrip(request with { Due = 7_000 }, typeof(DataPlaneSerializer)));
        Assert.Equal(response, RoundTrip(response with { Due = 7_000 }, typeof(DataPlaneSerializer)));
        Assert.Equal(client, RoundTrip(client with { Due = 7_000 }, typeof(DataPlaneSerializer)));
        Assert.Equal(answer, RoundTrip(answer with { Due = 7_000 }, typeof(DataPlaneSerializer)));
        var zoned = request with { SourceZone = "zone-b", SourcePod = "frontend-1" };
        Assert.Equal(zoned, RoundTrip(zoned, typeof(DataPlaneSerializer)));
    }

    [Fact]
    public void A_network_fault_crosses_to_every_node_as_json()
    {
        var fault = new ActorMesh.DataPlane.Network.SetNetworkFault(
            new NetworkFault { Kind = NetworkFaultKind.Latency, From = "web", ToZone = "b", Latency = Distribution.Constant(3), Until = TimeSpan.FromSeconds(4) }, Active: true);

        Assert.Equal(fault, RoundTrip(fault, typeof(ControlMessageSerializer)));
    }

    [Fact]
    public void A_config_push_with_a_whole_topology_and_endpoints_crosses_as_json()
    {
        var topology = ScenarioCatalog.All.Select(s => s.Load().Topology!).First(t => t.Name == "control-plane");
        var endpoint = new Endpoint("catalog-0", "catalog", 0, TestActor, "node-2", "v1");
        var push = new ConfigPush(new ConfigSnapshot(7, topology, ImmutableDictionary<string, ImmutableArray<Endpoint>>.Empty.Add("catalog", [endpoint])));

        var back = RoundTrip(push, typeof(ControlMessageSerializer));

        Assert.Equal(7, back.Snapshot.Version);
        Assert.Equal(TestActor, back.Snapshot.EndpointsOf("catalog")[0].Address);
        Assert.Equal(endpoint, back.Snapshot.EndpointsOf("catalog")[0]);
        Same(topology, back.Snapshot.Topology);
    }

    [Fact]
    public void Control_messages_singletons_and_forwarded_payloads_cross_as_json()
    {
        Assert.Same(AwaitReady.Instance, RoundTrip(AwaitReady.Instance, typeof(ControlMessageSerializer)));
        var forward = RoundTrip(new ForwardToPod("orders-0", new CrashContainer("proxy")), typeof(ControlMessageSerializer));
        Assert.Equal(new CrashContainer("proxy"), forward.Message);
        Assert.Same(GetPodStats.Instance, RoundTrip(new ForwardToPod("orders-0", GetPodStats.Instance), typeof(ControlMessageSerializer)).Message);
        var change = RoundTrip(new ChangeDesiredState(new DeployEvent("orders", "v2", Healthy: false, ServiceTime: Distribution.LogNormal(1, 0.5))), typeof(ControlMessageSerializer));
        Assert.Equal(new DeployEvent("orders", "v2", false, Distribution.LogNormal(1, 0.5)), change.Change);
        var spec = new PodSpec("orders-1", new ServiceSpec { Name = "orders", Script = [new CallStep(new ServiceCall { Service = "payments" }), new ModuleStep("x")] }, 1, true);
        var start = RoundTrip(new StartPod(spec, TestActor), typeof(ControlMessageSerializer));
        Same(spec, start.Spec);
        Assert.Equal(TestActor, start.ControlPlane);
        var applied = RoundTrip(new AppliedEvents([new AppliedEvent(1.5, "kill orders-1", "applied")]), typeof(ControlMessageSerializer));
        Assert.Equal(new AppliedEvent(1.5, "kill orders-1", "applied"), Assert.Single(applied.Events));
    }

    [Fact]
    public void A_node_telemetry_snapshot_crosses_as_json_with_every_counter_in_schema_order()
    {
        var t = Tests.Telemetry.CounterSchemaTests.Distinct();
        t.RecordLatency(12_000);
        t.EdgeFrom(1).Calls = 2;
        t.EdgeFrom(1).RecordCall(200, ResponseFlags.None, true, 17_000, 1024, 2048);
        t.EdgeFrom(1).RecordCall(503, ResponseFlags.UpstreamRetryLimitExceeded, true, 3_000, 1024, 0);
        t.EdgeFrom(1).Retries = 3;
        t.EdgeFrom(1).RecordAnswer(503, ResponseFlags.None, true, 2_000, 1024, 0);
        t.EdgeFrom(1).CircuitOpened = 1;
        var snapshot = ServiceSnapshot.Of("orders", t, ["orders", "frontend"]);
        Assert.Equal(CounterSchema.Count, snapshot.Counters.Length);
        var traffic = new CrossNodeTotals(Messages: 60, Bytes: 4_500, Batches: 3, BatchedMessages: 58, DirectBatches: 2, Lost: 7);
        var back = RoundTrip(new NodeTelemetry("node-2", [snapshot], [], 0) { CrossNode = traffic }, typeof(ControlMessageSerializer));

        Assert.Equal(traffic, back.CrossNode);

        var again = Assert.Single(back.Services).ToTelemetry(name => name == "frontend" ? 5 : 0);
        Assert.All(Enum.GetValues<ServiceCounter>(), c => Assert.Equal(t[c], again[c]));
        Assert.Equal(1, again.Latency!.TotalCount);
        // An edge crosses by calling workload's name and lands at its index on the receiving side, whole.
        var (sent, edge) = (t.EdgeFrom(1), again.EdgesFrom![5]!);
        Assert.Equal((2L, 3L, 1L), (edge.Calls, edge.Retries, edge.CircuitOpened));
        Assert.Equal(sent.Latency, edge.Latency);
        foreach (var (cells, sentCells) in new[] { (edge.Source, sent.Source), (edge.Destination, sent.Destination) })
            Assert.Equal(
                sentCells.All().Select(c => (c.Status, c.Flags, c.Mtls, c.Cell.Count, string.Join(',', c.Cell.Duration), string.Join(',', c.Cell.DurationSumTicks), string.Join(',', c.Cell.ResponseBytesSum))),
                cells.All().Select(c => (c.Status, c.Flags, c.Mtls, c.Cell.Count, string.Join(',', c.Cell.Duration), string.Join(',', c.Cell.DurationSumTicks), string.Join(',', c.Cell.ResponseBytesSum))));
    }

    [Fact]
    public void A_snapshot_from_a_node_with_another_counter_schema_is_refused_with_the_reason()
    {
        var snapshot = ServiceSnapshot.Of("orders", new ServiceTelemetry(), ["orders"]) with { Counters = new long[CounterSchema.Count - 1] };
        var e = Assert.Throws<InvalidDataException>(() => snapshot.ToTelemetry(_ => 0));
        Assert.Contains("service 'orders'", e.Message);
        Assert.Contains($"carries {CounterSchema.Count - 1} counters", e.Message);
        Assert.Contains($"schema has {CounterSchema.Count}", e.Message);
    }
}
