using ActorMesh.Scenarios.Lessons;

namespace ActorMesh.Tests.Experiments;

/// <summary>
/// Experiments on chatty services: two services that every request reaches together (in at least
/// <see cref="BoundedContextsLesson.ChattyShare"/> of the requests reaching either) are probably one
/// bounded context split in two, and the emulator finds them from the traffic alone.
/// </summary>
public class ChattyPairExperiments(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    [Fact]
    public void User_basic_and_user_preferences_are_flagged_as_always_called_together()
    {
        // The user context split along its tables: user-basic cannot answer without user-preferences.
        // Orders also needs the user, so user-basic is reached by half the requests without /account.
        var topology = MeshTopology.Create("users-split")
            .Gateway("edge", g => g.Route("/account", "user-basic").Route("/orders", "orders"))
            .Service("user-basic", s => s.Replicas(2).Stores("user-basic.db").Read("user-basic.db").Call("user-preferences"))
            .Service("user-preferences", s => s.Replicas(2).Stores("user-preferences.db").Read("user-preferences.db"))
            .Service("orders", s => s.Replicas(2).Stores("orders.db").Read("orders.db").Call("user-basic"))
            .Latency(Distribution.Constant(0.5))
            .Load(l => l with
            {
                Rps = 200, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1),
                Requests = [new RequestMix("/account/7"), new RequestMix("/orders/42")],
            })
            .Build();
        var mesh = StartMesh(topology);

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(report.Requests.Sent, report.Requests.Ok);
        var pair = Assert.Single(BoundedContextsLesson.ChattyPairs(report.CallGraph));
        Assert.Equal(["user-basic", "user-preferences"], new[] { pair.A, pair.B }.Order());
        // Every request that reached one of them reached the other.
        Assert.Equal(1.0, pair.Share);
        Assert.Equal(report.CallGraph.Requests, pair.Both);
        // Orders calls user-basic on every request too, yet only half the requests reaching user-basic come through orders: not chatty.
        var orders = Assert.Single(report.CallGraph.Together, p => p.A == "orders" && p.B == "user-basic" || p.A == "user-basic" && p.B == "orders");
        Assert.InRange(orders.Share, 0.4, 0.6);
    }
}
