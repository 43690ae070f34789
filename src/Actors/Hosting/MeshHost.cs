using ActorMesh.ControlPlane;
using ActorMesh.Topology;
using Akka.Actor;

namespace ActorMesh.Hosting;

/// <summary>
/// The one top-level actor of a mesh: it creates the node agent and the control plane, and every
/// actor the mesh needs later (load generators, one-shot listeners) as its children. Keeping a
/// single top-level actor matters in virtual time: only top-level actors start asynchronously, on
/// Akka's own threads; children start in order on the mesh's dispatcher.
/// </summary>
internal sealed class MeshHost : UntypedActor
{
    private readonly MeshTopology _topology;
    private readonly MeshRuntime _runtime;
    private readonly ControlPlaneOptions? _options;
    private readonly TaskCompletionSource<(IActorRef ControlPlane, IActorRef NodeAgent)> _started;

    public MeshHost(MeshTopology topology, MeshRuntime runtime, ControlPlaneOptions? options, TaskCompletionSource<(IActorRef, IActorRef)> started)
    {
        _topology = topology;
        _runtime = runtime;
        _options = options;
        _started = started;
    }

    public static Props Props(MeshTopology topology, MeshRuntime runtime, ControlPlaneOptions? options, TaskCompletionSource<(IActorRef, IActorRef)> started) =>
        runtime.Place(Akka.Actor.Props.Create(() => new MeshHost(topology, runtime, options, started)));

    protected override void PreStart()
    {
        var agent = Context.ActorOf(NodeAgent.Props(_runtime), "node-agent");
        var controlPlane = Context.ActorOf(ControlPlane.ControlPlane.Props(_topology, _runtime, [agent], _options), "control-plane");
        _started.TrySetResult((controlPlane, agent));
    }

    protected override void OnReceive(object message)
    {
        if (message is Spawn spawn) spawn.Created.TrySetResult(Context.ActorOf(spawn.Props));
        else Unhandled(message);
    }

    /// <summary>Create a child from <paramref name="Props"/> and report its address.</summary>
    public sealed record Spawn(Props Props, TaskCompletionSource<IActorRef> Created) : INoSerializationVerificationNeeded;
}
