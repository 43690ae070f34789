using ActorMesh.Scenarios.Isotope;
using ActorMesh.Topology;

namespace ActorMesh.Scenarios.Yaml;

/// <summary>
/// Reads ActorMesh topology files (YAML) into a <see cref="MeshTopology"/>, reporting every problem
/// at once with its line, column and field path. Istio isotope service graphs are recognised by their
/// keys and read too (see <see cref="IsotopeReader"/>).
/// </summary>
/// <remarks>
/// <para>
/// Keys match ignoring case; an unknown key is an error. Only <c>name</c> and <c>services</c> are
/// needed; everything else has the model's documented default.
/// </para>
/// <code>
/// name: chain                      # required
/// description: one line
/// seed: 1
/// network:
///   latency: 1ms                   # distribution; default constant 0.5ms
///   edges:
///     - { from: frontend, to: orders, latency: 2ms }   # from/to: a service or gateway name, or "*"
/// mesh:
///   sidecars: true
///   proxyLatency: 0.1ms            # distribution
///   defaults: &lt;policy&gt;
///   destinations:
///     payments: &lt;policy&gt;         # sections given replace those of mesh.defaults; the others come from it
///   security:                      # emulated mTLS and authorization, enforced by destination sidecars
///     mtls: permissive             # permissive | strict | disable (mesh-wide)
///     mtlsByService: { payments: strict }
///     policies:
///       - name: payments-callers   # optional
///         to: payments             # absent: every service
///         action: allow            # allow | deny
///         rules:                   # none: the policy matches nothing
///           - from: [orders]       # service/gateway names, identities, 'prefix*', '*suffix', '*'; absent: anyone
///             paths: [/pay*]       # exact, 'prefix*', '*suffix', '*'; absent: any path
/// services:
///   - name: frontend               # required
///     replicas: 3
///     workers: 64
///     queue: 1024
///     serviceTime: 1ms             # distribution
///     errors: { rate: 30%, status: 503 }   # rate required; status default 500
///     responseSize: 1 KB           # size
///     version: v1
///     entrypoint: true
///     sidecar: false               # this service's pods without a sidecar; default: mesh.sidecars
///     script:                      # each step has exactly one of call, sleep, parallel
///       - call: orders             # or call: { service: orders, path: /x, probability: 50%, size: 2 KB }
///       - sleep: 5ms               # distribution
///       - parallel: [inventory, { service: pricing, probability: 0.5 }]
///     instances:
///       - { index: 0, errors: { rate: 0.3, status: 503 }, serviceTime: 5ms }
///     sidecars:                    # besides the proxy; each: a mapping of options, on (defaults) or off (none, the default)
///       logCollector: { bufferSize: 1024, batchSize: 100, flushInterval: 1s, restartDelay: 1s, sampleRate: 100% }
///       configSync: { applyDelay: 0s }
///     settings: { pageSize: 50, newCheckout: off }   # the app's local settings (text values), version 1
/// gateways:                        # none: an implicit gateway 'edge' routes to the entrypoints
///   - name: edge
///     clientLatency: 40ms          # distribution, one way
///     auth: { issuer: https://login.example.com, audience: mobile, required: true }   # off, none or null: off (default)
///     routes:                      # longest prefix wins; for one prefix a route with a method wins over one without
///       - { prefix: /, service: frontend }
///       - prefix: /dashboard
///         method: GET              # default: any method
///         aggregate:               # instead of service: fan out in parallel and merge
///           - users                # or { service: users, path: /me, timeout: 200ms }
///         onBackendFailure: partial   # partial (200, degraded) | fail (502, 504 on a timeout)
///         rateLimit: { requestsPerSecond: 10, burst: 20, perClient: true, maxClients: 10000 }   # off: none
///         cache: { ttl: 5s, maxEntries: 10000, perClient: false }                            # off: none
/// load:
///   mode: open                     # open | closed
///   rps: 2000                      # open loop
///   arrival: constant              # constant | poisson
///   users: 50                      # closed loop
///   thinkTime: 10ms                # distribution
///   duration: 10s
///   warmup: 1s
///   drain: 5s
///   clientTimeout: 30s
///   maxOutstanding: 10000
///   gateway: edge
///   badTokenShare: 5%              # ratio of requests with a bad bearer token
///   clients: 20                    # distinct client ids (token subjects)
///   requests:                      # each: a path, or a journey's sequence of paths
///     - { name: home, path: /, method: GET, gateway: edge, weight: 1 }
///     - { name: journey, sequence: [/users, /orders], weight: 1 }
/// </code>
/// <para>
/// A <c>&lt;policy&gt;</c> (a <see cref="TrafficPolicy"/>); each section given is built from its
/// record's defaults, so fields left out keep those defaults:
/// </para>
/// <code>
/// timeout: 15s                     # 0s disables
/// retries:
///   attempts: 2
///   retryOn: 5xx,gateway-error     # or a list: [5xx, reset]; "none" for none
///   retriableStatusCodes: [503]
///   perTryTimeout: 500ms
///   backoff: { base: 25ms, max: 250ms }
///   budget: { percent: 20, minRetryConcurrency: 3 }   # or none: connectionPool.maxRetries applies
/// connectionPool: { maxRequests: 1024, maxPendingRequests: 1024, maxRetries: 3 }
/// circuitBreaker:                  # present: on; off, none or null: off
///   mode: failure-ratio            # failure-ratio | consecutive-failures
///   consecutiveFailures: 7
///   failureRatio: 10%
///   minimumThroughput: 100
///   samplingDuration: 30s
///   breakDuration: 5s
///   halfOpenProbes: 1
/// outlierDetection:                # present: on; off, none or null: off
///   consecutive5xxErrors: 5
///   interval: 10s
///   baseEjectionTime: 30s
///   maxEjectionTime: 300s
///   maxEjectionPercent: 10
///   panicThresholdPercent: 50
/// loadBalancer: least-request      # least-request | round-robin | random
/// </code>
/// <para>Value syntaxes:</para>
/// <list type="bullet">
/// <item><description>Duration: Go style with a unit: <c>100ns</c>, <c>500us</c> (or <c>µs</c>), <c>10ms</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>, <c>1m30s</c>. A bare number is an error, except <c>0</c>.</description></item>
/// <item><description>Distribution (milliseconds): a duration or a bare number of ms is a constant; or a mapping:
/// <c>{ type: constant, value }</c>, <c>{ type: uniform, min, max }</c>, <c>{ type: normal, mean, stddev }</c>,
/// <c>{ type: lognormal, median, sigma }</c>, <c>{ type: exponential, mean }</c>, <c>{ type: pareto, scale, shape }</c>.
/// <c>sigma</c> and <c>shape</c> are plain numbers; the other parameters are durations (or numbers of ms).</description></item>
/// <item><description>Size (bytes, binary multiples as go-units): <c>512</c>, <c>1 KB</c> = <c>1K</c> = <c>1KiB</c> = 1024, <c>2MB</c> = 2 × 1024².</description></item>
/// <item><description>Ratio (<c>errors.rate</c>, <c>probability</c>, <c>failureRatio</c>): <c>30%</c> or a number from 0 to 1.</description></item>
/// <item><description>Percentage (<c>budget.percent</c>, <c>maxEjectionPercent</c>, <c>panicThresholdPercent</c>): <c>20</c> or <c>20%</c>.</description></item>
/// <item><description>Names of choices: kebab case as shown, any case.</description></item>
/// </list>
/// </remarks>
public static class TopologyFile
{
    /// <summary>Reads and validates the topology file at <paramref name="path"/>; a missing or unreadable file is one problem naming it.</summary>
    public static TopologyLoadResult Load(string path)
    {
        var (yaml, problem) = YamlInput.ReadFile(path);
        return yaml is null ? Failed(problem!) : Parse(yaml, path);
    }

    /// <summary>Reads and validates a topology from <paramref name="yaml"/>; <paramref name="fileName"/> names it in problems.</summary>
    public static TopologyLoadResult Parse(string yaml, string fileName)
    {
        try
        {
            return Read(yaml, fileName);
        }
        catch (Exception e)
        {
            // A bug in the reader must still come out as a problem, never as a stack trace.
            return Failed(new TopologyProblem(fileName, "", 0, 0, $"internal error while reading the topology: {e.GetType().Name}: {e.Message}"));
        }
    }

    private static TopologyLoadResult Read(string yaml, string fileName)
    {
        var (stream, problem) = YamlInput.Parse(yaml, fileName);
        if (stream is null) return Failed(problem!);

        if (IsotopeFormat.Recognises(stream))
        {
            var isotope = new IsotopeReader(fileName);
            return Validated(isotope.Read(stream), isotope.Problems, isotope.Reported, isotope.Locate, isotope.DisplayPath, fileName);
        }
        var reader = new TopologyReader(fileName);
        return Validated(reader.Read(stream), reader.Problems, path => reader.Reported(path) || reader.Inherited(path), reader.Locate, path => path, fileName);
    }

    /// <summary>
    /// Normalizes and validates what a reader read, and merges the validator's problems with the
    /// reader's: located through the reader, named with the file's paths, in file order.
    /// </summary>
    private static TopologyLoadResult Validated(MeshTopology? topology, IReadOnlyList<TopologyProblem> readProblems,
        Func<string, bool> reported, Func<string, (int Line, int Column)> locate, Func<string, string> displayPath, string fileName)
    {
        var problems = new List<TopologyProblem>(readProblems);
        MeshTopology? normalized = null;
        if (topology is not null)
        {
            normalized = topology.Normalized();
            foreach (var error in TopologyValidator.Validate(normalized))
            {
                // A value already reported was replaced by a stand-in; an implicit gateway only echoes the services' problems;
                // a destination's section inherited from mesh.defaults repeats the defaults' problem.
                if (reported(error.Path) || topology.Gateways.IsEmpty && error.Path.StartsWith("gateways", StringComparison.Ordinal)) continue;
                var (line, column) = locate(error.Path);
                problems.Add(new TopologyProblem(fileName, displayPath(error.Path), line, column, error.Message));
            }
        }

        var ordered = problems.Distinct().OrderBy(p => p.Line == 0).ThenBy(p => p.Line).ThenBy(p => p.Column).ToList();
        return new TopologyLoadResult(ordered.Count == 0 ? normalized : null, ordered);
    }

    private static TopologyLoadResult Failed(TopologyProblem problem) => new(null, [problem]);
}
