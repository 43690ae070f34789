using ActorMesh.DataPlane.Logs;
using ActorMesh.DataPlane.Settings;
using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Yaml;

/// <summary>A service's sidecars (besides the proxy) and settings in a topology file.</summary>
public class SidecarsYamlTests
{
    private static MeshTopology Read(string yaml)
    {
        var result = TopologyFile.Parse(yaml, "test.yaml");
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Problems));
        return result.Topology!;
    }

    private static string[] Problems(string yaml)
    {
        var result = TopologyFile.Parse(yaml, "test.yaml");
        Assert.False(result.Ok);
        return [.. result.Problems.Select(p => p.ToString())];
    }

    [Fact]
    public void Sidecar_options_and_settings_are_read()
    {
        var orders = Read("""
            name: shop
            services:
              - name: orders
                sidecars:
                  logCollector: { bufferSize: 512, batchSize: 50, flushInterval: 500ms, restartDelay: 2s, sampleRate: 10% }
                  configSync: { applyDelay: 20ms }
                settings: { pageSize: 50, newCheckout: off, Region: eu-west }
            """).Services[0];

        Assert.Equal(
            new LogCollectorOptions { BufferSize = 512, BatchSize = 50, FlushInterval = TimeSpan.FromMilliseconds(500), RestartDelay = TimeSpan.FromSeconds(2), SampleRate = 0.1 },
            orders.LogCollector);
        Assert.Equal(new ConfigSyncOptions { ApplyDelay = TimeSpan.FromMilliseconds(20) }, orders.ConfigSync);
        Assert.Equal(1, orders.Settings.Version);
        Assert.Equal(
            [new("Region", "eu-west"), new("newCheckout", "off"), new KeyValuePair<string, string>("pageSize", "50")],
            orders.Settings.Values);
    }

    [Fact]
    public void On_turns_a_sidecar_on_with_its_defaults_and_off_or_absence_means_none()
    {
        var services = Read("""
            name: shop
            services:
              - { name: a, sidecars: { logCollector: on, configSync: {} } }
              - { name: b, sidecars: { logCollector: off, configSync: false } }
              - { name: c }
            """).Services;

        Assert.Equal(new LogCollectorOptions(), services[0].LogCollector);
        Assert.Equal(new ConfigSyncOptions(), services[0].ConfigSync);
        Assert.All(services.Skip(1), s => Assert.Equal((null, null, AppSettings.None), (s.LogCollector, s.ConfigSync, s.Settings)));
    }

    [Fact]
    public void Bad_sidecar_options_and_settings_are_reported_with_their_lines_and_paths()
    {
        var problems = Problems("""
            name: shop
            services:
              - name: orders
                sidecars:
                  logCollector: { bufferSize: 0, batchSize: 10, flushInterval: 0s, restartDelay: soon, sampleRate: 150% }
                  configSync: maybe
                  metrics: on
                settings: { pageSize: [50], mode: }
              - name: payments
                sidecars: { logCollector: { bufferSize: 10, batchSize: 20 }, configSync: { applyDelay: -1s } }
            """);

        Assert.Equal(
            [
                "test.yaml:5:35: services[0].sidecars.logCollector.bufferSize: must be between 1 and 1000000",
                "test.yaml:5:68: services[0].sidecars.logCollector.flushInterval: must be greater than zero",
                "test.yaml:5:86: services[0].sidecars.logCollector.restartDelay: expected a duration like '500ms', '1.5s' or '1m30s', got 'soon'",
                "test.yaml:5:104: services[0].sidecars.logCollector.sampleRate: must be between 0 and 1 (or a percentage like '10%')",
                "test.yaml:6:19: services[0].sidecars.configSync: expected a mapping of options, 'on' for the defaults or 'off' for none, got 'maybe'",
                "test.yaml:7:7: services[0].sidecars.metrics: unknown key 'metrics'; expected one of: logCollector, configSync",
                "test.yaml:8:27: services[0].settings.pageSize: expected a single value, got a list",
                "test.yaml:8:39: services[0].settings.mode: needs a value",
                "test.yaml:10:60: services[1].sidecars.logCollector.batchSize: must not exceed bufferSize (10): a batch that cannot fill would only ship on the interval",
                "test.yaml:10:92: services[1].sidecars.configSync.applyDelay: must not be negative",
            ],
            problems);
    }
}
