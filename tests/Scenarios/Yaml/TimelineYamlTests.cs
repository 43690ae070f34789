using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Yaml;

public class TimelineYamlTests
{
    private const string Services = """
        name: t
        mesh:
          destinations:
            payments: { timeout: 2s }
        services:
          - name: frontend
            script: [ { call: payments } ]
          - name: payments
            replicas: 3
        load: { duration: 10s, warmup: 1s }

        """;

    [Fact]
    public void Every_event_kind_reads_into_its_record()
    {
        var result = TopologyFile.Parse(Services + """
            timeline:
              - at: 1s
                setPolicy: { destination: payments, policy: { retries: { attempts: 3, retryOn: 5xx } } }
              - at: 2s
                setPolicy: { policy: { timeout: 5s } }
              - at: 3s
                scale: { service: payments, replicas: 5 }
              - at: 4s
                kill: payments-1
              - at: 4.5s
                kill: { pod: payments-2 }
              - at: 5s
                stopControlPlane: true
              - at: 6s
                startControlPlane: true
              - at: 7s
                setServiceTime: { service: payments, serviceTime: 50ms, instance: 0 }
              - at: 8s
                setErrors: { service: payments, errors: { rate: 50%, status: 503 } }
              - at: 9s
                crash: { pod: payments-0, container: proxy }
              - at: 9.5s
                setSettings: { service: payments, values: { pageSize: 50, newCheckout: on } }
              - at: 9.8s
                setSecurity: { mtls: strict }
            """, "t.yaml");

        Assert.True(result.Ok, string.Join("\n", result.Problems));
        var timeline = result.Topology!.Timeline;
        Assert.Equal(12, timeline.Length);
        Assert.Equal(MtlsMode.Strict, Assert.IsType<SetSecurityEvent>(timeline[11].Event).Mtls);
        var retry = Assert.IsType<SetPolicyEvent>(timeline[0].Event);
        Assert.Equal("payments", retry.Destination);
        Assert.Equal(3, retry.Policy.Retries.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(2), retry.Policy.Timeout); // sections not given keep the file's policy
        Assert.Null(Assert.IsType<SetPolicyEvent>(timeline[1].Event).Destination);
        Assert.Equal(new ScaleEvent("payments", 5), timeline[2].Event);
        Assert.Equal(new KillPodEvent("payments-1"), timeline[3].Event);
        Assert.Equal(new KillPodEvent("payments-2"), timeline[4].Event);
        Assert.IsType<StopControlPlaneEvent>(timeline[5].Event);
        Assert.IsType<StartControlPlaneEvent>(timeline[6].Event);
        Assert.Equal(new SetServiceTimeEvent("payments", Distribution.Constant(50), 0), timeline[7].Event);
        Assert.Equal(new SetErrorsEvent("payments", new ErrorInjection(0.5, 503)), timeline[8].Event);
        Assert.Equal(new CrashContainerEvent("payments-0", "proxy"), timeline[9].Event);
        Assert.Equal(TimeSpan.FromSeconds(4.5), timeline[4].At);
        var settings = Assert.IsType<SetSettingsEvent>(timeline[10].Event);
        Assert.Equal("50", settings.Values["pageSize"]);
    }

    [Fact]
    public void Timeline_problems_are_all_reported_with_their_paths()
    {
        var result = TopologyFile.Parse(Services + """
            timeline:
              - at: 1s
              - at: 2s
                scale: { service: paymnts, replicas: 2 }
                kill: payments-0
              - at: 20s
                kill: nobody
              - at: 3s
                crash: { pod: payments-0, container: kettle }
              - at: 4s
                reboot: true
            """, "t.yaml");

        var messages = result.Problems.Select(p => $"{p.Path}: {p.Message}").ToList();
        Assert.Contains(messages, m => m.StartsWith("timeline[0]: an entry needs one event"));
        Assert.Contains(messages, m => m.StartsWith("timeline[1]: an entry has exactly one event"));
        Assert.Contains(messages, m => m.StartsWith("timeline[2].at: 20s is after the load ends"));
        Assert.Contains(messages, m => m.StartsWith("timeline[2].kill: 'nobody' is not a pod"));
        Assert.Contains(messages, m => m.StartsWith("timeline[3].crash.container: unknown container 'kettle'"));
        Assert.Contains(messages, m => m.StartsWith("timeline[4].reboot: unknown key 'reboot'"));
        Assert.All(result.Problems, p => Assert.True(p.Line > 0, $"{p} has a line"));
    }

    [Fact]
    public void A_scale_of_an_unknown_service_suggests_the_right_one()
    {
        var result = TopologyFile.Parse(Services + """
            timeline:
              - at: 2s
                scale: { service: paymnts, replicas: 2 }
            """, "t.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("timeline[0].scale.service", problem.Path);
        Assert.Contains("did you mean 'payments'?", problem.Message);
    }

    [Fact]
    public void Stopping_or_starting_the_control_plane_takes_true_and_nothing_else()
    {
        var result = TopologyFile.Parse(Services + """
            timeline:
              - at: 1s
                stopControlPlane: false
              - at: 2s
                startControlPlane: { after: 1s }
              - at: 3s
                stopControlPlane:
            """, "t.yaml");

        Assert.Equal(
        [
            "t.yaml:13:23: timeline[0].stopControlPlane: 'false' schedules nothing; give 'true', or remove the entry",
            "t.yaml:15:24: timeline[1].startControlPlane: expected a single value, got a mapping",
            "t.yaml:17:22: timeline[2].stopControlPlane: needs a value",
        ], result.Problems.Select(p => p.ToString()));
    }
}

public class JoinNodeYamlTests
{
    private static TopologyLoadResult Parse(string timeline) => TopologyFile.Parse($"""
        name: t
        nodes: 2
        services:
          - name: payments
            replicas: 3
        load: {"{"} duration: 10s {"}"}
        timeline:
        {timeline}
        """, "t.yaml");

    [Fact]
    public void A_node_joins_by_name_and_may_crash_later()
    {
        var result = Parse("""
              - at: 2s
                joinNode: node-3
              - at: 5s
                crashNode: node-3
            """);

        Assert.True(result.Ok, string.Join("\n", result.Problems));
        Assert.Equal(new JoinNodeEvent("node-3"), result.Topology!.Timeline[0].Event);
    }

    [Fact]
    public void A_node_of_the_cluster_cannot_join_again_nor_a_name_join_twice()
    {
        var result = Parse("""
              - at: 2s
                joinNode: node-2
              - at: 3s
                joinNode: edge-9
              - at: 4s
                joinNode: edge-9
            """);

        Assert.False(result.Ok);
        Assert.Equal(2, result.Problems.Count(p => p.ToString().Contains("is already in the cluster", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_node_crashes_only_after_it_joined()
    {
        var result = Parse("""
              - at: 2s
                crashNode: node-3
              - at: 3s
                joinNode: node-3
            """);

        Assert.Contains(result.Problems, p => p.ToString().Contains("no node named 'node-3'", StringComparison.Ordinal));
    }
}
