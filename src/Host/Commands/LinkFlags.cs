using Akka.Configuration;

namespace ActorMesh.Host.Commands;

/// <summary>
/// How mesh messages cross nodes: <c>--transport direct|remoting</c> and <c>--link-reading wait|poll</c> (<c>run</c>,
/// <c>node</c>, <c>bench</c>) and <c>node</c>'s <c>--link-port</c>, as the Akka settings of <see cref="Clustering.DirectLink"/>.
/// </summary>
internal static class LinkFlags
{
    /// <summary>The <c>--transport</c> option.</summary>
    public static Option<string?> Transport() => CliValues.OneOf("--transport",
        "How requests and responses cross nodes: direct (default: a connection per node pair, a Unix domain socket between nodes on one machine) "
        + "or remoting (through Akka.Remote, beside the cluster's own traffic)", ["direct", "remoting"]);

    /// <summary>The <c>--link-reading</c> option.</summary>
    public static Option<string?> Reading(string defaultValue = "wait") => CliValues.OneOf("--link-reading",
        $"How a node reads its direct links: wait (a thread per link, asleep until an envelope arrives: the least latency) or poll "
        + $"(under load a poller on the thread pool: more throughput at saturation, more latency below it); default {defaultValue}", ["wait", "poll"]);

    /// <summary>The <c>--link-port</c> option of <c>node</c>.</summary>
    public static Option<int?> LinkPort() => CliValues.Port("--link-port", "The port other nodes' direct links connect to (default 0: a free one; give one to open it in a firewall)");

    /// <summary>The settings the flags give, over <paramref name="fallback"/>.</summary>
    public static Config Apply(Config fallback, string? transport, int? linkPort = null, string? reading = null)
    {
        var settings = (transport is null ? "" : $"actormesh.cross-node.transport = {transport}\n")
            + (linkPort is null ? "" : $"actormesh.cross-node.port = {linkPort}\n")
            + (reading is null ? "" : $"actormesh.cross-node.reader = {reading}\n");
        return settings.Length == 0 ? fallback : ConfigurationFactory.ParseString(settings).WithFallback(fallback);
    }
}
