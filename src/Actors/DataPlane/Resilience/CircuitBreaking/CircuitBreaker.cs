namespace ActorMesh.DataPlane.Resilience.CircuitBreaking;

/// <summary>The state of an outcome circuit breaker.</summary>
internal enum CircuitState
{
    /// <summary>Requests flow; outcomes are counted.</summary>
    Closed,
    /// <summary>Requests are rejected until the break duration has passed.</summary>
    Open,
    /// <summary>A limited number of probe requests go through; their outcome decides.</summary>
    HalfOpen,
}

/// <summary>
/// The outcome circuit breaker's state machine, one per destination in a proxy. Single-threaded
/// (owned by one actor); time is passed in, never read.
/// </summary>
internal sealed class CircuitBreaker
{
    private const int Buckets = 10;
    private readonly CircuitBreakerOptions _options;
    private readonly long _bucketTicks;
    private readonly long[] _bucketStart = new long[Buckets];
    private readonly int[] _bucketSuccesses = new int[Buckets];
    private readonly int[] _bucketFailures = new int[Buckets];
    private int _consecutiveFailures;
    private long _openUntil;
    private int _probesInFlight;

    /// <summary>A closed breaker.</summary>
    public CircuitBreaker(CircuitBreakerOptions options)
    {
        _options = options;
        _bucketTicks = Math.Max(1, options.SamplingDuration.Ticks / Buckets);
        Array.Fill(_bucketStart, long.MinValue);
    }

    /// <summary>The options it runs with.</summary>
    public CircuitBreakerOptions Options => _options;

    /// <summary>Current state (Open turns into HalfOpen lazily, on the next <see cref="TryAcquire"/> after the break).</summary>
    public CircuitState State { get; private set; } = CircuitState.Closed;

    /// <summary>Times the breaker has opened.</summary>
    public int TimesOpened { get; private set; }

    /// <summary>
    /// Asks to send a request at <paramref name="now"/>. False means rejected (open, or half-open with
    /// every probe slot taken). A true answer must be followed by <see cref="OnSuccess"/>, <see cref="OnFailure"/> or <see cref="Release"/>.
    /// </summary>
    public bool TryAcquire(long now, out bool isProbe)
    {
        isProbe = false;
        if (State == CircuitState.Closed) return true;
        if (State == CircuitState.Open)
        {
            if (now < _openUntil) return false;
            State = CircuitState.HalfOpen;
            _probesInFlight = 0;
        }
        if (_probesInFlight >= _options.HalfOpenProbes) return false;
        _probesInFlight++;
        isProbe = true;
        return true;
    }

    /// <summary>Records a success. Returns true when this closed the breaker.</summary>
    public bool OnSuccess(long now, bool isProbe)
    {
        if (isProbe)
        {
            if (State != CircuitState.HalfOpen) return false;
            Reset();
            return true;
        }
        _consecutiveFailures = 0;
        if (State == CircuitState.Closed && _options.Mode == BreakOn.FailureRatio) _bucketSuccesses[BucketIndex(now)]++;
        return false;
    }

    /// <summary>A request let through was abandoned before its outcome (cancelled): a probe's slot is free for another.</summary>
    public void Release(bool isProbe)
    {
        if (isProbe && State == CircuitState.HalfOpen && _probesInFlight > 0) _probesInFlight--;
    }

    /// <summary>Records a failure. Returns true when this opened the breaker.</summary>
    public bool OnFailure(long now, bool isProbe)
    {
        if (isProbe)
        {
            if (State != CircuitState.HalfOpen) return false;
            return Open(now);
        }
        if (State != CircuitState.Closed) return false;
        _consecutiveFailures++;
        if (_options.Mode == BreakOn.ConsecutiveFailures)
            return _consecutiveFailures >= _options.ConsecutiveFailures && Open(now);

        _bucketFailures[BucketIndex(now)]++;
        long successes = 0, failures = 0;
        var windowStart = now - _options.SamplingDuration.Ticks;
        for (var b = 0; b < Buckets; b++)
        {
            if (_bucketStart[b] <= windowStart) continue;
            successes += _bucketSuccesses[b];
            failures += _bucketFailures[b];
        }
        var total = successes + failures;
        return total >= _options.MinimumThroughput && failures >= _options.FailureRatio * total && Open(now);
    }

    private bool Open(long now)
    {
        State = CircuitState.Open;
        _openUntil = now + _options.BreakDuration.Ticks;
        _probesInFlight = 0;
        TimesOpened++;
        return true;
    }

    private void Reset()
    {
        State = CircuitState.Closed;
        _consecutiveFailures = 0;
        _probesInFlight = 0;
        Array.Fill(_bucketStart, long.MinValue);
        Array.Clear(_bucketSuccesses);
        Array.Clear(_bucketFailures);
    }

    private int BucketIndex(long now)
    {
        var slot = now / _bucketTicks;
        var index = (int)(slot % Buckets);
        if (index < 0) index += Buckets;
        var start = slot * _bucketTicks;
        if (_bucketStart[index] != start)
        {
            _bucketStart[index] = start;
            _bucketSuccesses[index] = 0;
            _bucketFailures[index] = 0;
        }
        return index;
    }
}
