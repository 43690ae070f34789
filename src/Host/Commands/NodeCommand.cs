using ActorMesh.Clustering;
using ActorMesh.Time;

namespace ActorMesh.Host.Commands;

/// <summary>
/// <c>node --port P [--seed host:port]</c>: starts a cluster node that runs pods and its share of the
/// control plane, until Ctrl+C (it leaves cleanly) or until it is crashed or downed. Runs are driven
/// from elsewhere with <c>run ... --cluster host:port</c>.
/// </summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var port = CliValues.Port("--port", "The port to listen on (0: a free one)");
        port.Required = true;
        var seed = CliValues.Endpoint("--seed", "Join the cluster through this node; without it, this node starts a new cluster");
        var hostname = new Option<string>("--hostname") { Description = "The address to listen on (default 127.0.0.1: only this machine; give an address other machines reach to span machines)", DefaultValueFactory = _ => "127.0.0.1" };
        var name = new Option<string?>("--name") { Description = "The node's name, as a crashNode event names it (default node-<port>)", HelpName = "name" };
        var transport = LinkFlags.Transport();
        var linkPort = LinkFlags.LinkPort();
        var reading = LinkFlags.Reading();
        var command = new Command("node", "Start a cluster node that runs pods; drive runs on the cluster with 'run ... --cluster host:port'") { port, seed, hostname, name, transport, reading, linkPort };
        command.SetAction(async parse =>
        {
            var p = parse.GetValue(port)!.Value;
            var host = parse.GetValue(hostname)!;
            var seeds = parse.GetValue(seed) is { } s ? new[] { s } : [];
            using var clock = new HighResolutionClock();
            var nodeName = parse.GetValue(name) ?? $"node-{p}";
            await using var node = MeshClusterNode.Start(nodeName, host, p, seeds, clock, extra: LinkFlags.Apply(Logging.AkkaConfig.WithFallback(MeshRunner.DefaultAkkaConfig), parse.GetValue(transport), parse.GetValue(linkPort), parse.GetValue(reading)));
            Console.Out.WriteLine($"{nodeName} listening at {node.Address}{(seeds.Length > 0 ? $", joining through {seeds[0]}" : ", a new cluster")}");
            Console.Out.WriteLine(CrossNodeInboundExtension.Get(node.System).Listener is { } links
                ? $"Direct links for requests and responses: port {links.Port}{(links.UnixPath is { } path ? $" (nodes on this machine: {path})" : "")}"
                : "Requests and responses cross through Akka.Remote (no direct links)");
            Console.Out.WriteLine($"Drive a run on it: run <scenario> --cluster {node.Address.Host}:{node.Address.Port}. Ctrl+C (or SIGTERM) leaves the cluster cleanly.");
            using var interrupts = Interrupts.Listen($"{nodeName} is leaving the cluster", "leaving (the others find it gone, as after a crash)");
            await using var leave = interrupts.Token.Register(() => _ = node.LeaveAsync());
            await node.System.WhenTerminated;
            var reason = Akka.Actor.CoordinatedShutdown.Get(node.System).ShutdownReason;
            Console.Out.WriteLine(reason switch
            {
                null => $"{nodeName} crashed (stopped without leaving the cluster)",
                Akka.Actor.CoordinatedShutdown.ClusterDowningReason => $"{nodeName} was downed by the cluster (the others could not reach it)",
                _ => $"{nodeName} left the cluster",
            });
            return ExitCodes.Ok;
        });
        return command;
    }
}
