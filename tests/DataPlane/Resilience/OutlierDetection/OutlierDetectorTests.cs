using ActorMesh.DataPlane.Resilience.OutlierDetection;

namespace ActorMesh.Tests.DataPlane.Resilience.OutlierDetection;

public class OutlierDetectorTests
{
    private static readonly long Second = TimeSpan.TicksPerSecond;

    private static OutlierDetector Detector(int hosts, int consecutive = 3, double maxEjectionPercent = 100, int baseSeconds = 30, int maxSeconds = 300) =>
        new(new OutlierDetectionOptions
        {
            Consecutive5xx = consecutive,
            MaxEjectionPercent = maxEjectionPercent,
            BaseEjectionTime = TimeSpan.FromSeconds(baseSeconds),
            MaxEjectionTime = TimeSpan.FromSeconds(maxSeconds),
        }, hosts);

    /// <summary>Fails <paramref name="host"/> <paramref name="times"/> times; returns whether the last failure ejected it.</summary>
    private static bool Fail(OutlierDetector detector, int host, int times, long now)
    {
        var ejected = false;
        for (var i = 0; i < times; i++) ejected = detector.OnResult(host, isFailure: true, now);
        return ejected;
    }

    [Fact]
    public void Defaults_are_Istio_outlier_detection()
    {
        var o = new OutlierDetectionOptions();

        Assert.Equal(5, o.Consecutive5xx);
        Assert.Equal(TimeSpan.FromSeconds(10), o.Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), o.BaseEjectionTime);
        Assert.Equal(TimeSpan.FromSeconds(300), o.MaxEjectionTime);
        Assert.Equal(10, o.MaxEjectionPercent);
        // Istio sets the panic threshold to minHealthPercent, default 0: no panic mode
        // (pilot/pkg/networking/core/cluster_traffic_policy.go, applyOutlierDetection); Envoy's own is 50 %.
        Assert.Equal(0, o.PanicThresholdPercent);
        Assert.Equal(50, MeshProfiles.OutlierDetection(MeshProfile.Envoy).PanicThresholdPercent);
    }

    [Fact]
    public void Validate_reports_every_problem_with_its_field_path()
    {
        var at = new ValidationContext();
        new OutlierDetectionOptions
        {
            Consecutive5xx = 0,
            Interval = TimeSpan.Zero,
            BaseEjectionTime = TimeSpan.FromSeconds(10),
            MaxEjectionTime = TimeSpan.FromSeconds(5),
            MaxEjectionPercent = 120,
            PanicThresholdPercent = -1,
        }.Validate(at.At("outlierDetection"));

        Assert.Equal(
            ["outlierDetection.consecutive5xxErrors", "outlierDetection.interval", "outlierDetection.maxEjectionTime",
             "outlierDetection.maxEjectionPercent", "outlierDetection.panicThresholdPercent"],
            at.Errors.Select(e => e.Path));
    }

    [Fact]
    public void Host_is_ejected_after_the_configured_consecutive_failures()
    {
        var detector = Detector(hosts: 4, consecutive: 3);

        Assert.False(Fail(detector, 1, 2, 0));
        Assert.False(detector.IsEjected(1));

        Assert.True(detector.OnResult(1, isFailure: true, 0));
        Assert.True(detector.IsEjected(1));
        Assert.Equal(1, detector.EjectedCount);
        Assert.Equal(1, detector.Ejections(1));
        Assert.False(detector.IsEjected(0));
    }

    [Fact]
    public void A_success_resets_the_consecutive_count()
    {
        var detector = Detector(hosts: 4, consecutive: 3);

        Fail(detector, 2, 2, 0);
        detector.OnResult(2, isFailure: false, 0);
        Assert.False(Fail(detector, 2, 2, 0));
        Assert.False(detector.IsEjected(2));

        Assert.True(Fail(detector, 2, 1, 0));
    }

    [Fact]
    public void Failures_are_counted_per_host()
    {
        var detector = Detector(hosts: 3, consecutive: 3);

        for (var i = 0; i < 2; i++)
            for (var h = 0; h < 3; h++) detector.OnResult(h, isFailure: true, 0);

        Assert.Equal(0, detector.EjectedCount);
    }

    [Fact]
    public void Max_ejection_percent_caps_the_hosts_ejected_at_once()
    {
        var detector = Detector(hosts: 10, consecutive: 1, maxEjectionPercent: 30);

        for (var h = 0; h < 10; h++) Fail(detector, h, 1, 0);

        Assert.Equal(3, detector.EjectedCount);
        Assert.Equal([0, 1, 2], Enumerable.Range(0, 10).Where(detector.IsEjected));
    }

    [Theory]
    // Envoy 1.28+ checks the share after the ejection and makes no exception for the first (envoyproxy/envoy#27624, #27909).
    [InlineData(10, 10, 1)]
    [InlineData(9, 10, 0)] // 1 of 9 is 11 %: at Istio's 10 %, fewer than 10 hosts means no ejection at all
    [InlineData(3, 10, 0)]
    [InlineData(5, 0, 0)]
    [InlineData(3, 50, 1)] // 2 of 3 would be 67 %
    [InlineData(4, 50, 2)]
    public void Max_ejection_percent_is_always_respected_counting_the_host_about_to_be_ejected(int hosts, double maxEjectionPercent, int ejected)
    {
        var detector = Detector(hosts, consecutive: 1, maxEjectionPercent: maxEjectionPercent);

        for (var h = 0; h < hosts; h++) Fail(detector, h, 1, 0);

        Assert.Equal(ejected, detector.EjectedCount);
    }

    [Fact]
    public void A_host_held_back_by_the_cap_is_ejected_once_there_is_room()
    {
        var detector = Detector(hosts: 2, consecutive: 2, maxEjectionPercent: 50, baseSeconds: 30);
        Fail(detector, 0, 2, 0);
        Assert.False(Fail(detector, 1, 2, 0));

        Assert.Equal(1, detector.OnInterval(30 * Second));
        Assert.True(Fail(detector, 1, 1, 30 * Second), "still failing, and now there is room");
    }

    [Fact]
    public void Ejected_host_returns_on_the_interval_tick_once_its_time_is_up()
    {
        var detector = Detector(hosts: 4, consecutive: 1, baseSeconds: 30);
        Fail(detector, 0, 1, 5 * Second);

        Assert.Equal(0, detector.OnInterval(15 * Second));
        Assert.Equal(0, detector.OnInterval(35 * Second - 1));
        Assert.True(detector.IsEjected(0));

        Assert.Equal(1, detector.OnInterval(35 * Second));
        Assert.False(detector.IsEjected(0));
        Assert.Equal(0, detector.EjectedCount);
    }

    [Fact]
    public void A_host_stays_ejected_past_its_time_until_the_next_interval_tick()
    {
        var detector = Detector(hosts: 4, consecutive: 1, baseSeconds: 30);
        Fail(detector, 0, 1, 0);

        // No tick, no return: time alone does not bring a host back.
        Assert.True(detector.IsEjected(0));
        Assert.False(detector.OnResult(0, isFailure: false, 40 * Second));
        Assert.True(detector.IsEjected(0));
    }

    [Fact]
    public void Ejection_time_grows_with_the_number_of_ejections()
    {
        var detector = Detector(hosts: 4, consecutive: 1, baseSeconds: 30, maxSeconds: 300);
        var now = 0L;
        for (var n = 1; n <= 4; n++)
        {
            Assert.True(Fail(detector, 0, 1, now));
            Assert.Equal(n, detector.Ejections(0));
            Assert.Equal(0, detector.OnInterval(now + n * 30 * Second - 1));
            Assert.Equal(1, detector.OnInterval(now + n * 30 * Second));
            now += n * 30 * Second;
        }
    }

    [Fact]
    public void Ejection_time_is_capped_at_the_maximum()
    {
        var detector = Detector(hosts: 4, consecutive: 1, baseSeconds: 30, maxSeconds: 50);

        Fail(detector, 0, 1, 0);
        Assert.Equal(1, detector.OnInterval(30 * Second));
        Fail(detector, 0, 1, 30 * Second);   // 2 × 30 s = 60 s, capped at 50 s

        Assert.Equal(0, detector.OnInterval(80 * Second - 1));
        Assert.Equal(1, detector.OnInterval(80 * Second));
    }

    [Fact]
    public void The_ejection_count_decays_while_a_returned_host_stays_healthy()
    {
        var detector = Detector(hosts: 4, consecutive: 1, baseSeconds: 30);
        Fail(detector, 0, 1, 0);
        Assert.Equal(1, detector.OnInterval(30 * Second));
        Fail(detector, 0, 1, 30 * Second);
        Assert.Equal(1, detector.OnInterval(90 * Second));
        Assert.Equal(2, detector.Ejections(0));

        detector.OnInterval(100 * Second);
        Assert.Equal(2, detector.Ejections(0));
        detector.OnInterval(120 * Second);        // healthy for one base ejection time
        Assert.Equal(1, detector.Ejections(0));
        detector.OnInterval(130 * Second);
        Assert.Equal(1, detector.Ejections(0));
        detector.OnInterval(150 * Second);
        Assert.Equal(0, detector.Ejections(0));

        Fail(detector, 0, 1, 150 * Second);       // back to the base ejection time
        Assert.Equal(1, detector.OnInterval(180 * Second));
    }

    [Fact]
    public void Remap_keeps_the_state_of_hosts_that_remain_and_starts_new_hosts_fresh()
    {
        var detector = Detector(hosts: 3, consecutive: 2, baseSeconds: 30);
        Fail(detector, 0, 2, 0);            // ejected
        Fail(detector, 2, 1, 0);            // one failure towards ejection

        // New list: old host 2, a new host, old host 0 (old host 1 is gone).
        detector.Remap([2, -1, 0]);

        Assert.Equal(3, detector.Hosts);
        Assert.Equal(1, detector.EjectedCount);
        Assert.True(detector.IsEjected(2));
        Assert.Equal(1, detector.Ejections(2));
        Assert.False(detector.IsEjected(1));
        Assert.Equal(0, detector.Ejections(1));
        Assert.True(detector.OnResult(0, isFailure: true, 10 * Second), "old host 2 kept its failure count");
        Assert.False(detector.OnResult(1, isFailure: true, 10 * Second));
        Assert.Equal(1, detector.OnInterval(30 * Second));
        Assert.False(detector.IsEjected(2), "old host 0 kept its ejection time");
    }

    [Fact]
    public void Remap_drops_ejections_of_hosts_that_left()
    {
        var detector = Detector(hosts: 3, consecutive: 1);
        Fail(detector, 1, 1, 0);

        detector.Remap([0, 2]);

        Assert.Equal(2, detector.Hosts);
        Assert.Equal(0, detector.EjectedCount);
        Assert.False(detector.IsEjected(0) || detector.IsEjected(1));
    }

    [Fact]
    public void Unknown_hosts_are_ignored()
    {
        var detector = Detector(hosts: 2, consecutive: 1);

        Assert.False(detector.OnResult(5, isFailure: true, 0));
        Assert.False(detector.OnResult(-1, isFailure: true, 0));
        Assert.False(detector.IsEjected(5));
        Assert.False(detector.IsEjected(-1));
    }

    [Fact]
    public void Only_hosts_with_something_to_remember_are_tracked()
    {
        var detector = Detector(hosts: 100_000, consecutive: 2, baseSeconds: 30);
        Assert.Equal(0, detector.Tracked);

        detector.OnResult(7, isFailure: false, 0);
        Fail(detector, 8, 1, 0);
        Assert.Equal(1, detector.Tracked);
        detector.OnResult(8, isFailure: false, 0);
        Assert.Equal(0, detector.Tracked);

        Fail(detector, 9, 2, 0);                    // ejected: remembered until its ejection has decayed
        Assert.Equal(1, detector.OnInterval(30 * Second));
        Assert.Equal(1, detector.Tracked);
        Assert.Equal(0, detector.OnInterval(60 * Second));
        Assert.Equal(0, detector.Ejections(9));
        Assert.Equal(0, detector.Tracked);
    }
}
