using ActorMesh.Hosting;
using ActorMesh.Topology;

namespace ActorMesh.TestKit;

/// <summary>
/// Faults to inject into a running mesh, each the timeline event a topology file's <c>timeline:</c>
/// would apply. They take effect as the mesh's work runs (the next <c>RunLoad</c>, <c>Await</c> or
/// <c>Advance</c>).
/// </summary>
public static class Faults
{
    /// <summary>Crashes one container of pod <paramref name="podId"/> (<c>app</c>, <c>proxy</c>, or a sidecar container's name); its pod restarts it alone.</summary>
    public static void CrashContainer(this MeshSystem mesh, string podId, string container) => mesh.Apply(new CrashContainerEvent(podId, container));

    /// <summary>Kills pod <paramref name="podId"/>; the control plane replaces it.</summary>
    public static void KillPod(this MeshSystem mesh, string podId) => mesh.Apply(new KillPodEvent(podId));

    /// <summary>Makes <paramref name="service"/> (or only its instance <paramref name="instance"/>) answer <paramref name="status"/> to a share <paramref name="rate"/> of requests.</summary>
    public static void InjectErrors(this MeshSystem mesh, string service, double rate, int status = 500, int? instance = null) =>
        mesh.Apply(new SetErrorsEvent(service, new ErrorInjection(rate, status), instance));

    /// <summary>Changes the service time of <paramref name="service"/> (or only of its instance <paramref name="instance"/>).</summary>
    public static void SlowDown(this MeshSystem mesh, string service, Distribution serviceTime, int? instance = null) =>
        mesh.Apply(new SetServiceTimeEvent(service, serviceTime, instance));

    /// <summary>Pushes <paramref name="policy"/> for calls to <paramref name="destination"/> (or, <c>null</c>, the mesh's default) to every sidecar.</summary>
    public static void PushPolicy(this MeshSystem mesh, string? destination, TrafficPolicy policy) => mesh.Apply(new SetPolicyEvent(destination, policy));
}
