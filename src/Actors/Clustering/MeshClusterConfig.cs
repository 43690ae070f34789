using Akka.Configuration;

namespace ActorMesh.Clustering;

/// <summary>
/// Akka configuration of a mesh node: the cluster provider, loopback remoting unless told otherwise,
/// a keep-majority split-brain resolver, fast gossip (a 2-node cluster forms in ~120 ms instead of ~1 s),
/// the mesh's own serializers (compact binary for requests, JSON for control messages), and the
/// inbound end of the cross-node batches (<see cref="CrossNodeInboundExtension"/>).
/// </summary>
internal static class MeshClusterConfig
{
    /// <summary>The serializers and their bindings; also useful on their own (tests, non-cluster remoting).</summary>
    public static readonly Config Serialization = ConfigurationFactory.ParseString(DirectLink.Defaults + "\n" + $$"""
        akka.extensions = ["{{typeof(CrossNodeInboundProvider).AssemblyQualifiedName}}"]
        akka.actor {
          serializers {
            actormesh-data = "{{typeof(DataPlaneSerializer).AssemblyQualifiedName}}"
            actormesh-control = "{{typeof(ControlMessageSerializer).AssemblyQualifiedName}}"
          }
          serialization-bindings {
            "{{typeof(DataPlane.IDataPlaneMessage).AssemblyQualifiedName}}" = actormesh-data
            "{{typeof(IMeshMessage).AssemblyQualifiedName}}" = actormesh-control
          }
        }
        """);

    /// <summary>
    /// The configuration of one node listening on <paramref name="hostname"/>:<paramref name="port"/>
    /// (port 0 picks a free one), joining through <paramref name="seeds"/> (akka.tcp://actormesh@host:port).
    /// <paramref name="roles"/> name what the node may do ("pods": it runs pods; a driver has none).
    /// </summary>
    public static Config Node(string hostname, int port, IEnumerable<string> seeds, IEnumerable<string> roles) =>
        ConfigurationFactory.ParseString($$"""
            akka {
              actor.provider = cluster
              # Nodes come and go on purpose (crashes, clean leaves at the end of a run): no error per association.
              remote.log-remote-lifecycle-events = off
              remote.dot-netty.tcp {
                hostname = "{{hostname}}"
                port = {{port}}
                maximum-frame-size = 16MiB
                send-buffer-size = 4MiB
                receive-buffer-size = 4MiB
                # Mesh messages cross in envelopes of many (CrossNodeOutbox) already: DotNetty's own write batching
                # would only hold each envelope back for a scheduled flush. One I/O thread each for the server and
                # the client sockets: a node has few peers, and every extra event loop competes for the same cores.
                batching.enabled = false
                server-socket-worker-pool { pool-size-min = 1, pool-size-max = 1 }
                client-socket-worker-pool { pool-size-min = 1, pool-size-max = 1 }
              }
              cluster {
                seed-nodes = [{{string.Join(", ", seeds.Select(s => $"\"{s}\""))}}]
                roles = [{{string.Join(", ", roles.Select(r => $"\"{r}\""))}}]
                gossip-interval = 100ms
                leader-actions-interval = 100ms
                periodic-tasks-initial-delay = 100ms
                min-nr-of-members = 1
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = 2s
                }
                failure-detector {
                  heartbeat-interval = 500ms
                  acceptable-heartbeat-pause = 2s
                  expected-response-after = 500ms
                }
                singleton.hand-over-retry-interval = 200ms
                run-coordinated-shutdown-when-down = on
              }
              # Terminating a node's ActorSystem is a crash (no leave); a clean leave runs coordinated shutdown explicitly.
              coordinated-shutdown.run-by-actor-system-terminate = off
              coordinated-shutdown.exit-clr = off
            }
            """).WithFallback(Serialization);

    /// <summary>The actor system name every node uses.</summary>
    public const string SystemName = "actormesh";

    /// <summary>The address of a node: akka.tcp://actormesh@host:port.</summary>
    public static string Address(string hostname, int port) => $"akka.tcp://{SystemName}@{hostname}:{port}";
}
