namespace ActorMesh.Tests.Telemetry;

/// <summary>
/// Virtual-time runs and the benchmark count every mailbox's messages (<see cref="MessageCounting"/>), each thread in
/// its own slot: the total must hold every thread's count, even a thread's that has ended.
/// </summary>
public class MessageCountingTests
{
    [Fact]
    public void The_total_keeps_the_counts_of_threads_that_have_ended()
    {
        var before = MessageCounting.Total;
        var counter = new Thread(() =>
        {
            for (var i = 0; i < 1000; i++) MessageCounting.Increment();
        });
        counter.Start();
        counter.Join();

        // Other tests may count at the same time (the count is process-wide): at least this thread's.
        Assert.True(MessageCounting.Total - before >= 1000);
    }
}
