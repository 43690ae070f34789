using ActorMesh.DataPlane.Logs;
using ActorMesh.DataPlane.Settings;

namespace ActorMesh.Topology;

/// <summary>A service: its instances, how each handles a request, and whom it calls.</summary>
public sealed record ServiceSpec
{
    /// <summary>Service name, unique in the topology.</summary>
    public required string Name { get; init; }

    /// <summary>Number of instances (pods). Default 1.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The zones its pods run in, in turn (pod i in zone i mod n); empty (the default) spreads them over every zone of <see cref="MeshTopology.Zones"/>.</summary>
    public ImmutableArray<string> Zones { get; init; } = [];

    /// <summary>Requests one instance handles at once (its worker threads). A worker is held until the whole script is done. Default 64.</summary>
    public int Workers { get; init; } = 64;

    /// <summary>Requests waiting for a worker, per instance; a full queue rejects with 503 (flag OL). Default 1024.</summary>
    public int QueueCapacity { get; init; } = 1024;

    /// <summary>Time an instance computes before running its script. Default zero.</summary>
    public Distribution ServiceTime { get; init; } = Distribution.Zero;

    /// <summary>Injected errors: a share of requests answered with a status after the compute step. Default none.</summary>
    public ErrorInjection Errors { get; init; } = ErrorInjection.None;

    /// <summary>Downstream calls and sleeps run after the compute step, in order. Default none.</summary>
    public ImmutableArray<ScriptStep> Script { get; init; } = [];

    /// <summary>Response size in bytes. Default 1024.</summary>
    public int ResponseBytes { get; init; } = 1024;

    /// <summary>Version label of the deployed instances. Default "v1".</summary>
    public string Version { get; init; } = "v1";

    /// <summary>True when clients (the load generator, through a gateway) call this service. Used by isotope graphs and the implicit gateway. Default false.</summary>
    public bool IsEntrypoint { get; init; }

    /// <summary>
    /// Whether the service's pods run a sidecar proxy (Istio's per-workload injection); null (the default)
    /// follows <see cref="MeshSpec.Sidecars"/>. Without one the app calls endpoints with a plain client
    /// (plaintext: no identity, no policies) and receives requests itself (nothing enforces security on it).
    /// </summary>
    public bool? Sidecar { get; init; }

    /// <summary>Settings that differ for single instances (by index), e.g. one failing replica. Default none.</summary>
    public ImmutableArray<InstanceOverride> Instances { get; init; } = [];

    /// <summary>The log-collector sidecar each instance runs beside the app; null (the default) means none, and the app logs nothing.</summary>
    public LogCollectorOptions? LogCollector { get; init; }

    /// <summary>The config-sync sidecar each instance runs beside the app; null (the default) means none, so settings changes never reach running instances.</summary>
    public ConfigSyncOptions? ConfigSync { get; init; }

    /// <summary>The app's local settings as the topology starts them. Default none.</summary>
    public AppSettings Settings { get; init; } = AppSettings.None;

    /// <summary>Time a new instance takes from start to ready (passing its readiness check). Default zero.</summary>
    public Distribution StartupTime { get; init; } = Distribution.Zero;

    /// <summary>True when instances of this version never pass their readiness check (a broken release): a rollout to it fails and is rolled back.</summary>
    public bool FailsHealthCheck { get; init; }

    /// <summary>Data stores this service owns (its database); another service reading or writing one is an ownership violation. Default none.</summary>
    public ImmutableArray<string> Stores { get; init; } = [];

    /// <summary>
    /// Modules inside this service (a modular monolith): a <see cref="ModuleStep"/> calls one in-process,
    /// with no network, sidecar or serialization, at the module's own small cost. Default none.
    /// </summary>
    public ImmutableArray<ModuleSpec> Modules { get; init; } = [];

    /// <summary>The module named <paramref name="name"/>, or null.</summary>
    public ModuleSpec? Module(string name)
    {
        foreach (var m in Modules) if (m.Name == name) return m;
        return null;
    }

    /// <summary>The service time of instance <paramref name="index"/>.</summary>
    public Distribution ServiceTimeOf(int index)
    {
        foreach (var o in Instances) if (o.Index == index && o.ServiceTime is { } d) return d;
        return ServiceTime;
    }

    /// <summary>The injected errors of instance <paramref name="index"/>.</summary>
    public ErrorInjection ErrorsOf(int index)
    {
        foreach (var o in Instances) if (o.Index == index && o.Errors is { } e) return e;
        return Errors;
    }
}

/// <summary>A share of requests answered with an error status.</summary>
/// <param name="Rate">Share of requests, 0..1.</param>
/// <param name="Status">Status code returned, default 500.</param>
public sealed record ErrorInjection(double Rate, int Status = 500)
{
    /// <summary>No errors.</summary>
    public static readonly ErrorInjection None = new(0);
}

/// <summary>Settings for one instance of a service that differ from the service's.</summary>
public sealed record InstanceOverride
{
    /// <summary>Instance index, 0-based.</summary>
    public required int Index { get; init; }
    /// <summary>Service time of this instance, or null to keep the service's.</summary>
    public Distribution? ServiceTime { get; init; }
    /// <summary>Injected errors of this instance, or null to keep the service's.</summary>
    public ErrorInjection? Errors { get; init; }
}

/// <summary>One step of a service's script.</summary>
public abstract record ScriptStep;

/// <summary>Wait (compute or sleep) for a sampled time.</summary>
public sealed record SleepStep(Distribution Duration) : ScriptStep;

/// <summary>Call one service and wait for its answer; a failed call fails the request (500), unless it is optional or has a fallback.</summary>
public sealed record CallStep(ServiceCall Call) : ScriptStep;

/// <summary>Call several services at once and wait for all; a failed call fails the request (500) once all have answered, unless it is optional or has a fallback.</summary>
public sealed record ParallelStep(ImmutableArray<ServiceCall> Calls) : ScriptStep;

/// <summary>Call a module of the same service in-process: its cost, then its own script.</summary>
public sealed record ModuleStep(string Module) : ScriptStep;

/// <summary>
/// Read or write a data store, waiting <see cref="Latency"/>. A write commits this service's part of
/// the request: if the request fails afterwards, it is a partial failure (no distributed transaction).
/// </summary>
public sealed record StoreStep(string Store, bool Write, Distribution Latency) : ScriptStep
{
    /// <summary>A data store round trip by default: 0.5 ms.</summary>
    public static readonly Distribution DefaultLatency = Distribution.Constant(0.5);
}

/// <summary>A module of a modular monolith: called in-process by its service's script or other modules.</summary>
public sealed record ModuleSpec
{
    /// <summary>An in-process call's cost by default: 100 ns.</summary>
    public static readonly Distribution DefaultCost = Distribution.Constant(0.0001);

    /// <summary>Module name, unique within its service.</summary>
    public required string Name { get; init; }

    /// <summary>Time the module computes when called. Default 100 ns (an in-process call).</summary>
    public Distribution ServiceTime { get; init; } = DefaultCost;

    /// <summary>Injected errors: a share of calls that fail (and so fail the request). Default none.</summary>
    public ErrorInjection Errors { get; init; } = ErrorInjection.None;

    /// <summary>What the module does after computing: other modules, services, stores, sleeps.</summary>
    public ImmutableArray<ScriptStep> Script { get; init; } = [];
}

/// <summary>A call to another service.</summary>
public sealed record ServiceCall
{
    /// <summary>The service called.</summary>
    public required string Service { get; init; }
    /// <summary>Request path. Default "/".</summary>
    public string Path { get; init; } = "/";
    /// <summary>Probability the call is made at all, 0..1. Default 1.</summary>
    public double Probability { get; init; } = 1;
    /// <summary>Request size in bytes. Default 1024.</summary>
    public int RequestBytes { get; init; } = 1024;
    /// <summary>
    /// True: when the call fails, the request goes on without it and its answer is marked degraded
    /// (flag DG) rather than failing. With a cache <see cref="Fallback"/>, what happens when the cache
    /// has nothing fresh. Default false: a failed call fails the request.
    /// </summary>
    public bool Optional { get; init; }
    /// <summary>What stands in for the call's answer when it fails; the request goes on, marked degraded (flag DG). Default none.</summary>
    public CallFallback? Fallback { get; init; }

    internal static CallStep Step(string service, double probability, string path, int requestBytes, bool optional, CallFallback? fallback) =>
        new(new ServiceCall { Service = service, Probability = probability, Path = path, RequestBytes = requestBytes, Optional = optional, Fallback = fallback });
}

/// <summary>What a fallback answers with.</summary>
public enum FallbackKind
{
    /// <summary>A default answer, always at hand (Hystrix's static fallback).</summary>
    Default,
    /// <summary>The call's last good answer, kept by each instance, while younger than the TTL (Hystrix's fallback via cache).</summary>
    Cache,
}

/// <summary>
/// What stands in for a failed call's answer, as a resilience library's fallback does (Polly's
/// Fallback strategy, Hystrix's <c>getFallback</c>): the call's step succeeds with the stand-in and the
/// request goes on, marked degraded (flag DG). A call fails when it answers an error status, times out,
/// or is refused by the mesh (an open circuit, an overflow, no healthy host).
/// </summary>
/// <param name="Kind">A default answer, or the last good cached one.</param>
/// <param name="Ttl">Cache only: how long a good answer may stand in after it arrived. A cache with nothing this fresh does not answer: the call fails, or is skipped when it is also optional.</param>
public sealed record CallFallback(FallbackKind Kind, TimeSpan Ttl = default)
{
    /// <summary>A default answer.</summary>
    public static readonly CallFallback Default = new(FallbackKind.Default);

    /// <summary>The last good answer while younger than <paramref name="ttl"/>.</summary>
    public static CallFallback Cache(TimeSpan ttl) => new(FallbackKind.Cache, ttl);

    /// <summary>Reports every problem under <paramref name="at"/> (the fallback's own path).</summary>
    public void Validate(ValidationContext at)
    {
        if (Kind == FallbackKind.Cache && Ttl == TimeSpan.Zero)
            at.Error("a cache fallback needs a ttl, how long a good answer may stand in: { type: cache, ttl: 30s }");
        if (Kind == FallbackKind.Cache && Ttl < TimeSpan.Zero) at.Error("ttl", "must be greater than zero");
        if (Kind == FallbackKind.Default && Ttl != TimeSpan.Zero) at.Error("ttl", "only a cache fallback has a ttl; a default answer never goes stale");
    }
}
