using ActorMesh.DataPlane.LoadBalancing;
using ActorMesh.DataPlane.Resilience.CircuitBreaking;

namespace ActorMesh.Tests.Topology;

/// <summary>The defaults a policy starts from: Istio's, and raw Envoy's in the <c>envoy</c> profile, each pinned with its source.</summary>
public class MeshProfileTests
{
    [Fact]
    public void A_policy_defaults_to_what_istiod_writes()
    {
        var p = new TrafficPolicy();

        // No route timeout unless a VirtualService sets one (Istio writes timeout: 0s).
        Assert.Equal(TimeSpan.Zero, p.Timeout);
        // istiod route/retry/retry.go DefaultPolicy: 2 retries, previous_hosts; no budget (Istio 1.27+ retryBudget is opt-in).
        Assert.Equal((2, true, null), (p.Retries.Attempts, p.Retries.AvoidPreviousHosts, p.Retries.Budget));
        // istiod cluster_traffic_policy.go getDefaultCircuitBreakerThresholds: math.MaxUint32 each.
        Assert.Equal(new ConnectionLimits(), p.Limits);
        Assert.Equal(uint.MaxValue, p.Limits.MaxRequests);
        // Istio's DestinationRule loadBalancer default.
        Assert.Equal(LoadBalancerKind.LeastRequest, p.LoadBalancer);
        Assert.Null(p.OutlierDetection);
        Assert.Null(p.CircuitBreaker);
        Assert.Same(MeshProfiles.Policy(MeshProfile.Istio), MeshProfiles.Policy(MeshProfile.Istio));
        Assert.Equal(p, MeshProfiles.Policy(MeshProfile.Istio));
        Assert.Equal(MeshProfile.Istio, new MeshSpec().Profile);
    }

    [Fact]
    public void The_envoy_profile_has_raw_envoys_defaults()
    {
        var p = MeshProfiles.Policy(MeshProfile.Envoy);

        // envoy/config/route/v3/route_components.proto: RouteAction.timeout 15 s; RetryPolicy.num_retries 1, no host predicate.
        Assert.Equal(TimeSpan.FromSeconds(15), p.Timeout);
        Assert.Equal((RetryOn.None, 1, false), (p.Retries.RetryOn, p.Retries.Attempts, p.Retries.AvoidPreviousHosts));
        // envoy/config/cluster/v3/circuit_breaker.proto: 1024 connections, pending, requests; 3 retries.
        Assert.Equal(ConnectionLimits.Envoy, p.Limits);
        // cluster.proto: lb_policy ROUND_ROBIN; common_lb_config.healthy_panic_threshold 50 %.
        Assert.Equal(LoadBalancerKind.RoundRobin, p.LoadBalancer);
        Assert.Equal(50, MeshProfiles.OutlierDetection(MeshProfile.Envoy).PanicThresholdPercent);
    }

    [Fact]
    public void The_builder_takes_a_profiles_defaults()
    {
        var t = MeshTopology.Create("raw").Profile(MeshProfile.Envoy).DefaultPolicy(p => p with { Timeout = TimeSpan.FromSeconds(2) }).Service("a").Build();

        Assert.Equal(MeshProfile.Envoy, t.Mesh.Profile);
        Assert.Equal(MeshProfiles.Policy(MeshProfile.Envoy) with { Timeout = TimeSpan.FromSeconds(2) }, t.Mesh.Defaults);
    }
}
