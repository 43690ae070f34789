using ActorMesh.DataPlane.Logs;
using ActorMesh.DataPlane.Settings;

namespace ActorMesh.Tests.DataPlane.Logs;

public class LogCollectorOptionsTests
{
    [Fact]
    public void Defaults_are_pinned()
    {
        var d = new LogCollectorOptions();
        Assert.Equal((1024, 100, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1.0), (d.BufferSize, d.BatchSize, d.FlushInterval, d.RestartDelay, d.SampleRate));
        Assert.Equal(TimeSpan.Zero, new ConfigSyncOptions().ApplyDelay);
        Assert.Equal(AppSettings.None, new ServiceSpec { Name = "a" }.Settings);
        Assert.Null(new ServiceSpec { Name = "a" }.LogCollector);
        Assert.Null(new ServiceSpec { Name = "a" }.ConfigSync);
    }

    [Fact]
    public void The_builder_sets_sidecars_and_settings_and_validation_reports_every_problem_with_its_path()
    {
        var topology = MeshTopology.Create("sidecars")
            .Service("orders", s => s
                .LogCollector(c => c with { BufferSize = 0, BatchSize = 0, FlushInterval = TimeSpan.Zero, RestartDelay = TimeSpan.FromSeconds(-1), SampleRate = 2 })
                .ConfigSync(c => c with { ApplyDelay = TimeSpan.FromSeconds(-1) })
                .Setting(" ", "x"))
            .Service("payments", s => s.LogCollector().ConfigSync().Setting("pageSize", "50"))
            .BuildUnchecked();

        Assert.Equal(
            [
                "services[0].sidecars.logCollector.bufferSize: must be between 1 and 1000000",
                "services[0].sidecars.logCollector.batchSize: must be at least 1",
                "services[0].sidecars.logCollector.flushInterval: must be greater than zero",
                "services[0].sidecars.logCollector.restartDelay: must not be negative",
                "services[0].sidecars.logCollector.sampleRate: must be between 0 and 1 (or a percentage like '10%')",
                "services[0].sidecars.configSync.applyDelay: must not be negative",
                "services[0].settings: a key must not be empty",
            ],
            TopologyValidator.Validate(topology).Select(e => e.ToString()));
        var payments = topology.Service("payments")!;
        Assert.Equal(new LogCollectorOptions(), payments.LogCollector);
        Assert.Equal(new ConfigSyncOptions(), payments.ConfigSync);
        Assert.Equal((1L, "50"), (payments.Settings.Version, payments.Settings.Values["pageSize"]));
    }
}
