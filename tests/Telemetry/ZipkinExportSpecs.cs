using System.Text.Json;

namespace ActorMesh.Tests.Telemetry;

/// <summary>Sampled traces, ok and failed, as Zipkin v2 JSON: the schema's required fields, parent links and tags.</summary>
public class ZipkinExportSpecs
{
    /// <summary>edge → api → pay; pay fails half its requests with 503, which the api's sidecar retries once; every request traced.</summary>
    private static async Task<(RunReport Report, TelemetryTap Tap)> RunTraced()
    {
        var topology = MeshTopology.Create("traced")
            .Seed(5)
            .Gateway("edge", g => g.Route("/", "api"))
            .Service("api", s => s.Call("pay"))
            .Service("pay", s => s.Replicas(2).Errors(0.5, 503))
            .Policy("pay", p => p with { Retries = p.Retries with { Attempts = 1, RetryOn = RetryOn.FiveXx } })
            .Load(l => l with { Rps = 50, Warmup = TimeSpan.Zero, Duration = TimeSpan.FromSeconds(1), TraceSampling = 1, Clock = ClockMode.Virtual })
            .Build();
        var tap = new TelemetryTap();
        var report = await MeshRunner.RunAsync(topology, new RunOptions { Tap = tap });
        return (report, tap);
    }

    private static List<JsonElement> Spans(TelemetryTap tap, long start = 1_700_000_000_000_000) =>
        [.. JsonDocument.Parse(ZipkinExport.Write([.. tap.Completed.Select(v => (IReadOnlyList<Span>)v.Spans)], start)).RootElement.EnumerateArray()];

    [Fact]
    public async Task Every_span_has_the_fields_zipkin_v2_requires_and_a_parent_in_its_own_trace()
    {
        var (report, tap) = await RunTraced();
        var spans = Spans(tap);

        Assert.Equal(report.Tracing.Spans, spans.Count);
        foreach (var span in spans)
        {
            Assert.Matches("^[0-9a-f]{16}$", span.GetProperty("traceId").GetString());
            Assert.Matches("^[0-9a-f]{16}$", span.GetProperty("id").GetString());
            Assert.False(string.IsNullOrEmpty(span.GetProperty("name").GetString()));
            Assert.True(span.GetProperty("timestamp").GetInt64() >= 1_700_000_000_000_000);
            Assert.True(span.GetProperty("duration").GetInt64() >= 1);
            Assert.False(string.IsNullOrEmpty(span.GetProperty("localEndpoint").GetProperty("serviceName").GetString()));
            if (span.TryGetProperty("kind", out var kind)) Assert.Contains(kind.GetString(), new[] { "CLIENT", "SERVER" });
            foreach (var tag in span.GetProperty("tags").EnumerateObject()) Assert.Equal(JsonValueKind.String, tag.Value.ValueKind);
        }
        var byTrace = spans.GroupBy(s => s.GetProperty("traceId").GetString()).ToList();
        Assert.Equal(report.Tracing.Traces, byTrace.Count);
        foreach (var trace in byTrace)
        {
            var ids = trace.Select(s => s.GetProperty("id").GetString()).ToHashSet();
            var roots = trace.Where(s => !s.TryGetProperty("parentId", out _)).ToList();
            var root = Assert.Single(roots);
            Assert.Equal("client", root.GetProperty("name").GetString());
            Assert.Equal("CLIENT", root.GetProperty("kind").GetString());
            Assert.All(trace.Except(roots), s => Assert.Contains(s.GetProperty("parentId").GetString(), ids));
        }
    }

    [Fact]
    public async Task Failed_traces_are_exported_with_their_status_flags_and_error_and_retries_with_attempt_and_host()
    {
        var (report, tap) = await RunTraced();
        var spans = Spans(tap);

        var tags = spans.Select(s => s.GetProperty("tags")).ToList();
        Assert.True(report.Requests.Failed > 0);
        // The api answers 500 when its call to pay fails.
        var failedRoots = spans.Where(s => s.GetProperty("name").GetString() == "client" && s.GetProperty("tags").GetProperty("http.status_code").GetString() == "500").ToList();
        Assert.Equal(report.Outcomes.FailedByStatus["500"], failedRoots.Count);
        Assert.Equal(report.Requests.Failed, failedRoots.Count);
        Assert.All(failedRoots, s => Assert.StartsWith("500", s.GetProperty("tags").GetProperty("error").GetString()));
        // The caller's sidecar flags a call whose one retry also failed URX.
        Assert.Contains(spans, s => s.GetProperty("name").GetString() == "sidecar-outbound" && s.GetProperty("tags").GetProperty("response_flags").GetString() == "URX");
        // The answer legs of attempts name the attempt and the instance it went to; retries are attempt 2.
        var attempts = tags.Where(t => t.TryGetProperty("retry.attempt", out _)).ToList();
        Assert.NotEmpty(attempts);
        Assert.All(attempts, t => Assert.Matches("^(api|pay)-", t.GetProperty("upstream_host").GetString()));
        Assert.Equal(report.Mesh[ServiceCounter.Retries], attempts.Count(t => t.GetProperty("retry.attempt").GetString() == "2"));
        Assert.All(tags.Where(t => t.TryGetProperty("http.status_code", out var code) && code.GetString() == "200"), t => Assert.False(t.TryGetProperty("error", out _)));
    }

    [Fact]
    public void Traces_of_several_runs_get_32_hex_trace_ids_that_never_collide()
    {
        var span = new Span(7, 9, 0, HopKind.Client, "client", 0, 10, 200);
        var json = JsonDocument.Parse(ZipkinExport.Write([[span], [span]], 1)).RootElement;

        Assert.Equal(["0000000000000001" + "0000000000000007", "0000000000000002" + "0000000000000007"],
            json.EnumerateArray().Select(s => s.GetProperty("traceId").GetString()));
    }
}
