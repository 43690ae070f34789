using System.Runtime.InteropServices;

namespace ActorMesh.Gateway;

/// <summary>A token bucket refilled from the mesh clock: it starts full and holds at most its burst.</summary>
internal struct TokenBucket
{
    public double Tokens;
    public long Last;

    public static TokenBucket Full(double burst, long now) => new() { Tokens = burst, Last = now };

    /// <summary>Refills for the time since the last call, then takes one token if there is one.</summary>
    public bool TryTake(double perTick, double burst, long now)
    {
        Refill(perTick, burst, now);
        if (Tokens < 1) return false;
        Tokens -= 1;
        return true;
    }

    /// <summary>True when the bucket would be full at <paramref name="now"/> (so it is the same as a new one).</summary>
    public readonly bool IsFullAt(double perTick, double burst, long now) => Tokens + (now - Last) * perTick >= burst;

    private void Refill(double perTick, double burst, long now)
    {
        if (now <= Last) return;
        Tokens = Math.Min(burst, Tokens + (now - Last) * perTick);
        Last = now;
    }
}

/// <summary>
/// A route's rate limit (<see cref="RateLimitSpec"/>): one token bucket for the route, or one per
/// client id. Requests without a client id share one bucket. The per-client table is bounded: when
/// it is full, buckets that have refilled completely are dropped (they are indistinguishable from
/// new ones, so nothing is lost); at most once per full-refill period, so a full table of busy
/// clients does not cost a scan per request. A client that still does not fit shares one overflow
/// bucket with the others that did not, and is counted in <see cref="Overflowed"/>.
/// </summary>
internal sealed class RateLimiter
{
    private readonly double _perTick;
    private readonly double _burst;
    private readonly bool _perClient;
    private readonly int _maxClients;
    private readonly long _refillTicks;
    private readonly Dictionary<string, TokenBucket> _clients = new(StringComparer.Ordinal);
    private TokenBucket _shared;
    private TokenBucket _overflow;
    private long _nextPrune;

    public RateLimiter(RateLimitSpec spec, long now)
    {
        _perTick = spec.RequestsPerSecond / TimeSpan.TicksPerSecond;
        _burst = spec.EffectiveBurst;
        _perClient = spec.PerClient;
        _maxClients = spec.MaxClients;
        _refillTicks = (long)Math.Ceiling(_burst / _perTick);
        _shared = TokenBucket.Full(_burst, now);
        _overflow = TokenBucket.Full(_burst, now);
        _nextPrune = long.MinValue;
    }

    /// <summary>Per-client buckets held.</summary>
    public int Clients => _clients.Count;

    /// <summary>Requests that used the overflow bucket because the per-client table was full.</summary>
    public long Overflowed { get; private set; }

    /// <summary>Takes a token for <paramref name="client"/> (null: no client id); false means 429.</summary>
    public bool TryAcquire(string? client, long now)
    {
        if (!_perClient || client is null) return _shared.TryTake(_perTick, _burst, now);
        ref var bucket = ref CollectionsMarshal.GetValueRefOrNullRef(_clients, client);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref bucket)) return bucket.TryTake(_perTick, _burst, now);
        if (_clients.Count >= _maxClients && !Prune(now))
        {
            Overflowed++;
            return _overflow.TryTake(_perTick, _burst, now);
        }
        var fresh = TokenBucket.Full(_burst, now);
        var allowed = fresh.TryTake(_perTick, _burst, now);
        _clients[client] = fresh;
        return allowed;
    }

    /// <summary>Drops buckets that are full again; true when that made room.</summary>
    private bool Prune(long now)
    {
        if (now < _nextPrune) return false;
        List<string>? idle = null;
        foreach (var (client, bucket) in _clients)
            if (bucket.IsFullAt(_perTick, _burst, now)) (idle ??= []).Add(client);
        if (idle is not null) foreach (var client in idle) _clients.Remove(client);
        if (_clients.Count < _maxClients) return true;
        // Nobody can become full before a whole refill period has passed.
        _nextPrune = now + _refillTicks;
        return false;
    }
}
