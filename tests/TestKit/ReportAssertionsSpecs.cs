using Xunit.Sdk;

namespace ActorMesh.Tests.TestKit;

/// <summary>The TestKit's report assertions: they pass on the claim and fail with the numbers.</summary>
public class ReportAssertionsSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology Shop() => MeshTopology.Create("shop")
        .Gateway("edge", g => g.Route("/", "frontend"))
        .Service("frontend", s => s.Call("payments"))
        .Service("payments", s => s.Replicas(2).ServiceTime(Distribution.Constant(1)).Instance(0, errors: new ErrorInjection(1.0, 503)))
        .Latency(Distribution.Constant(0.5))
        .Policy("payments", p => p with { Retries = RetryOptions.Disabled })
        .Load(l => l with { Rps = 200, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1) })
        .Build();

    [Fact]
    public void A_failed_ok_claim_names_the_share_the_count_the_statuses_and_the_instances()
    {
        var mesh = StartMesh(Shop());
        var load = RunLoad(mesh);
        var report = Report(mesh, load);
        Out.WriteLine(report.Summary());

        var failure = Assert.Throws<XunitException>(() => report.ShouldBeOk(atLeastPercent: 99));
        // payments-0 answers 503; the frontend, its call failed, answers 500.
        var failed = report.Outcomes.FailedByStatus["500"];
        Assert.Equal($"expected ok ≥ 99 % of 400, got {100.0 * report.Requests.Ok / 400:0.#} % ({failed} not ok: {failed} × 500; errors answered by frontend-0 {failed}, payments-0 {failed})", failure.Message);
        // The client's view says the same, without the mesh's instances.
        Assert.EndsWith($"({failed} not ok: {failed} × 500)", Assert.Throws<XunitException>(() => load.ShouldBeOk()).Message);
        report.ShouldFailMoreThan(atMostPercent: 80).ShouldAddUp().ShouldHaveNoAppRestarts();
    }

    [Fact]
    public void Claims_that_hold_pass_and_chain()
    {
        var mesh = StartMesh(Shop());
        mesh.InjectErrors("payments", rate: 0, instance: 0);
        var report = RunAndReport(mesh);
        report.ShouldBeOk().ShouldAddUp().ShouldHaveNoAppRestarts().ShouldHaveP99Below(TimeSpan.FromMilliseconds(50));
        Assert.Equal("400 sent, 400 ok (100 %); none failed", report.Summary()[..report.Summary().IndexOf("; p50", StringComparison.Ordinal)]);
    }

    [Fact]
    public void A_latency_claim_fails_with_the_percentiles()
    {
        var mesh = StartMesh(Shop());
        var report = RunAndReport(mesh);
        var failure = Assert.Throws<XunitException>(() => report.ShouldHaveP99Below(TimeSpan.FromMilliseconds(1)));
        Assert.Matches(@"^expected p99 < 1 ms, got [\d.]+ ms \(p50 [\d.]+ ms, max [\d.]+ ms, [\d,]+ requests\)$", failure.Message);
    }
}
