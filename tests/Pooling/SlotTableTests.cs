using ActorMesh.Pooling;

namespace ActorMesh.Tests.Pooling;

public class SlotTableTests
{
    private sealed class Entry
    {
        public int Value;
    }

    private static SlotTable<int> Table(int capacity = 16, SlotKind kind = SlotKind.Call, int incarnation = 0) => new(capacity, kind, incarnation);

    // ---- the id layout ---------------------------------------------------------------------

    [Fact]
    public void An_id_packs_slot_generation_and_tag_and_is_never_negative()
    {
        var id = SlotHandle.Of(slot: 0xABCDEF, generation: uint.MaxValue, tag: 0x7F);

        Assert.Equal(0xABCDEF, id.Slot);
        Assert.Equal(uint.MaxValue, id.Generation);
        Assert.Equal(0x7F, id.Tag);
        Assert.True(id.Id > 0);
    }

    [Fact]
    public void The_tag_names_the_kind_and_the_owner_incarnation_modulo_16()
    {
        var tag = SlotHandle.TagOf(SlotKind.Inbound, incarnation: 3);

        Assert.Equal(SlotKind.Inbound, SlotHandle.Of(0, 0, tag).Kind);
        Assert.Equal(tag, SlotHandle.TagOf(SlotKind.Inbound, incarnation: 19));
        Assert.NotEqual(tag, SlotHandle.TagOf(SlotKind.Inbound, incarnation: 4));
        Assert.NotEqual(tag, SlotHandle.TagOf(SlotKind.Call, incarnation: 3));
    }

    [Fact]
    public void None_is_no_tables_id()
    {
        var table = Table();
        Assert.True(table.TryAdd(out int _));

        Assert.True(SlotHandle.None.IsNone);
        Assert.Equal(SlotKind.None, SlotHandle.KindOf(0));
        Assert.False(table.TryResolve(SlotHandle.None, out _));
        Assert.False(table.TryResolveHeld(SlotHandle.None, out _));
    }

    [Fact]
    public void An_actor_tells_the_tables_of_its_answers_apart_by_the_kind_in_the_id()
    {
        var outbound = Table(kind: SlotKind.Call, incarnation: 2);
        var inbound = Table(kind: SlotKind.Inbound, incarnation: 2);
        outbound.TryAdd(1, out var call);
        inbound.TryAdd(2, out var request);

        Assert.Equal(SlotKind.Call, SlotHandle.KindOf(call.Id));
        Assert.Equal(SlotKind.Inbound, SlotHandle.KindOf(request.Id));
        Assert.False(inbound.TryResolve(call, out _));
        Assert.False(outbound.TryResolve(request, out _));
    }

    // ---- adding, resolving, freeing ----------------------------------------------------------

    [Fact]
    public void An_added_entry_resolves_by_its_id_until_removed()
    {
        var table = Table();

        Assert.True(table.TryAdd(42, out var id));
        Assert.Equal(1, table.Count);
        Assert.True(table.TryResolve(id, out var slot));
        Assert.Equal(42, table[slot]);
        Assert.True(table.TryRemove(id, out var value));

        Assert.Equal(42, value);
        Assert.Equal(0, table.Count);
        Assert.False(table.TryResolve(id, out _));
        Assert.False(table.TryRemove(id, out _));
    }

    [Fact]
    public void A_freed_slot_is_reused_first_with_a_new_generation_so_the_old_id_is_stale()
    {
        var table = Table();
        table.TryAdd(1, out var first);
        table.TryAdd(2, out var second);
        table.TryRemove(first, out _);

        table.TryAdd(3, out var third);

        Assert.Equal(first.Slot, third.Slot);
        Assert.NotEqual(first, third);
        Assert.False(table.TryResolve(first, out _));
        Assert.True(table.TryResolve(second, out _));
        Assert.True(table.TryResolve(third, out var slot));
        Assert.Equal(3, table[slot]);
    }

    [Fact]
    public void A_restarted_owners_table_does_not_resolve_its_predecessors_ids()
    {
        var before = Table(incarnation: 1);
        before.TryAdd(1, out var old);

        var after = Table(incarnation: 2);
        after.TryAdd(1, out var fresh);

        Assert.Equal(old.Slot, fresh.Slot);
        Assert.Equal(old.Generation, fresh.Generation);
        Assert.False(after.TryResolve(old, out _));
    }

    [Fact]
    public void An_id_of_a_slot_never_taken_does_not_resolve()
    {
        var table = Table();
        table.TryAdd(1, out var id);

        Assert.False(table.TryResolve(SlotHandle.Of(9, 0, table.Tag), out _));
        Assert.False(table.TryResolve(SlotHandle.Of(SlotHandle.MaxSlots - 1, 0, table.Tag), out _));
        Assert.False(table.IsLive(9));
        Assert.True(table.IsLive(id.Slot));
    }

    [Fact]
    public void Freeing_a_slot_that_is_not_live_is_a_bug_and_throws()
    {
        var table = Table();
        table.TryAdd(out int slot);
        table.Free(slot);

        Assert.Throws<InvalidOperationException>(() => table.Free(slot));
    }

    // ---- re-keying ----------------------------------------------------------------------------

    [Fact]
    public void A_rekey_makes_every_earlier_id_of_the_slot_stale()
    {
        var table = Table();
        table.TryAdd(7, out var first);

        var second = table.Rekey(first.Slot);

        Assert.Equal(first.Slot, second.Slot);
        Assert.False(table.TryResolve(first, out _));
        Assert.True(table.TryResolve(second, out _));
        Assert.Equal(second, table.HandleOf(first.Slot));
    }

    [Fact]
    public void The_ids_handed_to_a_holder_stay_its_own_through_its_rekeys_but_not_the_next_holders()
    {
        var table = Table();
        table.TryAdd(1, out var first);
        var second = table.Rekey(first.Slot);
        var third = table.Rekey(first.Slot);

        Assert.True(table.TryResolveHeld(first, out _));
        Assert.True(table.TryResolveHeld(second, out _));
        Assert.True(table.TryResolveHeld(third, out _));

        table.TryRemove(third, out _);
        table.TryAdd(2, out var next);

        Assert.True(table.TryResolveHeld(next, out _));
        Assert.False(table.TryResolveHeld(first, out _));
        Assert.False(table.TryResolveHeld(third, out _));
    }

    // ---- growth and capacity ------------------------------------------------------------------

    [Fact]
    public void A_table_allocates_nothing_until_its_first_entry_then_four_slots_and_doubles_on_demand_up_to_its_capacity()
    {
        var table = Table(capacity: 10);
        Assert.Equal(0, table.Allocated);
        Assert.True(table.TryAdd(-1, out var first));
        Assert.Equal(4, table.Allocated);
        Assert.True(table.TryRemove(first, out _));

        for (var i = 0; i < 5; i++) Assert.True(table.TryAdd(i, out _));
        Assert.Equal(8, table.Allocated);

        for (var i = 5; i < 10; i++) Assert.True(table.TryAdd(i, out _));
        Assert.Equal(10, table.Allocated);
        Assert.Equal(10, table.Count);
    }

    [Fact]
    public void A_full_table_refuses_to_add_until_a_slot_is_freed()
    {
        var table = Table(capacity: 2);
        table.TryAdd(1, out var first);
        table.TryAdd(2, out _);

        Assert.False(table.TryAdd(3, out var refused));
        Assert.True(refused.IsNone);
        Assert.False(table.TryAdd(out int slot));
        Assert.Equal(-1, slot);

        table.TryRemove(first, out _);
        Assert.True(table.TryAdd(3, out _));
    }

    [Fact]
    public void A_small_capacity_is_allocated_no_further()
    {
        var table = Table(capacity: 2);
        table.TryAdd(1, out _);

        Assert.Equal(2, table.Allocated);
    }

    [Fact]
    public void Capacity_is_between_one_and_the_slots_an_id_can_name()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Table(capacity: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Table(capacity: SlotHandle.MaxSlots + 1));
        Assert.Throws<ArgumentException>(() => Table(kind: SlotKind.None));
        Assert.Equal(SlotHandle.MaxSlots, Table(capacity: SlotHandle.MaxSlots).Capacity);
    }

    [Fact]
    public void Live_entries_survive_growth()
    {
        var table = Table(capacity: 100);
        var ids = new SlotHandle[50];
        for (var i = 0; i < ids.Length; i++) table.TryAdd(i, out ids[i]);

        for (var i = 0; i < ids.Length; i++)
        {
            Assert.True(table.TryResolve(ids[i], out var slot));
            Assert.Equal(i, table[slot]);
        }
    }

    // ---- pooled entries -------------------------------------------------------------------------

    [Fact]
    public void A_class_entry_stays_in_its_slot_for_the_next_holder()
    {
        var table = new SlotTable<Entry>(4, SlotKind.Exchange);
        table.TryAdd(out int slot);
        var entry = table[slot] ??= new Entry { Value = 1 };
        table.Free(slot);

        table.TryAdd(out int again);

        Assert.Equal(slot, again);
        Assert.Same(entry, table[again]);
    }

    [Fact]
    public void A_struct_entry_is_cleared_when_freed_so_that_it_keeps_nothing_alive()
    {
        var table = new SlotTable<(string Name, int Value)>(4, SlotKind.Inbound);
        table.TryAdd(("caller", 1), out var id);
        table.TryRemove(id, out _);

        table.TryAdd(out int slot);

        Assert.Equal(default, table[slot]);
    }

    [Fact]
    public void Adding_and_freeing_a_struct_entry_allocates_nothing_once_the_table_has_grown()
    {
        var table = new SlotTable<(string Name, int Value)>(8, SlotKind.Request);
        table.TryAdd(("warm", 0), out var warm);
        table.TryRemove(warm, out _);
        var entry = ("caller", 1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            table.TryAdd(entry, out var id);
            table.TryRemove(id, out _);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    // ---- visiting the live slots ----------------------------------------------------------------

    [Fact]
    public void Foreach_visits_the_live_slots_in_order_and_the_current_one_may_be_freed()
    {
        var table = Table();
        var ids = new SlotHandle[5];
        for (var i = 0; i < ids.Length; i++) table.TryAdd(i * 10, out ids[i]);
        table.TryRemove(ids[1], out _);

        var seen = new List<int>();
        foreach (var slot in table)
        {
            seen.Add(table[slot]);
            table.Free(slot);
        }

        Assert.Equal([0, 20, 30, 40], seen);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Foreach_allocates_nothing()
    {
        var table = Table();
        for (var i = 0; i < 8; i++) table.TryAdd(i, out _);
        var sum = 0;
        foreach (var slot in table) sum += table[slot];

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var slot in table) sum += table[slot];
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(56, sum);
    }
}
