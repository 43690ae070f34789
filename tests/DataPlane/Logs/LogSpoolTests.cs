using ActorMesh.DataPlane.Logs;

namespace ActorMesh.Tests.DataPlane.Logs;

public class LogSpoolTests
{
    private static LogRecord Event(int i) => new(i, "/", 200, 10, i, 1);

    [Fact]
    public void A_full_buffer_drops_the_new_event_and_counts_it()
    {
        var spool = new LogSpool(3);

        var waiting = Enumerable.Range(0, 5).Select(i => spool.Append(Event(i))).ToArray();

        Assert.Equal([1, 2, 3, -1, -1], waiting);
        Assert.Equal(new LogCounts(Emitted: 5, Shipped: 0, Dropped: 2, Buffered: 3, Peak: 3, Capacity: 3), spool.Counts());
    }

    [Fact]
    public void A_peeked_batch_stays_buffered_until_it_is_committed()
    {
        var spool = new LogSpool(10);
        for (var i = 0; i < 4; i++) spool.Append(Event(i));
        var batch = new LogRecord[3];

        Assert.Equal(3, spool.Peek(batch));
        Assert.Equal(4, spool.Counts().Buffered);
        Assert.Equal(3, spool.Peek(batch)); // a collector that crashed here would ship the same batch again
        spool.Commit(3);

        Assert.Equal(1, spool.Peek(batch));
        Assert.Equal(3, batch[0].At);
        Assert.Equal(new LogCounts(4, 3, 0, 1, 4, 10), spool.Counts());
    }

    [Fact]
    public void Events_keep_their_order_across_wraparound_and_growth()
    {
        var spool = new LogSpool(200);
        var batch = new LogRecord[7];
        var next = 0;
        var expected = 0;
        for (var round = 0; round < 50; round++)
        {
            for (var i = 0; i < 5 + round % 9; i++) spool.Append(Event(next++));
            var n = spool.Peek(batch);
            for (var i = 0; i < n; i++) Assert.Equal(expected++, batch[i].At);
            spool.Commit(n);
        }
        var c = spool.Counts();
        Assert.Equal(c.Emitted, c.Shipped + c.Dropped + c.Buffered);
        Assert.Equal(0, c.Dropped);
    }
}
