namespace ActorMesh.Host.Commands;

/// <summary>
/// The run's exports beside the JSON report: <c>--csv</c> (the timeline), <c>--traces</c> (Zipkin v2 JSON) and
/// Istio's metrics (<c>--metrics-port</c>, <c>--metrics-host</c>, <c>--metrics-file</c>).
/// Declared and checked here, so the run command only adds them, calls <see cref="Check"/> before the run, passes
/// <see cref="Tap"/> in its options and calls <see cref="WriteAsync"/> after it.
/// </summary>
internal sealed class ExportFlags
{
    private readonly Option<string?> _csv = new("--csv") { Description = "Write the report's per-second timeline here as CSV (a header line, one row per second)", HelpName = "out.csv" };

    private readonly Option<string?> _traces = new("--traces") { Description = "Write every sampled trace (ok and failed) here as Zipkin v2 JSON, which Zipkin and Jaeger import", HelpName = "out.json" };

    private readonly Option<int?> _metricsPort = CliValues.IntegerBetween("--metrics-port",
        "Serve Istio's metrics (istio_requests_total, ...) at http://<metrics-host>:<port>/metrics while the run goes on", "port", 1, 65535);
    private readonly Option<string?> _metricsHost = new("--metrics-host")
    {
        Description = "With --metrics-port: the address to listen on (default 127.0.0.1; 0.0.0.0 or * for every interface)",
        HelpName = "address",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (text == "*" || text == "+" || Uri.CheckHostName(text) != UriHostNameType.Unknown) return text;
            result.AddError($"--metrics-host: '{text}' is not a host name or IP address (e.g. 127.0.0.1, 0.0.0.0)");
            return null;
        },
    };
    private readonly Option<string?> _metricsFile = new("--metrics-file") { Description = "Write Istio's metrics at the end of the run here, in Prometheus's text format", HelpName = "out.prom" };
    private IstioMetrics? _metrics;

    /// <summary>The options, to add to the command.</summary>
    public IEnumerable<Option> Options => [_csv, _traces, _metricsPort, _metricsHost, _metricsFile];

    /// <summary>The Prometheus options alone (<c>--metrics-port</c>, <c>--metrics-host</c>), for a command that has no report to export beside them (<c>bench</c>).</summary>
    public IEnumerable<Option> MetricsServerOptions => [_metricsPort, _metricsHost];

    /// <summary>Where the exports read the run's telemetry.</summary>
    public TelemetryTap Tap { get; } = new();

    /// <summary>The problems of flags that only make sense together (checked while parsing: exit 2).</summary>
    public void Validate(System.CommandLine.Parsing.CommandResult r)
    {
        if (r.GetResult(_metricsHost) is not null && r.GetResult(_metricsPort) is null)
            r.AddError("--metrics-host needs --metrics-port: it says where the metrics are served");
    }

    /// <summary>With <c>--metrics-port</c>: serves the metrics until disposed (null otherwise). A port it cannot listen on exits 2.</summary>
    public IDisposable? Serve(ParseResult parse)
    {
        if (parse.GetValue(_metricsPort) is not { } port) return null;
        var host = parse.GetValue(_metricsHost) ?? "127.0.0.1";
        try
        {
            var server = Metrics().Serve(host is "0.0.0.0" ? "+" : host, port);
            Console.Out.WriteLine($"Metrics served at http://{host}:{port}/metrics while the run goes on");
            return server;
        }
        catch (System.Net.HttpListenerException e)
        {
            throw new UserError($"--metrics-port: cannot listen on {host}:{port}: {e.Message}");
        }
    }

    private IstioMetrics Metrics() => _metrics ??= new IstioMetrics(Tap);

    /// <summary>Checks the paths given before anything runs (a bad one exits 2).</summary>
    public void Check(ParseResult parse)
    {
        RunCommand.CheckOutputPath("--csv", parse.GetValue(_csv), "timeline.csv");
        RunCommand.CheckOutputPath("--traces", parse.GetValue(_traces), "traces.json");
        RunCommand.CheckOutputPath("--metrics-file", parse.GetValue(_metricsFile), "metrics.prom");
    }

    /// <summary>Writes each export asked for and says where.</summary>
    public async Task WriteAsync(ParseResult parse, RunReport report)
    {
        if (parse.GetValue(_csv) is { } csv)
        {
            await File.WriteAllTextAsync(csv, TimelineCsv.Write(report.Timeline), CancellationToken.None);
            Console.Out.WriteLine($"Timeline written to {csv}: {report.Timeline.Count} seconds");
        }
        if (parse.GetValue(_traces) is { } traces)
        {
            var runs = Tap.Completed.Select(v => (IReadOnlyList<Span>)v.Spans).ToList();
            var start = DateTimeOffset.TryParse(report.Run.StartedAtUtc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.UnixEpoch;
            await File.WriteAllTextAsync(traces, ZipkinExport.Write(runs, start.ToUnixTimeMilliseconds() * 1000), CancellationToken.None);
            Console.Out.WriteLine($"Traces written to {traces}: {runs.Sum(r => r.Count)} spans of {runs.Sum(r => r.Select(s => s.TraceId).Distinct().Count())} sampled requests, as Zipkin v2 JSON");
        }
        if (parse.GetValue(_metricsFile) is { } metrics)
        {
            await using (var file = File.Create(metrics)) await Metrics().WriteAsync(file, CancellationToken.None);
            Console.Out.WriteLine($"Metrics written to {metrics}: Istio's standard metrics, in Prometheus's text format");
        }
    }
}
