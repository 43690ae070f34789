using ActorMesh.ControlPlane;
using ActorMesh.Load;
using ActorMesh.Scenarios.Yaml;
using Akka.Actor;

namespace ActorMesh.Tests.DataPlane;

/// <summary>
/// Experiments on emulated mTLS and authorization, in virtual time. 'frontend' runs with a sidecar and
/// calls payments over mTLS; 'legacy' runs without one, so its calls go out in plaintext. payments'
/// app calls ledger, so ledger's request count shows whether payments' app ran at all.
/// </summary>
public class SecuritySpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static TopologyBuilder Shop(params RequestMix[] requests) => MeshTopology.Create("shop")
        .Gateway("edge", g => g.Route("/", "frontend").Route("/legacy", "legacy").Route("/pay", "payments"))
        .Service("frontend", s => s.Call("payments", path: "/pay"))
        .Service("legacy", s => s.Sidecar(false).Call("payments", path: "/pay"))
        .Service("payments", s => s.Call("ledger"))
        .Service("ledger")
        .Latency(Distribution.Constant(1))
        .Load(l => l with
        {
            Rps = 200, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1),
            Requests = requests.Length == 0 ? [new RequestMix("/"), new RequestMix("/legacy")] : [.. requests],
        });

    [Fact]
    public void A_plaintext_call_to_a_strict_service_is_denied_with_403_at_its_sidecar_and_its_app_never_sees_it()
    {
        var mesh = StartMesh(Shop().Mtls("payments", MtlsMode.Strict).Build());

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var legacy = report.Services["legacy"][ServiceCounter.Requests];
        var frontend = report.Services["frontend"][ServiceCounter.Requests];
        Assert.True(legacy > 50 && frontend > 50, $"both clients sent: legacy {legacy}, frontend {frontend}");
        Assert.Equal(legacy, report.Security[ServiceCounter.Denied]);
        Assert.Equal(legacy, report.Security[ServiceCounter.DeniedPlaintext]);
        Assert.Equal(0, report.Security[ServiceCounter.DeniedByPolicy]);
        var payments = report.Services["payments"];
        Assert.Equal(legacy, payments[ServiceCounter.Denied]);
        // Only the mTLS calls reached payments' app: it called ledger exactly once for each of them.
        Assert.Equal(frontend, payments[ServiceCounter.Requests] - payments[ServiceCounter.Denied]);
        Assert.Equal(frontend, report.Services["ledger"][ServiceCounter.Requests]);
        // legacy's call failed, so legacy answered 500; the frontend path is untouched.
        Assert.Equal(frontend, report.Requests.Ok);
        Assert.Equal(legacy, report.Outcomes.FailedByStatus["500"]);
        Assert.True(report.Outcomes.AddsUp);
    }

    [Fact]
    public void Permissive_mode_lets_the_plaintext_client_through_and_counts_what_strict_mode_would_deny()
    {
        var mesh = StartMesh(Shop().Build());

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        Assert.Equal(0, report.Security[ServiceCounter.Denied]);
        // Only legacy → payments is plaintext at a sidecar: the gateway and frontend send with their identities.
        Assert.Equal(report.Services["legacy"][ServiceCounter.Requests], report.Security[ServiceCounter.PlaintextAccepted]);
    }

    [Fact]
    public void An_allow_policy_lets_the_named_caller_through_on_its_paths_and_the_rest_get_403()
    {
        var topology = Shop(new RequestMix("/"), new RequestMix("/pay/direct"))
            .Authorize(AuthorizationPolicy.Allow("payments", new AuthorizationRule { From = ["frontend"], Paths = ["/pay*"] }))
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        // The gateway's own calls to payments (/pay/direct) are not from frontend: the client gets 403.
        var direct = report.Outcomes.RejectedByReason["forbidden"];
        Assert.True(direct > 50, $"direct calls: {direct}");
        Assert.Equal(direct, report.Requests.Rejected);
        Assert.Equal(direct, report.Security[ServiceCounter.DeniedByPolicy]);
        Assert.Equal(report.Services["frontend"][ServiceCounter.Requests], report.Requests.Ok);
        Assert.Equal(report.Requests.Ok, report.Services["ledger"][ServiceCounter.Requests]);
    }

    [Fact]
    public void A_deny_policy_on_a_path_wins_over_the_allow_policy_that_admits_the_caller()
    {
        var topology = Shop(new RequestMix("/"), new RequestMix("/pay/status"), new RequestMix("/pay/refund"))
            .Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources("frontend", "edge")))
            .Authorize(AuthorizationPolicy.Deny("payments", new AuthorizationRule { From = ["edge"], Paths = ["/pay/refund*"] }))
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var denied = report.Security[ServiceCounter.DeniedByPolicy];
        Assert.True(denied > 30, $"refunds denied: {denied}");
        Assert.Equal(denied, report.Outcomes.RejectedByReason["forbidden"]);
        Assert.Equal(report.Requests.Sent - denied, report.Requests.Ok);
    }

    [Fact]
    public void A_config_push_that_turns_strict_on_switches_enforcement_without_touching_any_app()
    {
        var topology = Shop().Build();
        var mesh = StartMesh(topology);
        var before = RunLoad(mesh);
        Assert.Equal(before.Measured.Sent, before.Measured.Ok);

        // A config push through the control plane; no app is told anything.
        mesh.Apply(new SetSecurityEvent(Mtls: MtlsMode.Strict));
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        var after = RunLoad(mesh);
        var report = Await(mesh.ReportAsync(after));

        Assert.True(after.Measured.Failed > 50, $"legacy's requests failed: {after.Measured.Failed}");
        Assert.Equal(after.Measured.Sent, after.Measured.Ok + after.Measured.Failed);
        Assert.Equal(after.Measured.Failed, report.Security[ServiceCounter.DeniedPlaintext]);
        Assert.All(report.Services.Values.SelectMany(s => s.PerInstance.Values), pod => Assert.Equal(0, pod.AppRestarts));
    }

    [Fact]
    public void A_pushed_security_config_naming_an_unknown_service_is_nacked_and_the_last_good_one_stays()
    {
        var topology = Shop().Mtls("payments", MtlsMode.Strict).Build();
        var mesh = StartMesh(topology);

        mesh.Apply(new SetSecurityEvent(MtlsByService: topology.Mesh.Security.MtlsByService.Add("paymnts", MtlsMode.Permissive)));
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        var status = Await(mesh.StatusAsync());
        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.True(status.Nacks > 0);
        Assert.Contains("mesh.security.mtlsByService.paymnts: no service named 'paymnts'", status.LastNackReason);
        Assert.Equal(report.Services["legacy"][ServiceCounter.Requests], report.Security[ServiceCounter.DeniedPlaintext]);
    }

    [Fact]
    public void A_service_without_a_sidecar_calls_with_a_plain_client_so_mesh_retries_do_not_help_it()
    {
        var topology = MeshTopology.Create("injection")
            .Gateway("edge", g => g.Route("/", "frontend").Route("/legacy", "legacy"))
            .Service("frontend", s => s.Call("payments"))
            .Service("legacy", s => s.Sidecar(false).Call("payments"))
            .Service("payments", s => s.Replicas(2).Instance(0, errors: new ErrorInjection(1.0, 503)))
            .Policy("payments", p => p with { Retries = p.Retries with { RetryOn = RetryOn.FiveXx, Budget = new RetryBudgetOptions { MinRetryConcurrency = 10 } } })
            .Latency(Distribution.Constant(1))
            .Load(l => l with
            {
                Rps = 200, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1),
                Requests = [new RequestMix("/"), new RequestMix("/legacy")],
            })
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        var legacy = report.Services["legacy"];
        // legacy's app is its own endpoint (it counts its requests) and alternates over both replicas, one try each.
        Assert.InRange(report.Requests.Failed, legacy[ServiceCounter.Requests] / 2 - 1, legacy[ServiceCounter.Requests] / 2 + 1);
        Assert.Equal(legacy[ServiceCounter.Requests] - report.Requests.Failed, legacy[ServiceCounter.Ok]);
        // frontend's sidecar retried every 503 on the other replica.
        Assert.Equal(report.Services["frontend"][ServiceCounter.Requests], report.Services["frontend"][ServiceCounter.Ok]);
        Assert.Equal(legacy[ServiceCounter.Requests], report.Security[ServiceCounter.PlaintextAccepted]);
        Assert.Equal(1, legacy.Instances);
    }

    [Fact]
    public void Security_and_sidecar_injection_from_a_topology_file_are_enforced_end_to_end()
    {
        var loaded = TopologyFile.Parse("""
            name: from-file
            network: { latency: 1ms }
            mesh:
              security:
                mtlsByService: { payments: strict }
                policies:
                  - { to: payments, action: deny, rules: [ { from: [edge], paths: [/pay/refund*] } ] }
            services:
              - name: legacy
                sidecar: false
                script: [ { call: { service: payments, path: /pay } } ]
              - name: payments
            gateways:
              - name: edge
                routes: [ { prefix: /legacy, service: legacy }, { prefix: /pay, service: payments } ]
            load:
              rps: 200
              duration: 1s
              warmup: 0s
              drain: 1s
              requests: [ { path: /legacy }, { path: /pay/refund }, { path: /pay/status } ]
            """, "from-file.yaml");
        Assert.True(loaded.Ok, string.Join(Environment.NewLine, loaded.Problems));
        var mesh = StartMesh(loaded.Topology!);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Services["legacy"][ServiceCounter.Requests], report.Security[ServiceCounter.DeniedPlaintext]);
        Assert.Equal(report.Outcomes.RejectedByReason["forbidden"], report.Security[ServiceCounter.DeniedByPolicy]);
        Assert.Equal(report.Security[ServiceCounter.Denied], report.Services["payments"][ServiceCounter.Denied]);
        Assert.True(report.Security[ServiceCounter.DeniedPlaintext] > 30 && report.Security[ServiceCounter.DeniedByPolicy] > 30, $"denied: {report.Security}");
        Assert.Equal(report.Requests.Sent - report.Security[ServiceCounter.Denied], report.Requests.Ok);
    }
}
