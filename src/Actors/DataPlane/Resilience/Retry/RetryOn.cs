namespace ActorMesh.DataPlane.Resilience.Retry;

/// <summary>
/// The conditions under which a failed attempt is retried, named as in Envoy's <c>x-envoy-retry-on</c>
/// and <c>x-envoy-retry-grpc-on</c>, and accepted as Istio's <c>retryOn</c> accepts them
/// (istio pkg/config/validation, <c>supportedRetryOnPolicies</c>). What each matches follows Envoy's
/// source/common/router/retry_state_impl.cc (<c>wouldRetryFromHeaders</c>, <c>wouldRetryFromReset</c>).
/// </summary>
[Flags]
public enum RetryOn
{
    /// <summary>Never retry.</summary>
    None = 0,
    /// <summary><c>5xx</c>: any 5xx response, or no response at all (per-try timeout, reset, connect failure).</summary>
    FiveXx = 1 << 0,
    /// <summary><c>gateway-error</c>: 502, 503 or 504, and no response at all (per-try timeout, reset, connect failure).</summary>
    GatewayError = 1 << 1,
    /// <summary><c>reset</c>: no response: connect failure, reset or per-try timeout.</summary>
    Reset = 1 << 2,
    /// <summary><c>connect-failure</c>: the connection to the endpoint failed.</summary>
    ConnectFailure = 1 << 3,
    /// <summary><c>retriable-4xx</c>: a 409 response.</summary>
    Retriable4xx = 1 << 4,
    /// <summary>
    /// <c>refused-stream</c>: an HTTP/2 REFUSED_STREAM reset. No endpoint here refuses a stream that way (an
    /// app's full queue answers a 503 response), so it matches nothing; kept for Istio parity.
    /// </summary>
    RefusedStream = 1 << 5,
    /// <summary><c>retriable-status-codes</c>: a status listed in <see cref="RetryOptions.RetriableStatusCodes"/>.</summary>
    RetriableStatusCodes = 1 << 6,
    /// <summary><c>unavailable</c>: gRPC status UNAVAILABLE. Services here speak HTTP, so it matches nothing (kept for Istio parity).</summary>
    Unavailable = 1 << 7,
    /// <summary><c>cancelled</c>: gRPC status CANCELLED. Matches nothing for HTTP services (kept for Istio parity).</summary>
    Cancelled = 1 << 8,
    /// <summary><c>reset-before-request</c>: no response to a request never sent upstream: a connect failure.</summary>
    ResetBeforeRequest = 1 << 9,
    /// <summary><c>envoy-ratelimited</c>: a response an upstream Envoy rate-limited (flag RL); only this condition retries one.</summary>
    EnvoyRateLimited = 1 << 10,
    /// <summary><c>retriable-headers</c>: response headers named in the policy. No headers are modelled: matches nothing.</summary>
    RetriableHeaders = 1 << 11,
    /// <summary><c>http3-post-connect-failure</c>: a failure after an HTTP/3 handshake. No HTTP/3 here: matches nothing.</summary>
    Http3PostConnectFailure = 1 << 12,
    /// <summary><c>deadline-exceeded</c>: gRPC status DEADLINE_EXCEEDED. Matches nothing for HTTP services.</summary>
    DeadlineExceeded = 1 << 13,
    /// <summary><c>internal</c>: gRPC status INTERNAL. Matches nothing for HTTP services.</summary>
    Internal = 1 << 14,
    /// <summary><c>resource-exhausted</c>: gRPC status RESOURCE_EXHAUSTED. Matches nothing for HTTP services.</summary>
    ResourceExhausted = 1 << 15,
}

/// <summary>
/// A <c>retryOn</c> value as written: its conditions, and the bare status codes it names (Istio's
/// <c>retryOn: "503,connect-failure"</c>), which add <see cref="RetryOn.RetriableStatusCodes"/>.
/// </summary>
/// <param name="On">The conditions.</param>
/// <param name="StatusCodes">The status codes named among them (empty when none).</param>
public readonly record struct RetryConditions(RetryOn On, ImmutableArray<int> StatusCodes);

/// <summary>Names of <see cref="RetryOn"/> conditions as users write them.</summary>
public static class RetryOnNames
{
    private static readonly (string Name, RetryOn Value)[] Names =
    [
        ("5xx", RetryOn.FiveXx), ("gateway-error", RetryOn.GatewayError), ("reset", RetryOn.Reset),
        ("reset-before-request", RetryOn.ResetBeforeRequest), ("connect-failure", RetryOn.ConnectFailure),
        ("envoy-ratelimited", RetryOn.EnvoyRateLimited), ("retriable-4xx", RetryOn.Retriable4xx),
        ("refused-stream", RetryOn.RefusedStream), ("unavailable", RetryOn.Unavailable), ("cancelled", RetryOn.Cancelled),
        ("retriable-status-codes", RetryOn.RetriableStatusCodes), ("retriable-headers", RetryOn.RetriableHeaders),
        ("http3-post-connect-failure", RetryOn.Http3PostConnectFailure), ("deadline-exceeded", RetryOn.DeadlineExceeded),
        ("internal", RetryOn.Internal), ("resource-exhausted", RetryOn.ResourceExhausted),
    ];

    /// <summary>Every accepted name (a bare HTTP status, 100..599, is accepted too).</summary>
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

    /// <summary>
    /// Parses a comma-separated <c>retryOn</c> ("5xx,reset", "503,connect-failure"; "none" or "" for none): a
    /// bare HTTP status is retried under <c>retriable-status-codes</c>, as istiod's route/retry ConvertPolicy
    /// does. Returns false with the first name it does not know in <paramref name="unknown"/>.
    /// </summary>
    public static bool TryParseList(string text, out RetryConditions conditions, out string? unknown)
    {
        var on = RetryOn.None;
        var codes = ImmutableArray.CreateBuilder<int>();
        unknown = null;
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (TryParse(name, out var condition)) on |= condition;
            else if (int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status) && status is >= 100 and <= 599)
            {
                on |= RetryOn.RetriableStatusCodes;
                if (!codes.Contains(status)) codes.Add(status);
            }
            else if (!name.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                unknown ??= name;
            }
        }
        conditions = new RetryConditions(on, codes.ToImmutable());
        return unknown is null;
    }

    /// <summary>The comma-separated names of a set of conditions.</summary>
    public static string Format(RetryOn value) =>
        value == RetryOn.None ? "none" : string.Join(",", Names.Where(n => value.HasFlag(n.Value)).Select(n => n.Name));
}
