namespace ActorMesh.DataPlane.Resilience.OutlierDetection;

/// <summary>
/// Passive health checking per upstream host, as Envoy's outlier detection (Istio's
/// <c>outlierDetection</c>): a host that fails <see cref="Consecutive5xx"/> times in a row is ejected
/// from load balancing for <see cref="BaseEjectionTime"/> × its ejection count (capped at
/// <see cref="MaxEjectionTime"/>); ejected hosts return at the next interval after their time is up.
/// Off unless configured; defaults are Istio's DestinationRule <c>outlierDetection</c> ones, which are
/// Envoy's (envoy/config/cluster/v3/outlier_detection.proto), but for the panic threshold: istiod sets
/// it to <c>minHealthPercent</c>, default 0 (pilot/pkg/networking/core/cluster_traffic_policy.go,
/// <c>applyOutlierDetection</c>). The <c>envoy</c> profile keeps Envoy's 50 % (<see cref="Topology.MeshProfiles"/>).
/// </summary>
public sealed record OutlierDetectionOptions
{
    /// <summary>Consecutive 5xx (including timeouts and connect failures) that eject a host. Default 5.</summary>
    public int Consecutive5xx { get; init; } = 5;

    /// <summary>How often ejections are reviewed (returns happen on this tick). Default 10 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Ejection time for the first ejection; multiplied by the number of ejections. Default 30 s.</summary>
    public TimeSpan BaseEjectionTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Cap on one ejection. Default 300 s.</summary>
    public TimeSpan MaxEjectionTime { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Most of the destination's hosts that may be ejected at once, in percent, counting the host about to be ejected:
    /// always respected since Envoy 1.28 (no "at least one"), so at 10 % a destination of fewer than 10 hosts ejects none. Default 10.
    /// </summary>
    public double MaxEjectionPercent { get; init; } = 10;

    /// <summary>
    /// Panic threshold: when fewer than this percent of hosts are healthy, all hosts are used again. Default 0, no panic
    /// mode: Istio's <c>minHealthPercent</c> (Envoy's own <c>healthy_panic_threshold</c> is 50).
    /// </summary>
    public double PanicThresholdPercent { get; init; }

    /// <summary>Envoy's own <c>common_lb_config.healthy_panic_threshold</c>: 50 %.</summary>
    public const double EnvoyPanicThresholdPercent = 50;

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Require(Consecutive5xx >= 1, "consecutive5xxErrors", "must be at least 1");
        at.Positive("interval", Interval);
        at.Positive("baseEjectionTime", BaseEjectionTime);
        at.Require(MaxEjectionTime >= BaseEjectionTime, "maxEjectionTime", "must be at least baseEjectionTime");
        at.Require(MaxEjectionPercent is >= 0 and <= 100, "maxEjectionPercent", "must be between 0 and 100");
        at.Require(PanicThresholdPercent is >= 0 and <= 100, "panicThresholdPercent", "must be between 0 and 100");
    }
}
