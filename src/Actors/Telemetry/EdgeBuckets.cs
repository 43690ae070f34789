using System.Numerics;

namespace ActorMesh.Telemetry;

/// <summary>
/// Istio's default histogram buckets, and the bucket of a value found without a search: the bounds
/// grow by a factor of at least 2, so each power-of-two octave holds at most one of them, and a value's
/// bucket is its octave's first candidate or the next one (one <see cref="BitOperations.Log2(ulong)"/>,
/// one table read, one comparison).
/// </summary>
internal sealed class EdgeBuckets
{
    /// <summary>Istio's buckets of <c>istio_request_duration_milliseconds</c> (upper bounds, ms; +Inf follows).</summary>
    public static readonly double[] DurationBoundsMs = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

    /// <summary>Istio's buckets of <c>istio_request_bytes</c> and <c>istio_response_bytes</c> (upper bounds; +Inf follows).</summary>
    public static readonly double[] ByteBounds = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

    /// <summary>Durations, in ticks (100 ns).</summary>
    public static readonly EdgeBuckets Duration = new([.. DurationBoundsMs.Select(ms => (long)Math.Round(ms * TimeSpan.TicksPerMillisecond))]);

    /// <summary>Sizes, in bytes.</summary>
    public static readonly EdgeBuckets Size = new([.. ByteBounds.Select(b => (long)b)]);

    private readonly long[] _bounds;     // then long.MaxValue: +Inf
    private readonly byte[] _byOctave = new byte[64];

    /// <summary>Buckets with these upper bounds (Prometheus's <c>le</c>: a value v is in the first bucket whose bound is ≥ v).</summary>
    /// <exception cref="ArgumentException">A bound is not positive, or not at least twice the one before.</exception>
    public EdgeBuckets(long[] bounds)
    {
        for (var i = 0; i < bounds.Length; i++)
            if (bounds[i] <= 0 || i > 0 && bounds[i] < 2 * bounds[i - 1])
                throw new ArgumentException($"bound {i} ({bounds[i]}) must be positive and at least twice the one before: one octave may hold one bound only", nameof(bounds));
        _bounds = [.. bounds, long.MaxValue];
        for (var octave = 0; octave < 64; octave++)
        {
            // The first bound a value of this octave (≥ 2^octave) can be at or below.
            var low = octave == 63 ? ulong.MaxValue : 1UL << octave;
            var i = 0;
            while (i < bounds.Length && (ulong)bounds[i] < low) i++;
            _byOctave[octave] = (byte)i;
        }
    }

    /// <summary>Buckets, +Inf included.</summary>
    public int Count => _bounds.Length;

    /// <summary>The bucket of <paramref name="value"/> (a negative value counts as zero).</summary>
    public int Of(long value)
    {
        if (value < 0) value = 0;
        int i = _byOctave[BitOperations.Log2((ulong)value)];
        return value > _bounds[i] ? i + 1 : i;
    }
}

/// <summary>
/// Durations in log-linear buckets, for percentiles: below 16 ticks one bucket per tick, then 16 per
/// power of two, so a bucket is at most 1/16 of its lower bound wide and a percentile read at its middle
/// is within 3.2 %. The bucket comes from bit operations, no search. Up to about 1.9 h (2^36 ticks); longer ones count there.
/// </summary>
internal static class EdgeDurations
{
    private const int SubBits = 4, Sub = 1 << SubBits;

    /// <summary>The longest duration told apart, in ticks.</summary>
    public const long MaxTicks = (1L << 36) - 1;

    /// <summary>Buckets a histogram has.</summary>
    public static readonly int Buckets = Index(MaxTicks) + 1;

    /// <summary>The bucket of <paramref name="ticks"/>.</summary>
    public static int Index(long ticks)
    {
        if (ticks < Sub) return ticks < 0 ? 0 : (int)ticks;
        if (ticks > MaxTicks) ticks = MaxTicks;
        var octave = BitOperations.Log2((ulong)ticks);
        return ((octave - SubBits + 1) << SubBits) + (int)((ticks >> (octave - SubBits)) & (Sub - 1));
    }

    /// <summary>The lowest duration of bucket <paramref name="index"/>, and its width, in ticks.</summary>
    public static (long Low, long Width) Range(int index)
    {
        if (index < Sub) return (index, 1);
        var octave = (index >> SubBits) + SubBits - 1;
        var width = 1L << (octave - SubBits);
        return ((Sub + (index & (Sub - 1))) * width, width);
    }

    /// <summary>The duration at quantile <paramref name="q"/> (0–1) of <paramref name="counts"/>, in ms, read at its bucket's middle; 0 when empty.</summary>
    public static double QuantileMs(long[] counts, double q)
    {
        long total = 0;
        foreach (var c in counts) total += c;
        if (total == 0) return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen < rank) continue;
            var (low, width) = Range(i);
            return (low + (width - 1) / 2.0) / TimeSpan.TicksPerMillisecond;
        }
        return MaxTicks / (double)TimeSpan.TicksPerMillisecond;
    }
}
