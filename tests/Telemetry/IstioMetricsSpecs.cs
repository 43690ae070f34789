using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorMesh.Tests.Telemetry;

/// <summary>
/// Istio's standard metrics from the aggregated telemetry: the exposition read back, its label sets, and
/// totals that match the report's own counts; and a real scrape over HTTP.
/// </summary>
public partial class IstioMetricsSpecs
{
    /// <summary>edge → api → pay (2 replicas, 20 % 503s); strict mTLS; 1 s at 100 rps after 0.5 s of warm-up.</summary>
    private static async Task<(RunReport Report, TelemetryTap Tap)> Run()
    {
        var topology = MeshTopology.Create("istio-metrics")
            .Seed(3)
            .Gateway("edge", g => g.Route("/", "api"))
            .Service("api", s => s.Call("pay"))
            .Service("pay", s => s.Replicas(2).Errors(0.2, 503).ResponseBytes(2048))
            .Load(l => l with { Rps = 100, Warmup = TimeSpan.FromSeconds(0.5), Duration = TimeSpan.FromSeconds(1), Clock = ClockMode.Virtual })
            .Build();
        var tap = new TelemetryTap();
        return (await MeshRunner.RunAsync(topology, new RunOptions { Tap = tap }), tap);
    }

    /// <summary>One sample line: metric name, labels, value.</summary>
    internal sealed record Sample(string Name, Dictionary<string, string> Labels, double Value);

    [GeneratedRegex("""^(?<name>[a-z_]+)\{(?<labels>.*)\} (?<value>\S+)$""")]
    private static partial Regex Line();

    [GeneratedRegex("""(?<key>[a-z_]+)="(?<value>[^"]*)",?""")]
    private static partial Regex Label();

    /// <summary>Reads Prometheus's text format back (test side only: the export itself is prometheus-net's).</summary>
    internal static List<Sample> Parse(string text) =>
    [
        .. text.Split('\n').Select(l => Line().Match(l)).Where(m => m.Success).Select(m => new Sample(
            m.Groups["name"].Value,
            Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups["key"].Value, l => l.Groups["value"].Value),
            double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))),
    ];

    private static async Task<string> Export(TelemetryTap tap)
    {
        using var stream = new MemoryStream();
        await new IstioMetrics(tap).WriteAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static double Total(List<Sample> samples, string reporter, string destination, string? code = null) =>
        samples.Where(s => s.Name == "istio_requests_total" && s.Labels["reporter"] == reporter && s.Labels["destination_workload"] == destination
            && (code is null || s.Labels["response_code"] == code)).Sum(s => s.Value);

    [Fact]
    public async Task The_snapshot_has_istios_metrics_and_labels_and_its_totals_match_the_report()
    {
        var (report, tap) = await Run();
        var samples = Parse(await Export(tap));

        var requests = samples.Where(s => s.Name == "istio_requests_total").ToList();
        Assert.NotEmpty(requests);
        Assert.All(requests, s => Assert.Equal(IstioMetrics.Labels.Order(), s.Labels.Keys.Order()));
        Assert.Equal(["destination", "source"], requests.Select(s => s.Labels["reporter"]).Distinct().Order());
        Assert.All(requests, s => Assert.Equal(s.Labels["reporter"] == "source" ? "unknown" : "mutual_tls", s.Labels["connection_security_policy"]));
        Assert.All(requests, s => Assert.Equal("http", s.Labels["request_protocol"]));
        Assert.Contains(requests, s => s.Labels["source_workload"] == "api" && s.Labels["destination_service"] == "pay.default.svc.cluster.local" && s.Labels["response_code"] == "503");

        // Destination-reported: what each service's sidecars answered; source-reported: the calls its callers made.
        foreach (var service in new[] { "api", "pay" })
        {
            Assert.Equal(report.Services[service][ServiceCounter.Requests], Total(samples, "destination", service));
            Assert.Equal(report.Services[service][ServiceCounter.Errors], Total(samples, "destination", service) - Total(samples, "destination", service, "200"));
            Assert.Equal(report.Services[service].Upstream[ServiceCounter.Calls], Total(samples, "source", service));
        }
        // The gateway is the api's source workload, as Istio's ingress gateway is.
        Assert.Equal(report.Services["api"].Upstream[ServiceCounter.Calls], requests.Where(s => s.Labels["source_workload"] == "edge" && s.Labels["reporter"] == "source").Sum(s => s.Value));
    }

    [Fact]
    public async Task Each_histogram_counts_the_same_requests_in_istios_buckets()
    {
        var (_, tap) = await Run();
        var samples = Parse(await Export(tap));

        foreach (var total in samples.Where(s => s.Name == "istio_requests_total"))
        {
            string Key(Sample s) => string.Join(',', IstioMetrics.Labels.Select(l => s.Labels[l]));
            foreach (var histogram in new[] { "istio_request_duration_milliseconds", "istio_request_bytes", "istio_response_bytes" })
            {
                var count = Assert.Single(samples, s => s.Name == histogram + "_count" && Key(s) == Key(total));
                Assert.Equal(total.Value, count.Value);
                var buckets = samples.Where(s => s.Name == histogram + "_bucket" && s.Labels.Where(l => l.Key != "le").All(l => total.Labels[l.Key] == l.Value)).ToList();
                Assert.Equal(total.Value, buckets.Single(b => b.Labels["le"] == "+Inf").Value);
                Assert.True(buckets.Zip(buckets.Skip(1)).All(p => p.First.Value <= p.Second.Value), "cumulative buckets never decrease");
            }
        }
        // Every request carries 1024 bytes: all in the le="10000" bucket and above, none at or below 1000.
        var request = samples.Where(s => s.Name == "istio_request_bytes_bucket").ToList();
        Assert.All(request.Where(b => b.Labels["le"] == "1000"), b => Assert.Equal(0, b.Value));
        Assert.Contains(samples, s => s.Name == "istio_request_bytes_sum" && s.Value > 0);
    }

    [Fact]
    public async Task A_real_scrape_over_http_gets_the_same_totals()
    {
        var (_, tap) = await Run();
        var metrics = new IstioMetrics(tap);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        string body;
        using (metrics.Serve("127.0.0.1", port))
        {
            using var http = new HttpClient();
            body = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        }

        var scraped = Parse(body).Where(s => s.Name == "istio_requests_total").ToList();
        var written = Parse(await Export(tap)).Where(s => s.Name == "istio_requests_total").ToList();
        Assert.NotEmpty(scraped);
        Assert.Equal(written.Sum(s => s.Value), scraped.Sum(s => s.Value));
        Assert.Equal(written.Count, scraped.Count);
    }
}
