namespace ActorMesh.Tests.Hosting;

public class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Chain_runs_end_to_end()
    {
        var topology = MeshTopology.Create("chain")
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.Replicas(3).Call("orders"))
            .Service("orders", s => s.Replicas(3).Call("payments"))
            .Service("payments", s => s.Replicas(3).Instance(0, errors: new ErrorInjection(0.3, 503)))
            .Latency(Distribution.Constant(1))
            .Policy("payments", p => p with { Retries = p.Retries with { RetryOn = RetryOn.FiveXx } })
            .Load(l => l with { Rps = 2000, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.FromSeconds(0.5) })
            .Build();
        var report = await MeshRunner.RunAsync(topology);
        output.WriteLine(report.ToJson());
        Assert.True(report.Outcomes.AddsUp);
    }
}
