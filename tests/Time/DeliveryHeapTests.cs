using ActorMesh.Randomness;
using ActorMesh.Time;
using Akka.Actor;

namespace ActorMesh.Tests.Time;

public class DeliveryHeapTests
{
    private static TimedDelivery At(long due, int tag) => new(due, ActorRefs.Nobody, tag, ActorRefs.Nobody);

    private static List<(long Due, int Tag)> PopAll(DeliveryHeap heap)
    {
        var popped = new List<(long, int)>();
        while (heap.Count > 0)
        {
            var next = heap.PeekDue;
            var d = heap.Pop();
            Assert.Equal(next, d.Due);
            popped.Add((d.Due, (int)d.Message));
        }
        return popped;
    }

    [Fact]
    public void Pop_returns_deliveries_in_due_order_whatever_the_order_they_were_pushed_in()
    {
        var heap = new DeliveryHeap();
        var random = new MeshRandom(7);
        // More than the initial capacity, so growing is covered too.
        for (var i = 0; i < 5_000; i++) heap.Push(At(random.NextInt(1_000_000), i));

        var dues = PopAll(heap).Select(p => p.Due).ToList();

        Assert.Equal(5_000, dues.Count);
        Assert.Equal(dues.Order(), dues);
    }

    [Fact]
    public void Deliveries_due_at_the_same_time_come_out_in_the_order_they_were_scheduled()
    {
        var heap = new DeliveryHeap();
        var random = new MeshRandom(3);
        // Few distinct due times, many ties: FIFO among equals keeps messages to one actor in order.
        for (var i = 0; i < 2_000; i++) heap.Push(At(random.NextInt(10), i));

        var popped = PopAll(heap);

        for (var i = 1; i < popped.Count; i++)
        {
            Assert.True(popped[i - 1].Due <= popped[i].Due);
            if (popped[i - 1].Due == popped[i].Due) Assert.True(popped[i - 1].Tag < popped[i].Tag);
        }
    }

    [Fact]
    public void Pushing_between_pops_keeps_the_order()
    {
        var heap = new DeliveryHeap();
        heap.Push(At(30, 0));
        heap.Push(At(10, 1));
        Assert.Equal(1, (int)heap.Pop().Message);

        heap.Push(At(20, 2));
        heap.Push(At(30, 3));
        heap.Push(At(5, 4));

        Assert.Equal([(5L, 4), (20L, 2), (30L, 0), (30L, 3)], PopAll(heap));
    }
}
