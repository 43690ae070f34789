using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using ActorMesh.DataPlane.Security;

namespace ActorMesh.DataPlane.Pod;

/// <summary>
/// What every pod of a service derives alike from its <see cref="ServiceSpec"/>, derived once and
/// shared by them (as a Kubernetes pod template is): its workload identity, the services its scripts
/// call, the data stores it owns, its modules by name. Derived per pod, these were a few hundred bytes
/// of strings, sets and iterators in each of 100,000 pods. Immutable once made, so read by containers on
/// any thread; kept while the spec is (a changed spec, e.g. a new script pushed, gets its own).
/// </summary>
internal sealed class ServiceTemplate
{
    private static readonly ConditionalWeakTable<ServiceSpec, ServiceTemplate> BySpec = new();

    private ServiceTemplate(ServiceSpec spec)
    {
        Identity = WorkloadIdentity.OfService(spec.Name);
        Callees = [.. TopologyValidator.Callees(spec).Distinct(StringComparer.Ordinal)];
        Stores = spec.Stores.ToFrozenSet(StringComparer.Ordinal);
        var modules = new Dictionary<string, int>(spec.Modules.Length, StringComparer.Ordinal);
        for (var i = 0; i < spec.Modules.Length; i++) modules[spec.Modules[i].Name] = i;
        Modules = modules.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The template of <paramref name="spec"/> (made on first use).</summary>
    public static ServiceTemplate Of(ServiceSpec spec) => BySpec.GetValue(spec, static s => new ServiceTemplate(s));

    /// <summary>The mTLS identity of the service's sidecars (see <see cref="WorkloadIdentity.OfService"/>).</summary>
    public string Identity { get; }

    /// <summary>The services its script and its modules' scripts call, each once, in order of first call.</summary>
    public string[] Callees { get; }

    /// <summary>The data stores the service owns.</summary>
    public FrozenSet<string> Stores { get; }

    /// <summary>Each module's index in <see cref="ServiceSpec.Modules"/>, by name.</summary>
    public FrozenDictionary<string, int> Modules { get; }
}
