namespace ActorMesh.DataPlane.App;

/// <summary>
/// What the app container keeps across its restarts (see <see cref="Pod.ContainerMemory"/>): its local
/// settings file, the behaviour it was changed to, and, without a sidecar, the config it took itself.
/// </summary>
/// <param name="Config">The config in force, when the app runs without a sidecar (null until the first push).</param>
/// <param name="Settings">The settings in force.</param>
/// <param name="ServiceTime">The current service time.</param>
/// <param name="Errors">The current injected errors.</param>
internal sealed record AppMemory(ConfigSnapshot? Config, AppSettings Settings, Distribution ServiceTime, ErrorInjection Errors)
{
    /// <summary>What instance <paramref name="spec"/> starts with.</summary>
    public static AppMemory Of(PodSpec spec) => new(null, spec.Service.Settings, spec.Service.ServiceTimeOf(spec.Index), spec.Service.ErrorsOf(spec.Index));
}
