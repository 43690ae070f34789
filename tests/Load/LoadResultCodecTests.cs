using ActorMesh.Load;

namespace ActorMesh.Tests.Load;

/// <summary>
/// A zone's load result crosses nodes once, at the end of a run, and is merged with the other zones':
/// what it counted and the shape of its latencies must survive both.
/// </summary>
public class LoadResultCodecTests
{
    private static LoadResult Measured(long ok, long slowMicros)
    {
        var result = new LoadResult { StartedAt = 1_000, MeasuredSeconds = 2, LateAnswers = 1 };
        var kind = new RequestKindResult("/", 1, "ingress");
        result.Kinds.Add(kind);
        result.Measured.Sent = ok + 3;
        result.Measured.Ok = ok;
        result.Measured.Failed = 1;
        result.Measured.FailedBy[503] = 1;
        result.Measured.Rejected = 1;
        result.Measured.RejectedBy[(int)RejectReason.ClientBound] = 1;
        result.Measured.InFlight = 1;
        kind.Measured.Add(result.Measured);
        for (var i = 0; i < ok; i++)
        {
            var micros = i % 100 == 0 ? slowMicros : 1_000 + i % 7;
            result.Latency.RecordValue(micros);
            kind.Latency.RecordValue(micros);
        }
        result.Retries.Record(0);
        result.Retries.Record(2);
        result.Timeline.Add(new SecondBucket { Sent = ok + 3, Ok = ok, Retries = 2, MeshSampled = true });
        result.Timeline[0].RecordOk(1_000);
        result.CallGraph.Observe(0b101, RequestOutcome.Ok, committed: false);
        return result;
    }

    [Fact]
    public void A_result_reads_back_with_its_counts_and_the_shape_of_its_latencies()
    {
        var sent = Measured(ok: 1_000, slowMicros: 50_000);

        var read = LoadResultCodec.Read(LoadResultCodec.Write(sent));

        Assert.Equal((sent.Measured.Sent, sent.Measured.Ok, 1L, 1L, 1L), (read.Measured.Sent, read.Measured.Ok, read.Measured.Failed, read.Measured.Rejected, read.Measured.InFlight));
        Assert.True(read.Measured.AddsUp);
        Assert.Equal(1, read.Measured.FailedBy[503]);
        Assert.Equal(1, read.Measured.RejectedBy[(int)RejectReason.ClientBound]);
        Assert.Equal(sent.Latency.TotalCount, read.Latency.TotalCount);
        Assert.Equal(sent.Latency.GetValueAtPercentile(50), read.Latency.GetValueAtPercentile(50));
        Assert.Equal(sent.Latency.GetValueAtPercentile(99.9), read.Latency.GetValueAtPercentile(99.9));
        Assert.NotEqual(read.Latency.GetValueAtPercentile(50), read.Latency.GetValueAtPercentile(99.9));
        Assert.Equal(("/", 1, "ingress"), (read.Kinds[0].Name, read.Kinds[0].Steps, read.Kinds[0].Gateway));
        Assert.Equal(sent.Kinds[0].Latency.GetValueAtPercentile(99.9), read.Kinds[0].Latency.GetValueAtPercentile(99.9));
        Assert.Equal((2L, 2, 2L), (read.Retries.Requests, read.Retries.Max, read.Retries.Sum));
        Assert.Equal((1L, 2L, true), (read.Timeline[0].Latency!.TotalCount, read.Timeline[0].Retries, read.Timeline[0].MeshSampled));
        Assert.Equal((1L, 1L, 1L), (read.CallGraph.Requests, read.CallGraph.Reached[2], read.CallGraph.ReachedTogether[2]));
        Assert.Equal((1_000L, 2.0, 1L), (read.StartedAt, read.MeasuredSeconds, read.LateAnswers));
    }

    [Fact]
    public void The_call_graph_travels_as_its_used_entries_only()
    {
        var sent = Measured(ok: 10, slowMicros: 50_000);
        sent.CallGraph.Observe(0b1110, RequestOutcome.Ok, committed: false);
        sent.CallGraph.Observe(1UL << 63 | 1, RequestOutcome.Failed, committed: true);
        sent.CallGraph.ReachedTogether[63] = 5_000_000_000; // the last of the first row, a value past 32 bits

        var bytes = LoadResultCodec.Write(sent);
        var read = LoadResultCodec.Read(bytes);

        Assert.Equal(sent.CallGraph.Reached, read.CallGraph.Reached);
        Assert.Equal(sent.CallGraph.ReachedTogether, read.CallGraph.ReachedTogether);
        Assert.Equal((sent.CallGraph.Requests, sent.CallGraph.PartialFailures), (read.CallGraph.Requests, read.CallGraph.PartialFailures));
        Assert.Equal(sent.Measured.RejectedBy, read.Measured.RejectedBy);
        // The 64 × 64 pair table alone is 32 KB dense; this whole result, a few used entries, is far below 1 KB.
        Assert.True(bytes.Length < 1_024, $"{bytes.Length:N0} bytes");
    }

    [Fact]
    public void An_empty_result_reads_back_empty()
    {
        var read = LoadResultCodec.Read(LoadResultCodec.Write(new LoadResult()));

        Assert.All(read.CallGraph.ReachedTogether, n => Assert.Equal(0, n));
        Assert.Equal(0, read.Measured.Sent);
        Assert.Empty(read.Kinds);
    }

    [Fact]
    public void Merged_results_add_up_as_one_load()
    {
        var a = Measured(ok: 100, slowMicros: 50_000);
        var b = Measured(ok: 300, slowMicros: 90_000);
        b.StartedAt = 900;
        b.MeasuredSeconds = 2.1;
        b.Timeline.Add(new SecondBucket { Sent = 5, Ok = 5 });

        a.Add(b);

        Assert.Equal(406, a.Measured.Sent);
        Assert.True(a.Measured.AddsUp);
        Assert.Equal(2, a.Measured.FailedBy[503]);
        Assert.Equal(400, a.Latency.TotalCount);
        Assert.Equal(90_000, a.Latency.GetValueAtPercentile(100), 90_000 / 100.0);
        Assert.Equal(406, a.Kinds[0].Measured.Sent);
        Assert.Equal((900L, 2.1), (a.StartedAt, a.MeasuredSeconds));
        Assert.Equal([406L, 5L], a.Timeline.Select(s => s.Sent));
        Assert.Equal(4, a.Retries.Requests);
        Assert.Equal(2, a.CallGraph.Requests);
    }
}
