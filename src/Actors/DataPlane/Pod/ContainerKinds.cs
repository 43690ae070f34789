namespace ActorMesh.DataPlane.Pod;

/// <summary>The containers a pod can run, by the names <see cref="CrashContainer"/> and the report use.</summary>
internal static class ContainerKinds
{
    /// <summary>The service instance.</summary>
    public const string App = "app";
    /// <summary>The sidecar proxy.</summary>
    public const string Proxy = "proxy";
    /// <summary>The log-collector sidecar.</summary>
    public const string LogCollector = "log-collector";
    /// <summary>The config-sync sidecar.</summary>
    public const string ConfigSync = "config-sync";
}
