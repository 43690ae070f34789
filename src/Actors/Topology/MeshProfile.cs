namespace ActorMesh.Topology;

/// <summary>Whose defaults fill what a policy does not say (<see cref="MeshSpec.Profile"/>).</summary>
public enum MeshProfile
{
    /// <summary>Istio's: what a user of the mesh sees, the default.</summary>
    Istio,
    /// <summary>Raw Envoy's, for users who configure Envoy directly.</summary>
    Envoy,
}

/// <summary>
/// The defaults of each <see cref="MeshProfile"/>, in one place. <c>istio</c> is every options record's own
/// default (<c>new TrafficPolicy()</c>); <c>envoy</c> differs where istiod writes something other than Envoy's
/// own default:
/// <list type="bullet">
/// <item><description>route timeout 15 s (Istio: none);</description></item>
/// <item><description>circuit-breaking thresholds 1024 connections, 1024 pending, 1024 requests, 3 retries (Istio: 2^32 − 1 each);</description></item>
/// <item><description>no retries unless the policy names conditions, then 1 (<c>num_retries</c>), with no retry host
/// predicate (Istio: 2 retries on its default conditions, avoiding hosts already tried);</description></item>
/// <item><description>round robin (Istio: least request);</description></item>
/// <item><description>outlier detection, when on, with a 50 % panic threshold (Istio: <c>minHealthPercent</c> 0, no panic mode).</description></item>
/// </list>
/// The back-off, the retry budget (off) and outlier detection's other defaults are the same in both.
/// </summary>
public static class MeshProfiles
{
    private static readonly TrafficPolicy EnvoyPolicy = new()
    {
        Timeout = TrafficPolicy.EnvoyDefaultTimeout,
        Retries = new RetryOptions { Attempts = RetryConstants.EnvoyDefaultAttempts, RetryOn = RetryOn.None, AvoidPreviousHosts = false },
        Limits = ConnectionLimits.Envoy,
        LoadBalancer = LoadBalancerKind.RoundRobin,
    };

    private static readonly TrafficPolicy IstioPolicy = new();
    private static readonly OutlierDetectionOptions IstioOutlierDetection = new();
    private static readonly OutlierDetectionOptions EnvoyOutlierDetection = new() { PanicThresholdPercent = OutlierDetectionOptions.EnvoyPanicThresholdPercent };

    /// <summary>The policy of a destination that says nothing, under <paramref name="profile"/>.</summary>
    public static TrafficPolicy Policy(MeshProfile profile) => profile == MeshProfile.Envoy ? EnvoyPolicy : IstioPolicy;

    /// <summary>Outlier detection switched on without options, under <paramref name="profile"/>.</summary>
    public static OutlierDetectionOptions OutlierDetection(MeshProfile profile) => profile == MeshProfile.Envoy ? EnvoyOutlierDetection : IstioOutlierDetection;
}
