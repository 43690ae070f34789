namespace ActorMesh.Topology;

/// <summary>
/// A service's local settings (feature flags, limits, ...): a versioned key/value map the app holds.
/// The control plane owns the desired settings and bumps <see cref="Version"/> on every change; a
/// config-sync sidecar brings each new version to the running app.
/// </summary>
/// <param name="Version">0 for none; 1 for the settings a topology starts with; +1 per change.</param>
/// <param name="Values">The settings by key.</param>
public sealed record AppSettings(long Version, ImmutableSortedDictionary<string, string> Values)
{
    /// <summary>No settings (version 0).</summary>
    public static readonly AppSettings None = new(0, ImmutableSortedDictionary<string, string>.Empty);

    /// <summary>Most keys a service's settings may have.</summary>
    public const int MaxKeys = 1000;

    /// <summary>Settings a topology starts with: version 1, or <see cref="None"/> when there are no values.</summary>
    public static AppSettings Initial(IEnumerable<KeyValuePair<string, string>> values)
    {
        var map = values.ToImmutableSortedDictionary(StringComparer.Ordinal);
        return map.IsEmpty ? None : new AppSettings(1, map);
    }

    /// <summary>The next version with <paramref name="values"/>.</summary>
    public AppSettings Next(ImmutableSortedDictionary<string, string> values) => new(Version + 1, values);

    /// <summary>Reports every problem under <paramref name="at"/>.</summary>
    public void Validate(ValidationContext at)
    {
        at.Require(Version >= 0, "version", "must not be negative");
        if (Values.Count > MaxKeys) at.Error($"has {Values.Count} keys; at most {MaxKeys} are allowed");
        foreach (var (key, value) in Values)
        {
            if (string.IsNullOrWhiteSpace(key)) at.Error("a key must not be empty");
            else if (value is null) at.Error(key, "needs a value");
        }
    }
}
