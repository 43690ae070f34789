using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ActorMesh.DataPlane.Security;

namespace ActorMesh.DataPlane.Settings;

/// <summary>
/// What every proxy derives alike from one pushed topology, derived once and shared: whether the
/// mesh's policies are valid, and each destination service's inbound checks. A push reaches every
/// sidecar with the same immutable topology; validating it and compiling the checks per sidecar cost
/// O(config) per pod and push (100,000 validations for one push at 100,000 pods). Immutable once
/// made, so read by proxies on any thread; kept while the topology is.
/// </summary>
internal sealed class CompiledConfig
{
    private static readonly ConditionalWeakTable<MeshTopology, CompiledConfig> ByTopology = new();

    private readonly MeshTopology _topology;
    private readonly Lazy<string?> _meshProblems;
    private readonly ConcurrentDictionary<string, InboundAuthorizer> _authorizers = new(StringComparer.Ordinal);

    private CompiledConfig(MeshTopology topology)
    {
        _topology = topology;
        _meshProblems = new Lazy<string?>(() => ConfigClient.ValidateMesh(topology));
    }

    /// <summary>The compiled form of <paramref name="topology"/> (made on first use).</summary>
    public static CompiledConfig Of(MeshTopology topology) => ByTopology.GetValue(topology, static t => new CompiledConfig(t));

    /// <summary>What is wrong with the mesh's policies and security, in one line, or null (see <see cref="ConfigClient.MeshProblems"/>).</summary>
    public string? MeshProblems => _meshProblems.Value;

    /// <summary>The inbound checks of destination <paramref name="service"/>.</summary>
    public InboundAuthorizer AuthorizerOf(string service) =>
        _authorizers.GetOrAdd(service, static (s, topology) => InboundAuthorizer.For(topology, s), _topology);
}
