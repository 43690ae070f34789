using System.Text.Json.Nodes;
using ActorMesh.Host.Output.Html;

namespace ActorMesh.Tests.Host.Output.Html;

/// <summary>One virtual-time run with faults and timeline events, shared by the page-model tests.</summary>
public sealed class FaultyRunFixture
{
    /// <summary>edge → api → db; db fails half its requests from second 2; a pod is killed and the control plane stops and starts.</summary>
    public static MeshTopology Topology { get; } = MeshTopology.Create("faulty")
        .Gateway("edge", g => g.Route("/", "api"))
        .Service("api", s => s.Replicas(2).Call("db"))
        .Service("db", s => s.Replicas(2).Sidecar(false))
        .Load(l => l with { Rps = 200, Warmup = TimeSpan.FromSeconds(1), Duration = TimeSpan.FromSeconds(4) })
        .At(TimeSpan.FromSeconds(3), new SetErrorsEvent("db", new ErrorInjection(0.5, 503)))
        .At(TimeSpan.FromSeconds(3.5), new StopControlPlaneEvent())
        .At(TimeSpan.FromSeconds(4), new StartControlPlaneEvent())
        .At(TimeSpan.FromSeconds(4), new KillPodEvent("api-1"))
        .Build();

    public FaultyRunFixture() => Report = MeshRunner.RunAsync(Topology, new RunOptions { Clock = ClockMode.Virtual, Seed = 3 }).GetAwaiter().GetResult();

    public RunReport Report { get; }
}

/// <summary>The data behind each part of the HTML report, computed from a virtual-time report.</summary>
public class ReportPageTests(FaultyRunFixture run) : IClassFixture<FaultyRunFixture>
{
    private readonly RunReport _report = run.Report;

    private ReportPage Page => ReportPage.From(_report);

    private SecondChart Chart(string id) => Page.PerSecond.Single(c => c.Id == id);

    [Fact]
    public void The_throughput_chart_has_one_point_per_second_of_the_window_with_the_timelines_counts()
    {
        var chart = Chart("throughput");
        Assert.Equal(_report.Timeline.Select(s => (double)s.Second), chart.Seconds);
        Assert.Equal(4, chart.Seconds.Count);
        Assert.Equal(_report.Timeline.Select(s => (double?)s.Sent), chart.Lines.Single(l => l.Label == "sent").Values);
        Assert.Equal(_report.Timeline.Select(s => (double?)s.Ok), chart.Lines.Single(l => l.Label == "ok").Values);
        Assert.Equal(_report.Timeline.Select(s => (double?)(s.Failed + s.TimedOut + s.Rejected)), chart.Lines.Single(l => l.Label == "not ok").Values);
    }

    [Fact]
    public void The_ok_percent_chart_drops_after_the_fault_and_is_ok_over_sent_each_second()
    {
        var ok = Chart("ok-percent").Lines.Single().Values;
        for (var i = 0; i < ok.Count; i++)
            Assert.Equal(Math.Round(100.0 * _report.Timeline[i].Ok / _report.Timeline[i].Sent, 2), ok[i]);
        Assert.Equal(100, ok[0]);
        Assert.True(ok[^1] < 100, $"db fails half its requests from second 2 of the window; ok % {ok[^1]}");
    }

    [Fact]
    public void The_rejections_chart_carries_rejected_failed_and_timed_out_per_second()
    {
        var chart = Chart("rejections");
        Assert.Equal(["rejected", "failed", "timed out"], chart.Lines.Select(l => l.Label));
        Assert.Equal(_report.Timeline.Select(s => (double?)s.Failed), chart.Lines[1].Values);
    }

    [Fact]
    public void The_latency_and_retries_charts_carry_the_timelines_p50_p99_and_retries_per_second()
    {
        var latency = Chart("latency");
        Assert.Null(latency.Missing);
        Assert.Equal(_report.Timeline.Select(s => s.P50Ms), latency.Lines.Single(l => l.Label == "p50").Values);
        Assert.Equal(_report.Timeline.Select(s => s.P99Ms), latency.Lines.Single(l => l.Label == "p99").Values);
        Assert.All(_report.Timeline, s => Assert.True(s.P99Ms >= s.P50Ms, $"second {s.Second}: p99 {s.P99Ms} < p50 {s.P50Ms}"));
        Assert.Equal(_report.Timeline.Select(s => (double?)s.Retries), Chart("retries").Lines.Single().Values);
    }

    [Fact]
    public void Charts_the_timeline_lacks_say_so_instead_of_drawing_nothing()
    {
        // A report without the per-second latency and retries (an older report, or a cluster's retries).
        var older = _report with { Timeline = [.. _report.Timeline.Select(s => s with { P50Ms = null, P99Ms = null, Retries = null })] };
        var charts = SecondCharts.From(older);
        Assert.Empty(charts.Single(c => c.Id == "latency").Lines);
        Assert.Contains("p50", charts.Single(c => c.Id == "latency").Missing);
        Assert.Empty(charts.Single(c => c.Id == "retries").Lines);
        Assert.Null(charts.Single(c => c.Id == "throughput").Missing);
    }

    [Fact]
    public void A_second_in_which_a_circuit_opened_or_closed_is_marked_as_a_circuit_event()
    {
        var timeline = _report.Timeline.ToList();
        timeline[1] = timeline[1] with { CircuitOpened = 2 };
        timeline[3] = timeline[3] with { CircuitClosed = 1 };
        var markers = TimelineMarker.From(_report with { Timeline = timeline }).Where(m => m.Kind == "circuit").ToList();
        Assert.Equal([(timeline[1].Second, "circuit opened (2)"), (timeline[3].Second, "circuit closed (1)")],
            markers.Select(m => ((int)m.Second, m.Label)));
    }

    [Fact]
    public void Timeline_events_are_marked_at_their_second_of_the_measured_window_by_kind()
    {
        var markers = Chart("throughput").Markers;
        Assert.Equal([(2.0, "fault"), (2.5, "control-plane"), (3.0, "control-plane"), (3.0, "kill")],
            markers.Select(m => (m.Second, m.Kind)).OrderBy(m => m.Item1).ThenBy(m => m.Item2, StringComparer.Ordinal));
        Assert.All(Page.PerSecond, c => Assert.Equal(markers, c.Markers));
    }

    [Theory]
    [InlineData("crash the proxy of api-0", "crash")]
    [InlineData("crash node node-2", "crash")]
    [InlineData("deploy api v2", "deploy")]
    [InlineData("roll api back", "deploy")]
    [InlineData("scale api to 3", "scale")]
    [InlineData("set policy for all destinations", "config")]
    public void Each_kind_of_timeline_event_gets_its_marker_kind(string description, string kind) =>
        Assert.Equal(kind, TimelineMarker.KindOf(description));

    [Fact]
    public void The_histogram_counts_every_ok_request_and_the_answered_others()
    {
        var d = Page.Distribution;
        Assert.Equal(_report.LatencyMs.Count, d.OkCounts.Sum());
        var notOk = d.NotOkCounts.Sum();
        Assert.True(notOk > 0 && notOk <= _report.Requests.Failed + _report.Requests.Rejected + _report.Requests.TimedOut, $"not ok {notOk}");
        Assert.Equal(d.BucketUpToMs.Order(), d.BucketUpToMs);
        Assert.True(d.BucketUpToMs[^1] >= _report.LatencyMs.Max, "the last bucket holds the slowest answer");
    }

    [Fact]
    public void The_percentile_curves_rise_and_meet_the_summary_at_p50_and_p99()
    {
        var d = Page.Distribution;
        Assert.Equal(LatencyDistribution.Percentiles, d.Percentiles);
        Assert.Equal(d.OkMs.Order(), d.OkMs);
        Assert.Equal(d.NotOkMs.Order(), d.NotOkMs);
        Assert.Equal(_report.LatencyMs.P50, d.OkMs[d.Percentiles.ToList().IndexOf(50)]);
        Assert.Equal(_report.LatencyMs.P99, d.OkMs[d.Percentiles.ToList().IndexOf(99)]);
    }

    [Fact]
    public void The_graph_lays_gateways_and_services_out_by_call_depth()
    {
        var nodes = Page.Graph.Nodes.ToDictionary(n => n.Name);
        Assert.Equal(("gateway", 0), (nodes["edge"].Kind, nodes["edge"].Depth));
        Assert.Equal(("service", 1), (nodes["api"].Kind, nodes["api"].Depth));
        Assert.Equal(("service", 2), (nodes["db"].Kind, nodes["db"].Depth));
        Assert.True(nodes["db"].ErrorPercent > 0);
    }

    [Fact]
    public void Each_edge_carries_its_own_figures_from_the_reports_call_graph()
    {
        var edges = Page.Graph.Edges.ToDictionary(e => (e.From, e.To));
        foreach (var reported in _report.CallGraph.Edges)
        {
            var drawn = edges[(reported.From, reported.To)];
            Assert.Equal((reported.Requests, reported.Rps, reported.Ok, reported.Errors, reported.P50Ms, reported.P99Ms, reported.Retries, reported.Mtls, reported.CircuitOpened),
                (drawn.Requests, drawn.Rps, drawn.Ok, drawn.Errors, drawn.P50Ms, drawn.P99Ms, drawn.Retries, drawn.Mtls, drawn.CircuitOpened));
            Assert.Equal(Math.Round(100 * reported.ErrorRate!.Value, 2), drawn.ErrorPercent);
        }
        Assert.False(edges[("api", "db")].Mtls, "db runs without a sidecar: plaintext");
        Assert.True(edges[("edge", "api")].Mtls);
    }

    [Fact]
    public void The_edges_figures_are_the_callers_view_of_that_edge_not_the_callees_totals()
    {
        var toDb = _report.CallGraph.Edges.Single(e => (e.From, e.To) == ("api", "db"));
        var toApi = _report.CallGraph.Edges.Single(e => (e.From, e.To) == ("edge", "api"));
        var db = _report.Services["db"];
        // Only api calls db, and only edge calls api: each edge holds all of its callee's upstream calls and retries.
        Assert.Equal(db.Upstream[ServiceCounter.Calls], toDb.Calls);
        Assert.Equal(db.Upstream[ServiceCounter.Retries], toDb.Retries);
        Assert.Equal(_report.Services["api"].Upstream[ServiceCounter.Retries], toApi.Retries);
        Assert.Equal(toDb.Requests, toDb.Ok + toDb.Errors);
        Assert.Equal(Math.Round(toDb.Requests!.Value / (_report.DurationSeconds + _report.Load.WarmupSeconds), 2), toDb.Rps);
        // db fails half its answers for the last 2 of the 5 s: about a fifth of the calls on the edge fail, none of them before.
        Assert.InRange(toDb.ErrorRate!.Value, 0.1, 0.3);
        Assert.True(toDb.Errors <= db[ServiceCounter.Errors], $"{toDb.Errors} errors on the edge, {db[ServiceCounter.Errors]} answered by db");
        Assert.True(toDb.P50Ms <= toDb.P99Ms && toDb.P99Ms > 0);
        Assert.True(toApi.P99Ms >= toDb.P50Ms, "a call to api includes its call to db");
    }

    [Fact]
    public void An_edge_whose_circuit_opened_is_highlighted()
    {
        var opened = _report with
        {
            CallGraph = _report.CallGraph with
            {
                Edges = [.. _report.CallGraph.Edges.Select(e => e.To == "db" ? e with { CircuitOpened = 2 } : e)],
            },
        };
        Assert.True(ServiceGraph.From(opened).Edges.Single(e => e.To == "db").CircuitOpenedOnce);
        Assert.False(ServiceGraph.From(opened).Edges.Single(e => e.To == "api").CircuitOpenedOnce);
        var svg = ServiceGraphSvg.Render(ServiceGraph.From(opened));
        Assert.Contains("circuit-opened", svg);
        Assert.Contains("circuit opened 2×", svg);
    }

    [Fact]
    public void The_service_table_has_a_row_per_service_with_its_counters()
    {
        var rows = Page.Services.ToDictionary(s => s.Service);
        Assert.Equal(_report.Services.Keys, rows.Keys);
        var db = _report.Services["db"];
        Assert.Equal((db.Instances, db[ServiceCounter.Requests], db[ServiceCounter.Errors], db.LatencyMs.P99),
            (rows["db"].Instances, rows["db"].Requests, rows["db"].Errors, rows["db"].P99Ms));
    }

    [Fact]
    public void The_sample_trace_becomes_a_waterfall_that_spans_it()
    {
        var trace = Assert.Single(Page.Traces);
        Assert.Equal(_report.Tracing.Sample.Count, trace.Bars.Count);
        Assert.Equal(_report.Tracing.Sample.Max(s => s.StartMs + s.DurationMs), trace.TotalMs);
        Assert.All(trace.Bars, b => Assert.InRange(b.StartMs + b.DurationMs, 0, trace.TotalMs));
    }

    [Fact]
    public void The_summary_carries_the_accounting_and_figures_are_text_with_the_takeaway_apart()
    {
        Assert.Equal(_report.Outcomes.AddsUp, Page.AddsUp);
        Assert.StartsWith($"sent {_report.Requests.Sent} = ok {_report.Requests.Ok}", Page.Accounting);
        var lesson = _report with { Figures = new JsonObject { ["takeaway"] = "retries hide errors", ["okRate"] = 0.5, ["perPhase"] = new JsonObject { ["a"] = 1, ["b"] = "x" } } };
        var figures = ReportPage.From(lesson).Figures;
        Assert.Equal("retries hide errors", figures.Takeaway);
        Assert.Equal([new Figure("okRate", "0.5"), new Figure("perPhase", "a: 1, b: x")], figures.Rows);
    }

    [Fact]
    public void The_emulator_section_says_which_clock_ran_and_whether_it_kept_up()
    {
        var rows = Page.Emulator.ToDictionary(f => f.Label, f => f.Value);
        Assert.Equal("virtual", rows["clock"]);
        Assert.Equal("yes", rows["kept up"]);
    }

    [Fact]
    public void The_page_is_self_contained_no_address_outside_the_file()
    {
        var html = HtmlReport.Render(_report);
        Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?(https?:)?//", html);
        Assert.DoesNotContain("<link", html);
        Assert.Contains("uPlot", html);
        Assert.Contains("<svg id=\"service-graph\"", html);
        Assert.Contains("Permission is hereby granted", html); // uPlot's MIT licence travels with it
    }
}

/// <summary><c>run … --html</c> from the console.</summary>
public class HtmlCommandLineTests
{
    [Fact]
    public async Task Run_with_html_writes_one_self_contained_page()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("actormesh-html-").FullName, "chain.html");
        var result = await ActorMesh.Tests.Host.CommandLineTests.Run("run", "chain", "--clock", "virtual", "--duration", "2s", "--html", file);

        Assert.Equal(0, result.Code);
        Assert.Contains($"HTML report written to {file}", result.Out);
        var html = await File.ReadAllTextAsync(file);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<svg id=\"service-graph\"", html);
        Assert.Contains("data-name=\"payments\"", html);
    }

    [Fact]
    public async Task Html_to_a_directory_is_refused_before_the_run()
    {
        var result = await ActorMesh.Tests.Host.CommandLineTests.Run("run", "chain", "--clock", "virtual", "--html", Path.GetTempPath());
        Assert.Equal(2, result.Code);
        Assert.Contains("--html", result.Err);
    }
}
