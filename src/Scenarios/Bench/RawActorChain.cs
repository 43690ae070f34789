using Akka.Actor;

namespace ActorMesh.Scenarios.Bench;

/// <summary>
/// The ceiling: plain Akka.NET actors passing a token along a chain with no mesh logic at all.
/// Each of <c>users</c> tokens goes client → actor 1 → ... → actor N → client, and is sent again
/// at once (a closed loop); one round is one "request" of N + 1 messages.
/// </summary>
internal static class RawActorChain
{
    /// <summary>Runs the chain for <paramref name="warmup"/> then <paramref name="duration"/>; returns rounds per second and bytes allocated per round in the measured window.</summary>
    public static async Task<(double RoundsPerSecond, double BytesPerRound)> RunAsync(ActorSystem system, int hops, int users, TimeSpan warmup, TimeSpan duration)
    {
        var links = new IActorRef[hops];
        var client = system.ActorOf(Props.Create(() => new Client()));
        var next = client;
        for (var i = hops - 1; i >= 0; i--)
        {
            var target = next;
            links[i] = system.ActorOf(Props.Create(() => new Link(target)));
            next = links[i];
        }
        try
        {
            client.Tell(new Begin(links[0], users));
            await Task.Delay(warmup);
            var before = await client.Ask<long>(Rounds.Instance);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Task.Delay(duration);
            var after = await client.Ask<long>(Rounds.Instance);
            var seconds = clock.Elapsed.TotalSeconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var rounds = after - before;
            return (rounds / seconds, rounds == 0 ? 0 : (double)allocated / rounds);
        }
        finally
        {
            system.Stop(client);
            foreach (var link in links) system.Stop(link);
        }
    }

    private sealed record Begin(IActorRef First, int Users);

    private sealed class Rounds
    {
        public static readonly Rounds Instance = new();
    }

    private sealed class Token;

    private sealed class Client : UntypedActor
    {
        private IActorRef _first = ActorRefs.Nobody;
        private long _rounds;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Token token:
                    _rounds++;
                    _first.Tell(token, Self);
                    break;
                case Begin begin:
                    _first = begin.First;
                    for (var i = 0; i < begin.Users; i++) _first.Tell(new Token(), Self);
                    break;
                case Rounds:
                    Sender.Tell(_rounds);
                    break;
            }
        }
    }

    private sealed class Link(IActorRef next) : UntypedActor
    {
        protected override void OnReceive(object message) => next.Tell(message, Self);
    }
}
