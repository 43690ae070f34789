using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorMesh.DataPlane;

namespace ActorMesh.Telemetry;

/// <summary>
/// Sampled spans as Zipkin v2 JSON (the body of <c>POST /api/v2/spans</c>; Zipkin and Jaeger import it):
/// an array of spans, each with its trace and span ids in hex, its parent, a name, a kind, a start and
/// duration in µs, the workload as <c>localEndpoint.serviceName</c>, and tags. Ok and failed spans alike:
/// a failed one carries Zipkin's <c>error</c> tag.
/// </summary>
internal static class ZipkinExport
{
    /// <summary>The span's name (and its <c>hop</c> tag) by hop kind.</summary>
    public static string HopName(HopKind kind) => kind switch
    {
        HopKind.Client => "client",
        HopKind.Gateway => "gateway",
        HopKind.SidecarOut => "sidecar-outbound",
        HopKind.Network => "network",
        HopKind.SidecarIn => "sidecar-inbound",
        _ => "app",
    };

    /// <summary>
    /// Zipkin's kind: the hops that send (client, the caller's sidecar) are CLIENT, those that serve
    /// (gateway, the destination's sidecar, the app) SERVER; a network leg is a local span (no kind).
    /// </summary>
    public static string? Kind(HopKind kind) => kind switch
    {
        HopKind.Client or HopKind.SidecarOut => "CLIENT",
        HopKind.Gateway or HopKind.SidecarIn or HopKind.App => "SERVER",
        _ => null,
    };

    /// <summary>
    /// The JSON array of every span of <paramref name="runs"/> (one list per run: a lesson has several phases).
    /// Trace ids are 16 hex digits for a single run; with several, 32, the run's number in the high half,
    /// so the traces of two phases never share an id. Times are µs since the Unix epoch: mesh-clock time
    /// from <paramref name="startUnixMicroseconds"/> (the run's start).
    /// </summary>
    public static string Write(IReadOnlyList<IReadOnlyList<Span>> runs, long startUnixMicroseconds)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartArray();
            for (var run = 0; run < runs.Count; run++)
                foreach (var span in runs[run])
                    WriteSpan(json, span, runs.Count > 1 ? run + 1 : 0, startUnixMicroseconds);
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteSpan(Utf8JsonWriter json, in Span span, int run, long startUnixMicroseconds)
    {
        json.WriteStartObject();
        json.WriteString("traceId", run == 0 ? Hex(span.TraceId) : Hex(run) + Hex(span.TraceId));
        json.WriteString("id", Hex(span.SpanId));
        if (span.ParentId != 0) json.WriteString("parentId", Hex(span.ParentId));
        json.WriteString("name", HopName(span.Kind));
        if (Kind(span.Kind) is { } kind) json.WriteString("kind", kind);
        json.WriteNumber("timestamp", startUnixMicroseconds + span.Start / TimeSpan.TicksPerMicrosecond);
        // Zipkin reads a duration of 0 as "unknown": a span shorter than 1 µs says 1.
        json.WriteNumber("duration", Math.Max(1, span.Duration / TimeSpan.TicksPerMicrosecond));
        json.WriteStartObject("localEndpoint");
        json.WriteString("serviceName", span.Service);
        json.WriteEndObject();
        json.WriteStartObject("tags");
        json.WriteString("hop", HopName(span.Kind));
        if (span.Status != 0)
        {
            json.WriteString("http.status_code", span.Status.ToString(CultureInfo.InvariantCulture));
            json.WriteString("response_flags", ResponseFlagNames.Format(span.Flags));
            if (!StatusCodes.IsSuccess(span.Status) && span.Status is < 300 or >= 400)
                json.WriteString("error", $"{span.Status} {ResponseFlagNames.Format(span.Flags)}");
        }
        if (span.Attempt > 0) json.WriteString("retry.attempt", span.Attempt.ToString(CultureInfo.InvariantCulture));
        if (span.Upstream is { } upstream) json.WriteString("upstream_host", upstream);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string Hex(long id) => id.ToString("x16", CultureInfo.InvariantCulture);
}
