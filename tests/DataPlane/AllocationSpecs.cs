namespace ActorMesh.Tests.DataPlane;

/// <summary>
/// What a request allocates on the data plane, counted in virtual time (one thread: the count is the
/// whole mesh's). Fixed costs (the load generator, its histograms) cancel out: the figure is the
/// difference between a long and a short run, per request of the difference.
/// </summary>
public class AllocationSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private static MeshTopology Chain(bool sidecars) => MeshTopology.Create("alloc")
        .Gateway("edge", g => g.Route("/", "frontend"))
        .Service("frontend", s => s.Sidecar(sidecars).Call("payments"))
        .Service("payments", s => s.Sidecar(sidecars).ServiceTime(Distribution.Constant(1)))
        .Latency(Distribution.Constant(0.5))
        .Load(l => l with { Rps = 1000, Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1), TraceSampling = 0 })
        .Build();

    private long BytesPerRequest(MeshTopology topology)
    {
        var mesh = StartMesh(topology);
        RunLoad(mesh, topology.Load with { Duration = TimeSpan.FromSeconds(1) }); // warms every table and the JIT
        long Measure(double seconds)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var load = RunLoad(mesh, topology.Load with { Duration = TimeSpan.FromSeconds(seconds) });
            Assert.Equal(load.Measured.Sent, load.Measured.Ok);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        var shortRun = Measure(1);
        var longRun = Measure(3);
        return (longRun - shortRun) / 2000;
    }

    [Fact]
    public void A_request_through_a_gateway_and_two_services_with_sidecars_allocates_its_messages_only()
    {
        var bytes = BytesPerRequest(Chain(sidecars: true));
        Out.WriteLine($"gateway → frontend → payments with sidecars: {bytes} B per request");
        // Messages per request (1,047 B measured; 984 B before a MeshRequest carried its sender's zone and pod, 2 × 8 B in each of 4): ClientRequest/Response, 2 × (MeshRequest, its copy to the app, 2 MeshResponses),
        // EgressCall and EgressResult, and the mailboxes' share; nothing per request in the policies or the telemetry.
        // The bound leaves less than one more object per request: a closure, a boxed value or an array per request breaks it.
        Assert.InRange(bytes, 1, 1065);
    }

    [Fact]
    public void A_request_through_a_gateway_and_two_services_without_sidecars_allocates_its_messages_only()
    {
        var bytes = BytesPerRequest(Chain(sidecars: false));
        Out.WriteLine($"gateway → frontend → payments without sidecars: {bytes} B per request");
        // 544 B measured (510 B before the sender's zone and pod, 2 × 8 B in each of 2 MeshRequests): ClientRequest/Response, 2 × (MeshRequest, MeshResponse), and the mailboxes' share; the same
        // tight bound (less than one more object per request).
        Assert.InRange(bytes, 1, 560);
    }
}
