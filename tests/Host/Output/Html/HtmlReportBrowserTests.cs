using ActorMesh.Host.Output.Html;
using Microsoft.Playwright;

namespace ActorMesh.Tests.Host.Output.Html;

/// <summary>A test that needs a real browser; skipped only when <c>ACTORMESH_SKIP_BROWSER=1</c> says so explicitly.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("ACTORMESH_SKIP_BROWSER") == "1") Skip = "ACTORMESH_SKIP_BROWSER=1: the browser tests were skipped on purpose";
    }
}

/// <summary>
/// The HTML report in a real browser: headless Chromium (Debian's <c>chromium</c> package, driven by
/// Playwright through its executable path, no browser download) opens the file offline, runs its
/// scripts without a console error, and draws the charts and the service graph.
/// </summary>
public class HtmlReportBrowserTests(FaultyRunFixture run) : IClassFixture<FaultyRunFixture>
{
    /// <summary>The system Chromium: <c>ACTORMESH_CHROMIUM</c>, else the first of the usual paths that exists.</summary>
    private static string Chromium()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("ACTORMESH_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" };
        return candidates.FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p))
            ?? throw new InvalidOperationException("No Chromium found for the HTML report's browser test (tried ACTORMESH_CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser, "
                + "/usr/bin/google-chrome). Install it with 'apt-get install -y chromium' (.ci/run does), or set ACTORMESH_SKIP_BROWSER=1 to skip this test on purpose.");
    }

    [BrowserFact]
    public async Task The_page_opens_offline_without_console_errors_and_draws_its_charts_and_graph()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("actormesh-html-").FullName, "report.html");
        await File.WriteAllTextAsync(file, HtmlReport.Render(run.Report));
        var expectedCharts = ReportPage.From(run.Report).PerSecond.Count(c => c.Lines.Count > 0) + 2; // + histogram, percentiles

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium(), Headless = true, Args = ["--disable-gpu", "--disable-dev-shm-usage"] });
        var context = await browser.NewContextAsync(new() { Offline = true, ViewportSize = new() { Width = 1200, Height = 900 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type is "error" or "warning") errors.Add($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => errors.Add($"page error: {e}");
        page.RequestFailed += (_, r) => errors.Add($"request failed: {r.Url}");

        await page.GotoAsync(new Uri(file).AbsoluteUri);
        await page.WaitForSelectorAsync("body[data-charts-drawn]", new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

        Assert.Empty(errors);
        Assert.Equal(expectedCharts.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.GetAttributeAsync("body", "data-charts-drawn"));
        foreach (var id in new[] { "throughput", "ok-percent", "latency", "retries", "rejections", "histogram", "percentiles" })
            Assert.Equal(1, await page.Locator($"#chart-{id} .uplot canvas").CountAsync());
        Assert.Equal(0, await page.Locator(".missing").CountAsync());
        Assert.Equal(3, await page.Locator("#service-graph .node").CountAsync());
        Assert.Equal(2, await page.Locator("#service-graph .edge").CountAsync());
        Assert.True(await page.Locator("#service-graph").IsVisibleAsync());
        // Each edge is labelled with its own figures: rate, error %, p99 and retries, as rendered text.
        foreach (var e in run.Report.CallGraph.Edges)
        {
            var label = await page.Locator($"#service-graph .edge[data-from='{e.From}'][data-to='{e.To}'] .edge-label").AllTextContentsAsync();
            var text = string.Join(" ", label);
            Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{e.Rps:0.#}/s"), text);
            Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"p99 {e.P99Ms:0.#} ms"), text);
            Assert.Contains($"{e.Retries} retries", text);
            Assert.Equal(e.Mtls == true, text.Contains("mTLS", StringComparison.Ordinal));
        }
        Assert.Equal(run.Report.CallGraph.Edges.Count, await page.Locator("#edges-table tr").CountAsync() - 1);
        Assert.Equal(run.Report.Tracing.Sample.Count, await page.Locator(".waterfall .span").CountAsync());
        Assert.Equal(run.Report.Services.Count, await page.Locator("#services-table tr").CountAsync() - 1);
        Assert.Contains("adds up", await page.InnerTextAsync("#summary ~ p"));
    }
}
