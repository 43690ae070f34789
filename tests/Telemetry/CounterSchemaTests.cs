using System.Text.Json.Nodes;

namespace ActorMesh.Tests.Telemetry;

/// <summary>
/// The service counters are declared once, in <see cref="ServiceCounter"/>: the per-thread record,
/// merging, node snapshots and the report's sections all follow from that one list.
/// </summary>
public class CounterSchemaTests
{
    private static readonly ServiceCounter[] Every = Enum.GetValues<ServiceCounter>();

    /// <summary>Every counter a different value: 101, 102, ...</summary>
    internal static ServiceTelemetry Distinct(long offset = 100)
    {
        var t = new ServiceTelemetry();
        foreach (var c in Every) t[c] = offset + (int)c + 1;
        return t;
    }

    [Fact]
    public void Every_counter_has_a_doc_line_a_unique_json_name_and_a_section_and_its_position_is_its_value()
    {
        Assert.Equal(Every.Length, CounterSchema.Count);
        for (var i = 0; i < Every.Length; i++)
        {
            var d = CounterSchema.All[i];
            Assert.Equal(Every[i], d.Counter);
            Assert.Equal(i, d.Index);
            Assert.Equal(Every[i].ToString(), d.Name);
            Assert.Matches("^[A-Z].*\\.$", d.Doc);
            Assert.Matches("^[a-z][A-Za-z]*$", d.JsonName);
            Assert.NotEqual(ReportSections.None, d.Sections);
        }
        Assert.Equal(Every.Length, CounterSchema.All.Select(d => d.JsonName).Distinct().Count());
    }

    [Fact]
    public void Inbound_counters_are_the_destinations_figures_and_outbound_ones_the_callers()
    {
        // Istio: reporter=destination for what reached the service, reporter=source for what callers did.
        Assert.Equal(CounterDirection.Inbound, CounterSchema.Of(ServiceCounter.Requests).Direction);
        Assert.Equal(CounterDirection.Inbound, CounterSchema.Of(ServiceCounter.DeniedPlaintext).Direction);
        Assert.Equal(CounterDirection.Outbound, CounterSchema.Of(ServiceCounter.Calls).Direction);
        Assert.Equal(CounterDirection.Outbound, CounterSchema.Of(ServiceCounter.Retries).Direction);
        Assert.All(CounterSchema.In(ReportSections.Upstream | ReportSections.Mesh), d => Assert.Equal(CounterDirection.Outbound, d.Direction));
        Assert.All(CounterSchema.In(ReportSections.Service | ReportSections.Security), d => Assert.Equal(CounterDirection.Inbound, d.Direction));
    }

    [Fact]
    public void Add_sums_every_counter()
    {
        var sum = Distinct(100);
        sum.Add(Distinct(1000));
        foreach (var c in Every) Assert.Equal(1100 + 2 * ((int)c + 1), sum[c]);
    }

    [Fact]
    public void An_increment_is_a_plain_increment_of_that_counter_alone()
    {
        var t = new ServiceTelemetry();
        t[ServiceCounter.Calls]++;
        t[ServiceCounter.Calls]++;
        t[ServiceCounter.Retries] += 3;
        Assert.Equal(2, t[ServiceCounter.Calls]);
        Assert.Equal(3, t[ServiceCounter.Retries]);
        Assert.Equal(5, t.Counters().Sum());
    }

    [Fact]
    public void Each_report_section_shows_exactly_the_counters_that_name_it_under_their_json_names()
    {
        var json = JsonNode.Parse(Report(Distinct(100), Distinct(10_000)).ToJson())!;
        var service = json["services"]!["orders"]!.AsObject();
        var sections = new (ReportSections Section, JsonObject Json, long Offset)[]
        {
            (ReportSections.Service, service, 100),
            (ReportSections.Upstream, service["upstream"]!.AsObject(), 100),
            (ReportSections.Mesh, json["mesh"]!.AsObject(), 10_000),
            (ReportSections.Security, json["security"]!.AsObject(), 10_000),
        };
        foreach (var (section, obj, offset) in sections)
            foreach (var d in CounterSchema.All)
            {
                if ((d.Sections & section) != 0) Assert.Equal(offset + d.Index + 1, (long)obj[d.JsonName]!);
                else Assert.False(obj.ContainsKey(d.JsonName), $"{section} shows {d.Name}, which does not name it");
            }
    }

    [Fact]
    public void A_section_answers_only_for_its_own_counters()
    {
        var report = Report(Distinct(), Distinct());
        Assert.Equal(111, report.Mesh[ServiceCounter.Retries]);
        var e = Assert.Throws<ArgumentException>(() => report.Mesh[ServiceCounter.Requests]);
        Assert.Contains("does not show Requests", e.Message);
    }

    [Fact]
    public void The_report_keeps_every_key_it_ever_had_and_adds_only_schema_counters()
    {
        // The keys of these sections before the counters had a schema: fields are added, never renamed or removed.
        string[] service = ["instances", "requests", "ok", "errors", "overloaded", "denied", "latencyMs", "upstream", "perInstance"];
        string[] upstream = ["calls", "attempts", "retries", "timeouts", "perTryTimeouts", "circuitOpened", "circuitClosed", "rejectedByCircuit", "overflows", "ejections"];
        string[] mesh = ["retries", "timeouts", "circuitOpened", "rejectedByCircuit", "ejections", "configVersion", "perTryTimeouts", "circuitClosed",
            "retriesOverflowed", "retriesExhausted", "overflows", "noHealthyUpstream", "connectFailures", "lateResponses", "cancelled", "sidecars"];
        string[] security = ["denied", "deniedPlaintext", "deniedByPolicy", "plaintextAccepted"];
        var json = JsonNode.Parse(Report(Distinct(), Distinct()).ToJson())!;
        var orders = json["services"]!["orders"]!;
        KeepsAndAddsOnlyCounters(service, orders.AsObject(), ReportSections.Service);
        KeepsAndAddsOnlyCounters(upstream, orders["upstream"]!.AsObject(), ReportSections.Upstream);
        KeepsAndAddsOnlyCounters(mesh, json["mesh"]!.AsObject(), ReportSections.Mesh);
        KeepsAndAddsOnlyCounters(security, json["security"]!.AsObject(), ReportSections.Security);
        // The per-service figures keep their order: instances, the counters, then the rest.
        Assert.Equal(service, orders.AsObject().Select(p => p.Key).Where(service.Contains));
        Assert.Equal(upstream, orders["upstream"]!.AsObject().Select(p => p.Key).Where(upstream.Contains));
    }

    private static void KeepsAndAddsOnlyCounters(string[] before, JsonObject section, ReportSections which)
    {
        var keys = section.Select(p => p.Key).ToList();
        Assert.All(before, key => Assert.Contains(key, keys));
        var counters = CounterSchema.In(which).Select(d => d.JsonName).ToHashSet();
        Assert.All(keys.Except(before), key => Assert.Contains(key, counters));
    }

    [Fact]
    public void A_report_reads_back_with_every_counter()
    {
        var report = Report(Distinct(100), Distinct(10_000));
        var back = RunReport.FromJson(report.ToJson())!;
        Assert.Equal(report.Mesh, back.Mesh);
        Assert.Equal(report.Security, back.Security);
        Assert.Equal(report.Services["orders"].Upstream, back.Services["orders"].Upstream);
        Assert.Equal(report.Services["orders"][ServiceCounter.Denied], back.Services["orders"][ServiceCounter.Denied]);
        Assert.Equal(report.ToJson(), back.ToJson());
    }

    /// <summary>A report with one service, 'orders', counted by <paramref name="orders"/>, and mesh totals <paramref name="totals"/>.</summary>
    private static RunReport Report(ServiceTelemetry orders, ServiceTelemetry totals) => new()
    {
        Scenario = "schema",
        Seed = 1,
        DurationSeconds = 1,
        Load = new LoadSection("open", 1, null, "constant", 0),
        Requests = new RequestCounts(0, 0, 0, 0, 0, 0),
        LatencyMs = LatencySummary.Empty,
        ThroughputRps = 0,
        GoodputRps = 0,
        Services = new(StringComparer.Ordinal)
        {
            ["orders"] = CounterSection.Of<ServiceReport>(orders) with { Instances = 2, Upstream = CounterSection.Of<UpstreamReport>(orders) },
        },
        Mesh = CounterSection.Of<MeshSection>(totals) with { ConfigVersion = 3 },
        Security = CounterSection.Of<SecurityReport>(totals),
        Outcomes = new OutcomesSection(),
        Timeline = [],
    };
}
