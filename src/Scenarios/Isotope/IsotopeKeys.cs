using System.Globalization;
using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Scenarios.Isotope;

/// <summary>The keys of an isotope service graph, each declared once; the keys read by hand are the reader's (<see cref="IsotopeReader"/>).</summary>
internal static class IsotopeKeys
{
    /// <summary>Request size not given by the call: filled in from the calling service, then the defaults.</summary>
    public const int UnsetSize = -1;

    /// <summary>isotope's <c>type</c>: http or grpc.</summary>
    private static readonly Syntax<string> ServiceType = Syntax.Scalar<string>("http | grpc", text =>
    {
        var t = text.Trim().ToLowerInvariant();
        return t is "http" or "grpc" ? t : Parsed<string>.Fail($"expected 'http' or 'grpc', got '{text.Trim()}'");
    });

    private static readonly Syntax<int> Replicas = Syntax.Scalar("whole number", text =>
    {
        var n = YamlValues.Integer<int>(text);
        return n.Error is null && n.Value < 0 ? Parsed<int>.Fail("must not be negative") : n;
    });

    /// <summary>isotope's percentage: "0.1%" or a number from 0 to 1.</summary>
    private static readonly Syntax<double> ErrorRate = Syntax.Scalar("ratio", text =>
    {
        var rate = YamlValues.Ratio(text);
        return rate.Error is null && rate.Value is < 0 or > 1
            ? Parsed<double>.Fail($"must be between 0 and 1, or a percentage from '0%' to '100%'; got '{text.Trim()}'")
            : rate;
    });

    /// <summary>isotope's call probability: a whole percentage, 0 to 100 ("60" or "60%"), as a share 0..1.</summary>
    private static readonly Syntax<double> ProbabilityPercent = Syntax.Scalar("whole percentage", text =>
    {
        var s = text.Trim();
        if (!int.TryParse(s.EndsWith('%') ? s[..^1] : s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent))
            return Parsed<double>.Fail(YamlValues.NumberProblem(s) ?? $"expected a whole percentage from 0 to 100 such as 60 (isotope's probability is in percent), got {YamlValues.Quote(s)}");
        if (percent is < 0 or > 100) return Parsed<double>.Fail($"must be between 0 and 100 (a percentage), got {percent}");
        return percent / 100.0;
    });

    /// <summary>A <c>sleep</c>: a Go duration, not negative, as a constant distribution.</summary>
    public static readonly Syntax<Distribution> Sleep = Syntax.Scalar<Distribution>("duration", text =>
    {
        var duration = YamlValues.Duration(text);
        if (duration.Error is { } error) return Parsed<Distribution>.Fail(error);
        return duration.Value < TimeSpan.Zero ? Parsed<Distribution>.Fail("must not be negative") : Distribution.Constant(duration.Value.TotalMilliseconds);
    });

    /// <summary>Text with the spaces around it dropped.</summary>
    private static readonly Syntax<string> Name = Syntax.Scalar("text", t => t.Trim(), standIn: "");

    public static readonly Schema TopLevel = new()
    {
        { "defaults", "mapping", "For services that do not set them." },
        { "default", "mapping", "The same section under another name; one of the two." },
        { "services", "list of services", "The services.", Need.Required },
    };

    /// <summary>The <c>defaults</c> section, over isotope's own defaults.</summary>
    public static readonly Schema<GraphDefaults> Defaults = new(new GraphDefaults("http", 1, 0, 0, 0, null))
    {
        { "type", ServiceType, (d, v) => d with { Type = v }, "http or grpc; both run as HTTP here." },
        { "numReplicas", Replicas, (d, v) => d with { Replicas = v }, "Pods of each service." },
        { "errorRate", ErrorRate, (d, v) => d with { ErrorRate = v }, "Share of requests answered 500." },
        { "requestSize", Syntax.Size, (d, v) => d with { RequestBytes = v }, "Size of calls without their own." },
        { "responseSize", Syntax.Size, (d, v) => d with { ResponseBytes = v }, "Size of each answer." },
        { "script", "list of steps", "For services without a script of their own." },
    };

    public static readonly Schema<RawService> Service = new(new RawService(new ServiceSpec { Name = "" }, "http", null, null))
    {
        { "name", Name, (s, v) => s with { Spec = s.Spec with { Name = v } }, "The service's name.", Need.Required },
        { "type", ServiceType, (s, v) => s with { Type = v }, "http or grpc." },
        { "numReplicas", Replicas, (s, v) => s with { Spec = s.Spec with { Replicas = v } }, "Pods." },
        { "isEntrypoint", Syntax.Boolean, (s, v) => s with { Spec = s.Spec with { IsEntrypoint = v } }, "The load generator calls the entrypoints." },
        { "errorRate", ErrorRate, (s, v) => s with { Spec = s.Spec with { Errors = new ErrorInjection(v, 500) } }, "Share of requests answered 500." },
        { "requestSize", Syntax.Size, (s, v) => s with { RequestBytes = v }, "An ActorMesh extension: this service's calls without a size." },
        { "responseSize", Syntax.Size, (s, v) => s with { Spec = s.Spec with { ResponseBytes = v } }, "Size of each answer." },
        { "script", "list of steps", "What the service does for each request." },
        { "hostname", Name, (s, v) => s with { Hostname = v }, "An alias: calls to this host name reach the service." },
    };

    public static readonly Schema<ServiceCall> Call = new(new ServiceCall { Service = "", RequestBytes = UnsetSize })
    {
        { "service", Name, "The service called." },
        { "hostname", Name, "A host name that names the service called." },
        { "call-override", Name, "isotope's older name for hostname." },
        { "size", Syntax.Size, (c, v) => c with { RequestBytes = v }, "Request size; default: the service's requestSize, then the defaults'." },
        { "probability", ProbabilityPercent, (c, v) => c with { Probability = v }, "Whole percentage of requests that make the call." },
    };

    /// <summary>A step's one key.</summary>
    public static readonly Schema Commands = new()
    {
        { "sleep", Sleep, "Waits: a Go duration." },
        { "call", "a service or host name, or a call mapping", "Calls a service and waits for the answer." },
    };

    /// <summary>A service's defaults for the keys it does not give.</summary>
    public static RawService ServiceOver(GraphDefaults d) => Service.Defaults with
    {
        Type = d.Type,
        Spec = Service.Defaults.Spec with { Replicas = d.Replicas, Errors = new ErrorInjection(d.ErrorRate, 500), ResponseBytes = d.ResponseBytes },
    };
}

/// <summary>The <c>defaults</c> section of a service graph.</summary>
internal sealed record GraphDefaults(string Type, int Replicas, double ErrorRate, int RequestBytes, int ResponseBytes, ImmutableArray<ScriptStep>? Script);

/// <summary>A service as read, before its calls are resolved against every service's name and host name.</summary>
internal sealed record RawService(ServiceSpec Spec, string Type, string? Hostname, int? RequestBytes);
