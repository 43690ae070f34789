using HdrHistogram;

namespace ActorMesh.Telemetry;

/// <summary>
/// Counters and latency of one service as recorded on one thread (one telemetry shard). Plain
/// fields, no synchronisation: only the owning thread writes; reports merge all shards after the run.
/// </summary>
public sealed class ServiceTelemetry
{
    /// <summary>Histogram range: 1 µs to one hour.</summary>
    public const long HighestMicroseconds = 3_600_000_000L;

    // Inbound, reported by the destination (Istio reporter=destination).
    /// <summary>Requests that reached an instance of the service.</summary>
    public long Requests;
    /// <summary>Of those, answered with 2xx.</summary>
    public long Ok;
    /// <summary>Of those, answered with an error status.</summary>
    public long Errors;
    /// <summary>Refused unprocessed because an instance's queue was full.</summary>
    public long Overloaded;
    /// <summary>Of those, denied with 403 by the sidecar before reaching the app (plaintext to strict mTLS, or an authorization policy).</summary>
    public long Denied;
    /// <summary>Of the denied, plaintext requests to a service in strict mTLS mode.</summary>
    public long DeniedPlaintext;
    /// <summary>Of the denied, denied by an authorization policy.</summary>
    public long DeniedByPolicy;
    /// <summary>Requests the sidecar let through in plaintext (no source identity): what strict mTLS would deny.</summary>
    public long PlaintextAccepted;
    private LongHistogram? _latency;

    // Outbound, reported by the sources calling this service (Istio reporter=source).
    /// <summary>Calls made to the service (before retries).</summary>
    public long Calls;
    /// <summary>Attempts sent (first tries and retries).</summary>
    public long Attempts;
    /// <summary>Retries sent.</summary>
    public long Retries;
    /// <summary>Retriable failures not retried because the budget or max-retries limit was exhausted.</summary>
    public long RetriesOverflowed;
    /// <summary>Failures not retried because the attempts were used up.</summary>
    public long RetriesExhausted;
    /// <summary>Calls ended by the route timeout.</summary>
    public long Timeouts;
    /// <summary>Attempts ended by the per-try timeout.</summary>
    public long PerTryTimeouts;
    /// <summary>Times a source's breaker for the service opened.</summary>
    public long CircuitOpened;
    /// <summary>Times a source's breaker for the service closed again after a successful probe.</summary>
    public long CircuitClosed;
    /// <summary>Calls rejected because the breaker was open.</summary>
    public long RejectedByCircuit;
    /// <summary>Calls rejected by a resource limit (UO).</summary>
    public long Overflows;
    /// <summary>Hosts ejected by outlier detection.</summary>
    public long Ejections;
    /// <summary>Calls that found no healthy host.</summary>
    public long NoHealthyUpstream;
    /// <summary>Attempts whose endpoint was gone.</summary>
    public long ConnectFailures;
    /// <summary>Responses that arrived after their attempt had ended (timed out, reset or cancelled).</summary>
    public long LateResponses;
    /// <summary>Calls their caller gave up on before they ended (a gateway's aggregation backend past its timeout).</summary>
    public long Cancelled;

    /// <summary>In-process module calls, by (caller module, callee module); the caller -1 is the service's own script.</summary>
    public Dictionary<(int Caller, int Callee), long>? ModuleCalls;

    /// <summary>Reads and writes of data stores the service does not own, by store.</summary>
    public Dictionary<string, (long Reads, long Writes)>? ForeignStores;

    /// <summary>Calls to this service, by calling workload's index (source-reported).</summary>
    public long[]? CallsFrom;

    /// <summary>Counts an in-process call from module <paramref name="caller"/> to module <paramref name="callee"/>.</summary>
    public void RecordModuleCall(int caller, int callee)
    {
        ModuleCalls ??= [];
        ModuleCalls[(caller, callee)] = ModuleCalls.GetValueOrDefault((caller, callee)) + 1;
    }

    /// <summary>Counts an access to a store another service owns.</summary>
    public void RecordForeignStore(string store, bool write)
    {
        ForeignStores ??= new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        var (reads, writes) = ForeignStores.GetValueOrDefault(store);
        ForeignStores[store] = write ? (reads, writes + 1) : (reads + 1, writes);
    }

    /// <summary>Counts a call to this service from workload <paramref name="source"/>.</summary>
    public void RecordCallFrom(int source)
    {
        if (CallsFrom is null || source >= CallsFrom.Length) Array.Resize(ref CallsFrom, Math.Max(16, source + 8));
        CallsFrom[source]++;
    }

    /// <summary>Counts <paramref name="n"/> calls from workload <paramref name="source"/> (merging).</summary>
    public void RecordCallsFrom(int source, long n)
    {
        if (CallsFrom is null || source >= CallsFrom.Length) Array.Resize(ref CallsFrom, Math.Max(16, source + 8));
        CallsFrom[source] += n;
    }

    /// <summary>Records one inbound request's latency.</summary>
    public void RecordLatency(long ticks)
    {
        var us = ticks / 10;
        _latency ??= new LongHistogram(HighestMicroseconds, 2);
        _latency.RecordValue(us < 1 ? 1 : us > HighestMicroseconds ? HighestMicroseconds : us);
    }

    /// <summary>Adds <paramref name="other"/> into this one.</summary>
    public void Add(ServiceTelemetry other)
    {
        Requests += other.Requests; Ok += other.Ok; Errors += other.Errors; Overloaded += other.Overloaded;
        Calls += other.Calls; Attempts += other.Attempts; Retries += other.Retries;
        RetriesOverflowed += other.RetriesOverflowed; RetriesExhausted += other.RetriesExhausted;
        Timeouts += other.Timeouts; PerTryTimeouts += other.PerTryTimeouts; CircuitOpened += other.CircuitOpened; CircuitClosed += other.CircuitClosed;
        RejectedByCircuit += other.RejectedByCircuit; Overflows += other.Overflows; Ejections += other.Ejections;
        NoHealthyUpstream += other.NoHealthyUpstream; ConnectFailures += other.ConnectFailures; LateResponses += other.LateResponses;
        Cancelled += other.Cancelled;
        Denied += other.Denied; DeniedPlaintext += other.DeniedPlaintext; DeniedByPolicy += other.DeniedByPolicy;
        PlaintextAccepted += other.PlaintextAccepted;
        if (other.ModuleCalls is { } modules)
            foreach (var (key, n) in modules) { ModuleCalls ??= []; ModuleCalls[key] = ModuleCalls.GetValueOrDefault(key) + n; }
        if (other.ForeignStores is { } stores)
            foreach (var (store, (r, w)) in stores)
            {
                ForeignStores ??= new Dictionary<string, (long, long)>(StringComparer.Ordinal);
                var (reads, writes) = ForeignStores.GetValueOrDefault(store);
                ForeignStores[store] = (reads + r, writes + w);
            }
        if (other.CallsFrom is { } from)
            for (var source = 0; source < from.Length; source++)
                if (from[source] > 0) RecordCallsFrom(source, from[source]);
        if (other._latency is { } h)
        {
            _latency ??= new LongHistogram(HighestMicroseconds, 2);
            _latency.Add(h);
        }
    }

    /// <summary>Records <paramref name="count"/> latencies of <paramref name="microseconds"/> (merging a snapshot).</summary>
    public void RecordLatencyMicroseconds(long microseconds, long count)
    {
        _latency ??= new LongHistogram(HighestMicroseconds, 2);
        _latency.RecordValueWithCount(Math.Clamp(microseconds, 1, HighestMicroseconds), count);
    }

    /// <summary>Every counter, in a fixed order (for snapshots that cross nodes; <see cref="SetCounters"/> reads them back).</summary>
    public long[] Counters() =>
    [
        Requests, Ok, Errors, Overloaded, Denied, DeniedPlaintext, DeniedByPolicy, PlaintextAccepted,
        Calls, Attempts, Retries, RetriesOverflowed, RetriesExhausted, Timeouts, PerTryTimeouts, CircuitOpened, CircuitClosed,
        RejectedByCircuit, Overflows, Ejections, NoHealthyUpstream, ConnectFailures, LateResponses, Cancelled,
    ];

    /// <summary>Sets every counter from <paramref name="c"/>, in <see cref="Counters"/> order.</summary>
    public void SetCounters(long[] c)
    {
        if (c.Length != 24) throw new ArgumentException($"expected 24 counters, got {c.Length}", nameof(c));
        (Requests, Ok, Errors, Overloaded, Denied, DeniedPlaintext, DeniedByPolicy, PlaintextAccepted) = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
        (Calls, Attempts, Retries, RetriesOverflowed, RetriesExhausted, Timeouts, PerTryTimeouts, CircuitOpened, CircuitClosed) = (c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], c[16]);
        (RejectedByCircuit, Overflows, Ejections, NoHealthyUpstream, ConnectFailures, LateResponses, Cancelled) = (c[17], c[18], c[19], c[20], c[21], c[22], c[23]);
    }

    /// <summary>Latency histogram in µs (null when nothing was recorded).</summary>
    public HistogramBase? Latency => _latency;
}
