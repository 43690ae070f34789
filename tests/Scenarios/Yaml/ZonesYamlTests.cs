using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Yaml;

public class ZonesYamlTests
{
    private const string Zoned = """
        name: zoned
        zones:
          names: [a, b]
          within: 0.1ms
          between: 2ms
          pairs: [ { zones: [b], latency: 0.3ms } ]
        network:
          faults:
            - { kind: loss, zone: b, rate: 5% }
        mesh:
          defaults:
            connectionPool: { connectTimeout: 1s }
            outlierDetection: on
            locality:
              failover: [ { from: a, to: b } ]
        gateways:
          - name: edge
            zone: a
            routes: [ { prefix: /, service: web } ]
        services:
          - name: web
            replicas: 2
            script: [ { call: db } ]
          - name: db
            zones: b
        timeline:
          - at: 1s
            networkFault: { kind: bandwidth, from: web, to: db, bandwidth: 1 MB, until: 2s }
        load: { duration: 3s }
        """;

    [Fact]
    public void Zones_locality_and_network_faults_read_from_yaml()
    {
        var result = TopologyFile.Parse(Zoned, "zoned.yaml");

        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Problems));
        var t = result.Topology!;
        Assert.Equal(["a", "b"], t.Zones.Names.ToArray());
        Assert.Equal(Distribution.Constant(0.3), t.Zones.LatencyBetween("b", "b", Distribution.Zero));
        Assert.Equal(Distribution.Constant(2), t.LatencyBetween("web", "a", "db", "b"));
        Assert.Equal(new NetworkFault { Kind = NetworkFaultKind.Loss, Zone = "b", Rate = 0.05 }, Assert.Single(t.Network.Faults));
        Assert.Equal(TimeSpan.FromSeconds(1), t.Mesh.Defaults.Limits.ConnectTimeout);
        Assert.Equal(new LocalityFailover("a", "b"), Assert.Single(t.Mesh.Defaults.Locality.Failover));
        Assert.Equal("a", t.Gateways[0].Zone);
        Assert.Equal(["b"], t.Service("db")!.Zones.ToArray());
        var e = Assert.IsType<NetworkFaultEvent>(t.Timeline[0].Event);
        Assert.Equal((NetworkFaultKind.Bandwidth, 1024L * 1024, TimeSpan.FromSeconds(2)), (e.Fault.Kind, e.Fault.BytesPerSecond, e.Fault.Until!.Value));
    }

    [Fact]
    public void Unknown_zones_and_misplaced_faults_are_each_reported_with_their_path()
    {
        var yaml = Zoned
            .Replace("zones: b", "zones: [c]")
            .Replace("{ kind: loss, zone: b, rate: 5% }", "{ kind: loss, zone: b, rate: 5%, until: 2s }")
            .Replace("failover: [ { from: a, to: b } ]", "failover: [ { from: a, to: z } ]")
            .Replace("bandwidth: 1 MB, until: 2s", "bandwidth: 1 MB, until: 1s");

        var problems = TopologyFile.Parse(yaml, "zoned.yaml").Problems.Select(p => $"{p.Path}: {p.Message}").ToList();

        Assert.Contains(problems, p => p.StartsWith("services[1].zones[0]: no zone named 'c'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("network.faults[0].until:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("mesh.defaults.locality.failover[0].to: no zone named 'z'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("timeline[0].networkFault.until: must be after", StringComparison.Ordinal));
    }

    [Fact]
    public void The_builder_makes_the_same_model()
    {
        var built = MeshTopology.Create("zoned")
            .Zones(["a", "b"], within: Distribution.Constant(0.1), between: Distribution.Constant(2))
            .ZonePair("b", "b", Distribution.Constant(0.3))
            .NetworkFault(new NetworkFault { Kind = NetworkFaultKind.Loss, Zone = "b", Rate = 0.05 })
            .Gateway("edge", g => g.Zone("a").Route("/", "web"))
            .Service("web", s => s.Replicas(2).Call("db"))
            .Service("db", s => s.InZones("b"))
            .Build();
        var read = TopologyFile.Parse(Zoned, "zoned.yaml").Topology!;

        Assert.Equal(read.Zones.Names.ToArray(), built.Zones.Names.ToArray());
        Assert.Equal(read.Zones.Pairs.ToArray(), built.Zones.Pairs.ToArray());
        Assert.Equal(read.Network.Faults.ToArray(), built.Network.Faults.ToArray());
        Assert.Equal(read.Service("db")!.Zones.ToArray(), built.Service("db")!.Zones.ToArray());
        Assert.Equal("a", built.Gateways[0].Zone);
    }
}
