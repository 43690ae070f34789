using System.Text;
using ActorMesh.DataPlane;

namespace ActorMesh.Telemetry;

/// <summary>Response flags as Envoy and Istio write them: short names joined by commas, "-" for none.</summary>
public static class ResponseFlagNames
{
    // In Envoy's order of its short names; Committed (CM) is the emulator's accounting, never shown.
    private static readonly (ResponseFlags Flag, string Name)[] Names =
    [
        (ResponseFlags.UpstreamOverflow, "UO"), (ResponseFlags.UpstreamRequestTimeout, "UT"), (ResponseFlags.NoHealthyUpstream, "UH"),
        (ResponseFlags.UpstreamConnectionFailure, "UF"), (ResponseFlags.UpstreamRetryLimitExceeded, "URX"), (ResponseFlags.RateLimited, "RL"),
        (ResponseFlags.NoRoute, "NR"), (ResponseFlags.UpstreamReset, "UR"), (ResponseFlags.FaultInjected, "FI"), (ResponseFlags.DelayInjected, "DI"),
        (ResponseFlags.CacheHit, "RFCF"), (ResponseFlags.CircuitOpen, "CO"), (ResponseFlags.Overloaded, "OL"), (ResponseFlags.Degraded, "DG"),
    ];

    /// <summary>The flags Istio's <c>response_flags</c> label would carry (the emulator's own accounting flag left out).</summary>
    public static ResponseFlags Shown(ResponseFlags flags) => flags & ~ResponseFlags.Committed;

    /// <summary>"UF,URX" for those two flags; "-" for none (as Istio's <c>response_flags</c> label).</summary>
    public static string Format(ResponseFlags flags)
    {
        flags = Shown(flags);
        if (flags == ResponseFlags.None) return "-";
        var text = new StringBuilder();
        foreach (var (flag, name) in Names)
            if ((flags & flag) != 0) text.Append(text.Length == 0 ? "" : ",").Append(name);
        return text.ToString();
    }
}
