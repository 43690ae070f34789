namespace ActorMesh.Tests.Host;

/// <summary>
/// Gating on results from the console: <c>run --assert</c> and a file's <c>slo</c> exit with 3 when a threshold
/// is missed, <c>compare --fail-on</c> with 3 on a regression, a malformed expression or input with 2 before
/// anything runs (every problem listed), and an interrupted run keeps 130. Runs are in virtual time.
/// </summary>
public class SloCommandLineTests : IDisposable
{
    /// <summary>payments fails 2 % of its requests, so about 97 % of the requests are ok; p99 is about 5 ms.</summary>
    private const string Shop = """
        name: shop
        services:
          - name: api
            replicas: 2
            serviceTime: 2ms
            script:
              - call: payments
          - name: payments
            replicas: 2
            serviceTime: 1ms
            errors: { rate: 2%, status: 503 }
        load:
          rps: 200
          duration: 2s
          warmup: 0s
          clock: virtual
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("actormesh-slo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private string In(string name) => Path.Combine(_dir, name);

    private static void NoStackTrace(string text) => Assert.DoesNotContain("   at ", text);

    [Fact]
    public async Task Thresholds_that_hold_exit_0_and_each_shows_pass_in_the_summary_and_the_report()
    {
        var shop = File("shop.yaml", Shop + "\nslo:\n  - p99 <= 50ms\n");
        var report = In("report.json");

        var (code, stdout, stderr) = await CommandLineTests.Run("run", shop, "--assert", "okRate>=0.9", "--assert", "services.payments.errorRate<5%", "--report", report);

        Assert.True(code == 0, stderr);
        Assert.Matches(@"│ p99 <= 50ms\s+│ [0-9.]+ ms\s+│ pass", stdout);
        Assert.Contains("SLO: all 3 threshold(s) passed", stdout);
        var written = RunReport.FromJson(await System.IO.File.ReadAllTextAsync(report))!;
        Assert.Equal(["p99 <= 50ms", "okRate>=0.9", "services.payments.errorRate<5%"], written.Slo.Select(r => r.Expression)); // the file's first
        Assert.True(written.SloPassed);
    }

    [Fact]
    public async Task A_missed_threshold_exits_3_after_the_summary_and_the_report()
    {
        var report = In("report.json");

        var (code, stdout, _) = await CommandLineTests.Run("run", File("shop.yaml", Shop), "--assert", "okRate>=99%", "--assert", "p99<=50ms", "--report", report);

        Assert.Equal(3, code);
        Assert.Matches(@"│ okRate>=99%\s+│ 9[0-9.]+%\s+│ FAIL", stdout);
        Assert.Contains("SLO: 1 of 2 threshold(s) failed (exit code 3)", stdout);
        var written = RunReport.FromJson(await System.IO.File.ReadAllTextAsync(report))!;
        Assert.Equal([false, true], written.Slo.Select(r => r.Passed));
        Assert.False(written.SloPassed);
    }

    [Fact]
    public async Task Malformed_asserts_exit_2_before_the_run_with_every_problem()
    {
        var (code, stdout, stderr) = await CommandLineTests.Run("run", File("shop.yaml", Shop), "--assert", "okRate=>99", "--assert", "p99<=50", "--assert", "latency<1ms");

        Assert.Equal(2, code);
        Assert.Contains("error: --assert 'okRate=>99': '=>' is not an operator: did you mean '>='?", stderr);
        Assert.Contains("error: --assert 'okRate=>99': 'okRate' is a ratio from 0 to 1: write 0.99 or 99%", stderr);
        Assert.Contains("error: --assert 'p99<=50': 'p99' is a time in milliseconds, so its value is a duration (50ms, 1.5s): '50' needs a unit", stderr);
        Assert.Contains("error: --assert 'latency<1ms': unknown metric 'latency'", stderr);
        Assert.DoesNotContain("load:", stdout);
        NoStackTrace(stderr);
    }

    [Fact]
    public async Task An_assert_on_a_service_the_topology_lacks_and_a_files_bad_slo_exit_2_naming_them()
    {
        var file = File("shop.yaml", Shop + "\nslo:\n  - okRate >= 99%\n  - p99 <= 50\n  - services.paymnts.errorRate < 5%\n");

        var (code, stdout, stderr) = await CommandLineTests.Run("run", file, "--assert", "services.orders.p99<=5ms");
        var flagOnly = await CommandLineTests.Run("run", File("plain.yaml", Shop), "--assert", "services.orders.p99<=5ms");

        Assert.Equal(2, code);
        Assert.Contains($"{file}:19:5: slo[1]: 'p99' is a time in milliseconds", stderr);
        Assert.Contains($"{file}:20:5: slo[2]: no service 'paymnts' in the topology (did you mean 'payments'?)", stderr);
        Assert.DoesNotContain("load:", stdout);
        Assert.Equal(2, flagOnly.Code);
        Assert.Contains("error: --assert 'services.orders.p99<=5ms': no service 'orders' in the topology", flagOnly.Err);
    }

    [Fact]
    public async Task Compare_shows_two_reports_side_by_side_and_fail_on_exits_3_on_a_regression()
    {
        var shop = File("shop.yaml", Shop);
        var a = In("a.json");
        var b = In("b.json");
        Assert.Equal(0, (await CommandLineTests.Run("run", shop, "--seed", "1", "--report", a)).Code);
        Assert.Equal(0, (await CommandLineTests.Run("run", shop, "--seed", "1", "--rps", "100", "--report", b)).Code);

        var same = await CommandLineTests.Run("compare", a, b, "--fail-on", "p99:+10%");
        var halved = await CommandLineTests.Run("compare", a, b, "--fail-on", "sent:-10%", "--fail-on", "p99:+10%", "--json", In("c.json"));

        Assert.True(same.Code == 0, same.Err);
        Assert.Contains($"A: {a} (shop, seed 1, 2 s measured, virtual clock, sidecars on)", same.Out);
        Assert.Matches(@"│ sent\s+│\s+400 │\s+200 │\s+-200 │\s+-50% │", same.Out);
        Assert.Contains("services.payments", same.Out);
        Assert.Contains("--fail-on p99:+10%: A ", same.Out);
        Assert.Equal(3, halved.Code);
        Assert.Contains("--fail-on sent:-10%: A 400 → B 200: REGRESSION", halved.Out);
        Assert.Contains("\"passed\": false", await System.IO.File.ReadAllTextAsync(In("c.json")));
    }

    [Fact]
    public async Task Compare_lists_every_bad_input_at_once_and_exits_2()
    {
        var notAReport = File("x.json", """{ "a": 1 }""");

        var (code, _, stderr) = await CommandLineTests.Run("compare", In("missing.json"), notAReport, "--fail-on", "p99:10%");

        Assert.Equal(2, code);
        Assert.Contains($"error: report '{In("missing.json")}' not found", stderr);
        Assert.Contains($"error: '{notAReport}' is not an ActorMesh report (it has no 'requests' section); write one with 'run --report'", stderr);
        Assert.Contains("error: --fail-on 'p99:10%': '10%' needs a sign", stderr);
        NoStackTrace(stderr);
    }

    [Fact]
    public async Task Compare_without_mesh_runs_the_topology_twice_and_prints_what_the_mesh_costs()
    {
        var shop = File("shop.yaml", Shop.Replace("name: shop", "name: shop\nmesh:\n  proxyLatency: 0.2ms"));
        var report = In("report.json");

        var (code, stdout, stderr) = await CommandLineTests.Run("run", shop, "--compare-without-mesh", "--report", report);

        Assert.True(code == 0, stderr);
        Assert.Contains("Again without the mesh, to compare: no sidecars, plain clients", stdout);
        Assert.Contains("A: without mesh (no sidecars, plain clients)", stdout);
        Assert.Contains("B: with mesh (the topology as written)", stdout);
        // api in, api out, payments in: 3 sidecars × 0.2 ms.
        Assert.Matches(@"│ p50\s+│\s+[0-9.]+ ms │\s+[0-9.]+ ms │\s+\+0\.6 ms │", stdout);
        var written = RunReport.FromJson(await System.IO.File.ReadAllTextAsync(report))!;
        Assert.Equal(0.6, written.Comparison!.Metrics.Single(m => m.Metric == "p50").Delta!.Value, 3);
    }

    [Fact]
    public async Task An_interrupted_run_keeps_130_though_a_threshold_failed()
    {
        if (!OperatingSystem.IsLinux()) return;
        var slow = "name: slow\nservices:\n  - name: slow\n    serviceTime: 10s\nload:\n  rps: 20\n  warmup: 0s\n  duration: 3600s\n";
        await using var host = HostProcess.Start(new Dictionary<string, string> { ["slow.yaml"] = slow }, "run", "slow.yaml", "--assert", "okRate>=99%");
        await host.WaitForLineAsync(line => line.Contains("] measure", StringComparison.Ordinal), "the load running");

        host.Signal(HostProcess.SIGINT);

        Assert.Equal(130, await host.ExitCodeAsync());
        Assert.Contains("SLO: 1 of 1 threshold(s) failed", host.Out);
    }
}
