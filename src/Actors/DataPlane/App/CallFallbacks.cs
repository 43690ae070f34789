namespace ActorMesh.DataPlane.App;

/// <summary>What a failed call of a script means for its request.</summary>
internal enum CallVerdict
{
    /// <summary>The request fails (500): the call is neither optional nor has a fallback that answers.</summary>
    Fails,
    /// <summary>The script goes on without the call (an optional call); the answer is degraded.</summary>
    Skipped,
    /// <summary>The call's fallback answered in its place; the answer is degraded.</summary>
    FellBack,
}

/// <summary>
/// The graceful degradation of one instance's calls, in the spirit of a resilience library's fallback
/// (Polly's Fallback strategy; Hystrix's <c>getFallback</c>): it decides what a failed call means (the
/// request fails, goes on without it, or takes its fallback's answer) and counts what it decided on the
/// callee's telemetry. For the calls that fall back on a cache it keeps the last good answer's time, one
/// entry per call of the service's scripts (bounded by the scripts; nothing grows per request), lost
/// with the app container as an in-process cache is.
/// </summary>
internal sealed class CallFallbacks
{
    private static readonly Dictionary<ServiceCall, int> NoSites = new(ReferenceEqualityComparer.Instance);
    // Read-only when the scripts have no call that degrades (most services): one empty table serves them all.
    private readonly Dictionary<ServiceCall, int> _sites;
    private readonly int[] _service;
    private readonly long[] _ttl;
    private readonly long[] _lastGood;
    private readonly MeshTelemetry _telemetry;

    /// <summary>The fallbacks of <paramref name="spec"/>'s calls (its own script and its modules'), counted into <paramref name="telemetry"/>.</summary>
    public CallFallbacks(ServiceSpec spec, ServiceIndex services, MeshTelemetry telemetry)
    {
        _telemetry = telemetry;
        var sites = new List<ServiceCall>();
        Collect(spec.Script, sites);
        foreach (var module in spec.Modules) Collect(module.Script, sites);
        _sites = sites.Count == 0 ? NoSites : new Dictionary<ServiceCall, int>(sites.Count, ReferenceEqualityComparer.Instance);
        _service = sites.Count == 0 ? [] : new int[sites.Count];
        _ttl = sites.Count == 0 ? [] : new long[sites.Count];
        _lastGood = sites.Count == 0 ? [] : new long[sites.Count];
        for (var i = 0; i < sites.Count; i++)
        {
            _sites[sites[i]] = i;
            _service[i] = services.Of(sites[i].Service);
            _ttl[i] = sites[i].Fallback?.Ttl.Ticks ?? 0;
            _lastGood[i] = long.MinValue;
        }
    }

    /// <summary>True when a failure of <paramref name="call"/> need not fail its request.</summary>
    public static bool Degrades(ServiceCall call) => call.Optional || call.Fallback is not null;

    /// <summary>
    /// Takes <paramref name="call"/>'s answer at <paramref name="now"/>: false when it fails the request.
    /// Sets <paramref name="degraded"/> when the call was skipped or fell back, or answered degraded itself.
    /// </summary>
    public bool Take(ServiceCall call, int status, ResponseFlags flags, long now, ref bool degraded)
    {
        if (StatusCodes.IsSuccess(status))
        {
            degraded |= (flags & ResponseFlags.Degraded) != 0;
            Answered(call, now);
            return true;
        }
        if (Failed(call, now) == CallVerdict.Fails) return false;
        degraded = true;
        return true;
    }

    /// <summary><paramref name="call"/> answered 2xx at <paramref name="now"/>: a cache fallback keeps the answer.</summary>
    public void Answered(ServiceCall call, long now)
    {
        if (call.Fallback is { Kind: FallbackKind.Cache } && _sites.TryGetValue(call, out var site)) _lastGood[site] = now;
    }

    /// <summary>What the failure of <paramref name="call"/> at <paramref name="now"/> means; a skip or a fallback is counted for the callee.</summary>
    public CallVerdict Failed(ServiceCall call, long now)
    {
        if (!Degrades(call) || !_sites.TryGetValue(call, out var site)) return CallVerdict.Fails;
        var verdict = call.Fallback switch
        {
            { Kind: FallbackKind.Default } => CallVerdict.FellBack,
            { Kind: FallbackKind.Cache } when Fresh(site, now) => CallVerdict.FellBack,
            _ => call.Optional ? CallVerdict.Skipped : CallVerdict.Fails,
        };
        if (verdict == CallVerdict.FellBack) _telemetry.For(_service[site])[ServiceCounter.FallbacksUsed]++;
        else if (verdict == CallVerdict.Skipped) _telemetry.For(_service[site])[ServiceCounter.OptionalSkipped]++;
        return verdict;
    }

    /// <summary>A good answer is cached and no older than the TTL.</summary>
    private bool Fresh(int site, long now) => _lastGood[site] != long.MinValue && now - _lastGood[site] <= _ttl[site];

    private static void Collect(ImmutableArray<ScriptStep> script, List<ServiceCall> sites)
    {
        foreach (var step in script)
        {
            if (step is CallStep { Call: var call } && Degrades(call)) sites.Add(call);
            else if (step is ParallelStep parallel)
                foreach (var c in parallel.Calls)
                    if (Degrades(c)) sites.Add(c);
        }
    }
}
