using ActorMesh.DataPlane;
using ActorMesh.DataPlane.App;
using Akka.Actor;

namespace ActorMesh.Tests.DataPlane.App;

/// <summary>An app's workers and queue, in due times: a request starts at max(its arrival, when its worker became free).</summary>
public class WorkerPoolTests
{
    private static WaitingRequest Waiting(long arrived) =>
        new(new MeshRequest(arrived, "s", "/", "c", 1, 0, TraceContext.None), ActorRefs.Nobody, arrived);

    [Fact]
    public void A_worker_that_never_worked_starts_a_request_on_arrival()
    {
        var pool = new WorkerPool(workers: 2, queueCapacity: 0);

        Assert.True(pool.TryTake(100, out var start));
        Assert.Equal(100, start);
        Assert.True(pool.TryTake(90, out start));
        Assert.Equal(90, start);
        Assert.False(pool.TryTake(110, out _));
        Assert.Equal(2, pool.Busy);
    }

    [Fact]
    public void A_request_that_arrived_before_its_worker_became_free_starts_when_it_did()
    {
        // The actor ran late: the job's end (due at 50) is handled after a request that arrived at 40.
        var pool = new WorkerPool(workers: 1, queueCapacity: 0);
        pool.TryTake(0, out _);
        Assert.False(pool.Release(50, out _, out _));

        Assert.True(pool.TryTake(40, out var start));
        Assert.Equal(50, start);
    }

    [Fact]
    public void A_request_takes_the_worker_free_the_longest_whatever_order_their_jobs_ended_in()
    {
        var pool = new WorkerPool(workers: 2, queueCapacity: 0);
        pool.TryTake(0, out _);
        pool.TryTake(0, out _);
        pool.Release(30, out _, out _);
        pool.Release(20, out _, out _); // handled second, due first

        Assert.True(pool.TryTake(25, out var start));
        Assert.Equal(25, start);
        Assert.True(pool.TryTake(25, out start));
        Assert.Equal(30, start);
    }

    [Fact]
    public void A_waiting_request_takes_the_worker_released_and_starts_at_its_due_end_or_its_arrival_if_later()
    {
        var pool = new WorkerPool(workers: 1, queueCapacity: 2);
        pool.TryTake(0, out _);
        Assert.True(pool.TryWait(Waiting(10)));
        Assert.True(pool.TryWait(Waiting(70)));
        Assert.False(pool.TryWait(Waiting(80)));
        Assert.Equal(2, pool.Waiting);

        Assert.True(pool.Release(50, out var next, out var start));
        Assert.Equal((10, 50), (next.Arrived, start));
        Assert.True(pool.Release(60, out next, out start));
        Assert.Equal((70, 70), (next.Arrived, start));
        Assert.False(pool.Release(90, out _, out _));
        Assert.Equal(0, pool.Busy);
    }
}
