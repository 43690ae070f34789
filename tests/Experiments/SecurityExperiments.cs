namespace ActorMesh.Tests.Experiments;

/// <summary>
/// Experiments on emulated mTLS: identity and encryption are the sidecars' business, so the apps
/// do not take part. 'frontend' runs with a sidecar; 'legacy' has none and calls in plaintext.
/// </summary>
public class SecurityExperiments(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    [Fact]
    public void Enabling_mtls_is_a_config_push_with_no_app_change_and_plaintext_calls_are_then_denied()
    {
        var topology = MeshTopology.Create("shop")
            .Gateway("edge", g => g.Route("/", "frontend").Route("/legacy", "legacy"))
            .Service("frontend", s => s.Call("payments"))
            .Service("legacy", s => s.Sidecar(false).Call("payments"))
            .Service("payments", s => s.Replicas(2).Call("ledger"))
            .Service("ledger")
            .Latency(Distribution.Constant(0.5))
            .Load(l => l with
            {
                Rps = 200, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1),
                Requests = [new RequestMix("/"), new RequestMix("/legacy")],
            })
            .Build();
        var mesh = StartMesh(topology);
        // Permissive mTLS (Istio's default): the sidecars take plaintext too.
        var permissive = RunLoad(mesh).Measured;
        var before = Await(mesh.StatusAsync());
        var podsBefore = Await(mesh.PodStatsAsync()).Select(p => p.PodId).Order().ToList();

        // Strict mTLS: one config push through the control plane; no app is told anything.
        mesh.Apply(new SetSecurityEvent(Mtls: MtlsMode.Strict));
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        var after = Await(mesh.StatusAsync());
        var strict = RunLoad(mesh);
        var report = Await(mesh.ReportAsync(strict));

        Out.WriteLine($"permissive: {permissive.Ok} ok of {permissive.Sent}; strict: {strict.Measured.Ok} ok of {strict.Measured.Sent}, {report.Security[ServiceCounter.DeniedPlaintext]} plaintext calls denied");
        Assert.Equal(permissive.Sent, permissive.Ok);
        // It was a push: one new version, ACKed by every pod and the gateway, NACKed by none.
        Assert.Equal(before.Version + 1, after.Version);
        Assert.Equal(podsBefore.Count + topology.Gateways.Length, after.Acks - before.Acks);
        Assert.Equal(before.Nacks, after.Nacks);
        // Now legacy's plaintext calls are refused with 403 at payments' sidecar, before payments' app:
        // ledger, which payments' app calls for every request it serves, saw only frontend's.
        var payments = report.Services["payments"];
        Assert.True(report.Security[ServiceCounter.DeniedPlaintext] > 50, $"denied: {report.Security[ServiceCounter.DeniedPlaintext]}");
        Assert.Equal(report.Security[ServiceCounter.DeniedPlaintext], payments[ServiceCounter.Denied]);
        Assert.Equal(payments[ServiceCounter.Requests] - payments[ServiceCounter.Denied], report.Services["ledger"][ServiceCounter.Requests]);
        // frontend's calls carry its workload identity: all ok. legacy's requests fail (500, its call failed).
        Assert.Equal(strict.Measured.Sent, strict.Measured.Ok + strict.Measured.Failed);
        Assert.Equal(strict.Kinds.Single(k => k.Name == "/legacy").Measured.Sent, strict.Measured.Failed);
        // The same pods and apps as before the push: none restarted, none replaced.
        Assert.Equal(podsBefore, Await(mesh.PodStatsAsync()).Select(p => p.PodId).Order().ToList());
        Assert.All(report.Services.Values.SelectMany(s => s.PerInstance.Values), pod => Assert.Equal(0, pod.AppRestarts));
    }
}
