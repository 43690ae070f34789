namespace ActorMesh.DataPlane.Settings;

/// <summary>
/// The config-sync sidecar: it subscribes to the control plane like a proxy does (versioned pushes,
/// ACK/NACK) and brings the service's <see cref="AppSettings"/> to the app whenever their version
/// changes, so the app's local settings stay in step with the desired state without a redeploy.
/// </summary>
public sealed record ConfigSyncOptions
{
    /// <summary>
    /// Time from a new settings version reaching the sidecar until the app has it in force (writing the
    /// local file and the app reloading it). Default zero.
    /// </summary>
    public TimeSpan ApplyDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at) => at.NonNegative("applyDelay", ApplyDelay);
}
