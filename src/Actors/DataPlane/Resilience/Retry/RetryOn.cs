namespace ActorMesh.DataPlane.Resilience.Retry;

/// <summary>
/// The conditions under which a failed attempt is retried, named as in Envoy's <c>x-envoy-retry-on</c>
/// and Istio's <c>retryOn</c>.
/// </summary>
[Flags]
public enum RetryOn
{
    /// <summary>Never retry.</summary>
    None = 0,
    /// <summary><c>5xx</c>: any 5xx response, or no response at all (per-try timeout, reset, connect failure, refused stream).</summary>
    FiveXx = 1 << 0,
    /// <summary><c>gateway-error</c>: 502, 503 or 504, including a per-try timeout, a connect failure and a reset (each ends in one).</summary>
    GatewayError = 1 << 1,
    /// <summary><c>reset</c>: no response: disconnect, reset or per-try timeout.</summary>
    Reset = 1 << 2,
    /// <summary><c>connect-failure</c>: the connection to the endpoint failed.</summary>
    ConnectFailure = 1 << 3,
    /// <summary><c>retriable-4xx</c>: 409.</summary>
    Retriable4xx = 1 << 4,
    /// <summary><c>refused-stream</c>: the upstream refused the request before handling it (its queue was full).</summary>
    RefusedStream = 1 << 5,
    /// <summary><c>retriable-status-codes</c>: a status listed in <see cref="RetryOptions.RetriableStatusCodes"/>.</summary>
    RetriableStatusCodes = 1 << 6,
    /// <summary><c>unavailable</c>: gRPC status UNAVAILABLE. Services here speak HTTP, so it matches nothing (kept for Istio parity).</summary>
    Unavailable = 1 << 7,
    /// <summary><c>cancelled</c>: gRPC status CANCELLED. Matches nothing for HTTP services (kept for Istio parity).</summary>
    Cancelled = 1 << 8,
}

/// <summary>Names of <see cref="RetryOn"/> conditions as users write them.</summary>
public static class RetryOnNames
{
    private static readonly (string Name, RetryOn Value)[] Names =
    [
        ("5xx", RetryOn.FiveXx), ("gateway-error", RetryOn.GatewayError), ("reset", RetryOn.Reset),
        ("connect-failure", RetryOn.ConnectFailure), ("retriable-4xx", RetryOn.Retriable4xx),
        ("refused-stream", RetryOn.RefusedStream), ("retriable-status-codes", RetryOn.RetriableStatusCodes),
        ("unavailable", RetryOn.Unavailable), ("cancelled", RetryOn.Cancelled),
    ];

    /// <summary>Every accepted name.</summary>
    public static IEnumerable<string> All => Names.Select(n => n.Name);

    /// <summary>Parses one condition name (case-insensitive).</summary>
    public static bool TryParse(string name, out RetryOn value)
    {
        foreach (var (n, v) in Names)
        {
            if (string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = RetryOn.None;
        return false;
    }

    /// <summary>The comma-separated names of a set of conditions.</summary>
    public static string Format(RetryOn value) =>
        value == RetryOn.None ? "none" : string.Join(",", Names.Where(n => value.HasFlag(n.Value)).Select(n => n.Name));
}
