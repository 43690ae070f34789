namespace ActorMesh.DataPlane.Security;

/// <summary>What a destination sidecar decided about one inbound request.</summary>
internal enum InboundVerdict
{
    /// <summary>Allowed; it came over mTLS with the source's identity.</summary>
    AllowedMtls,
    /// <summary>Allowed; it came in plaintext (a source without a sidecar, or mTLS disabled).</summary>
    AllowedPlaintext,
    /// <summary>Denied (403): plaintext to a service in strict mTLS mode.</summary>
    DeniedPlaintext,
    /// <summary>Denied (403): an authorization policy said no.</summary>
    DeniedByPolicy,
}

/// <summary>
/// The inbound security check of one destination service (Envoy's TLS inspector plus RBAC filter),
/// compiled from a config snapshot so that a request costs a table lookup and a few path comparisons:
/// no LINQ, closures, exceptions or allocation per request. Order, as in Istio: peer authentication,
/// then DENY policies, then ALLOW policies.
/// </summary>
/// <remarks>
/// The table holds, per source identity of the topology (every service and gateway, plus plaintext),
/// whether DENY and ALLOW policies match it on every path or on which path patterns. An identity the
/// topology does not know is evaluated on the spot (never cached: the table stays bounded).
/// </remarks>
internal sealed class InboundAuthorizer
{
    /// <summary>Permissive, no policies: what a sidecar does before its first config.</summary>
    public static readonly InboundAuthorizer Open = new(MtlsMode.Permissive, [], new Dictionary<string, SourceRules>(StringComparer.Ordinal), SourceRules.None, hasAllow: false);

    private readonly MtlsMode _mode;
    private readonly CompiledPolicy[] _policies;
    private readonly Dictionary<string, SourceRules> _bySource;
    private readonly SourceRules _plaintext;
    private readonly bool _hasAllow;
    private readonly bool _open;

    private InboundAuthorizer(MtlsMode mode, CompiledPolicy[] policies, Dictionary<string, SourceRules> bySource, SourceRules plaintext, bool hasAllow)
    {
        _mode = mode;
        _policies = policies;
        _bySource = bySource;
        _plaintext = plaintext;
        _hasAllow = hasAllow;
        _open = policies.Length == 0;
    }

    /// <summary>The peer authentication enforced.</summary>
    public MtlsMode Mode => _mode;

    /// <summary>Compiles the checks of destination <paramref name="service"/> from <paramref name="topology"/>'s security settings.</summary>
    public static InboundAuthorizer For(MeshTopology topology, string service)
    {
        var security = topology.Mesh.Security;
        var mode = security.MtlsFor(service);
        var policies = new List<CompiledPolicy>();
        var hasAllow = false;
        foreach (var policy in security.Policies)
        {
            if (policy.To is { } to && to != service) continue;
            policies.Add(CompiledPolicy.Compile(policy, topology));
            hasAllow |= policy.Action == AuthorizationAction.Allow;
        }
        var compiled = policies.ToArray();
        var bySource = new Dictionary<string, SourceRules>(StringComparer.Ordinal);
        if (compiled.Length > 0)
        {
            foreach (var s in topology.Services) bySource[WorkloadIdentity.OfService(s.Name)] = SourceRules.Of(compiled, WorkloadIdentity.OfService(s.Name));
            foreach (var g in topology.Gateways) bySource[WorkloadIdentity.OfGateway(g.Name)] = SourceRules.Of(compiled, WorkloadIdentity.OfGateway(g.Name));
        }
        return new InboundAuthorizer(mode, compiled, bySource, SourceRules.Of(compiled, null), hasAllow);
    }

    /// <summary>Decides about a request from <paramref name="identity"/> (null: plaintext) for <paramref name="path"/>.</summary>
    public InboundVerdict Check(string? identity, string path)
    {
        if (_mode == MtlsMode.Disable) identity = null;
        if (identity is null && _mode == MtlsMode.Strict) return InboundVerdict.DeniedPlaintext;
        var allowed = identity is null ? InboundVerdict.AllowedPlaintext : InboundVerdict.AllowedMtls;
        if (_open) return allowed;
        var rules = identity is null ? _plaintext
            : _bySource.TryGetValue(identity, out var known) ? known
            : SourceRules.Of(_policies, identity);
        if (rules.DenyAll || Matches(rules.DenyPaths, path)) return InboundVerdict.DeniedByPolicy;
        if (!_hasAllow || rules.AllowAll || Matches(rules.AllowPaths, path)) return allowed;
        return InboundVerdict.DeniedByPolicy;
    }

    private static bool Matches(Pattern[] patterns, string value)
    {
        for (var i = 0; i < patterns.Length; i++)
            if (patterns[i].Matches(value)) return true;
        return false;
    }

    /// <summary>What the policies of one destination say about one source: on every path, or on these paths.</summary>
    private sealed class SourceRules(bool denyAll, Pattern[] denyPaths, bool allowAll, Pattern[] allowPaths)
    {
        public static readonly SourceRules None = new(false, [], false, []);

        public bool DenyAll { get; } = denyAll;
        public Pattern[] DenyPaths { get; } = denyPaths;
        public bool AllowAll { get; } = allowAll;
        public Pattern[] AllowPaths { get; } = allowPaths;

        public static SourceRules Of(CompiledPolicy[] policies, string? identity)
        {
            bool denyAll = false, allowAll = false;
            var denyPaths = new List<Pattern>();
            var allowPaths = new List<Pattern>();
            foreach (var policy in policies)
            {
                var deny = policy.Action == AuthorizationAction.Deny;
                foreach (var rule in policy.Rules)
                {
                    if (!rule.MatchesSource(identity)) continue;
                    if (rule.Paths.Length == 0)
                    {
                        if (deny) denyAll = true;
                        else allowAll = true;
                    }
                    else (deny ? denyPaths : allowPaths).AddRange(rule.Paths);
                }
            }
            return new SourceRules(denyAll, denyAll ? [] : [.. denyPaths], allowAll, allowAll ? [] : [.. allowPaths]);
        }
    }

    private sealed record CompiledPolicy(AuthorizationAction Action, CompiledRule[] Rules)
    {
        public static CompiledPolicy Compile(AuthorizationPolicy policy, MeshTopology topology)
        {
            var rules = new CompiledRule[policy.Rules.Length];
            for (var i = 0; i < rules.Length; i++)
            {
                var rule = policy.Rules[i];
                var from = new Pattern[rule.From.Length];
                for (var f = 0; f < from.Length; f++) from[f] = Pattern.Parse(SourceIdentity(rule.From[f], topology));
                var paths = new Pattern[rule.Paths.Length];
                for (var p = 0; p < paths.Length; p++) paths[p] = Pattern.Parse(rule.Paths[p]);
                rules[i] = new CompiledRule(from, paths);
            }
            return new CompiledPolicy(policy.Action, rules);
        }

        /// <summary>A rule's source as an identity pattern: a workload name becomes its identity.</summary>
        private static string SourceIdentity(string source, MeshTopology topology)
        {
            if (source.Contains('/') || source.Contains('*')) return WorkloadIdentity.Normalize(source);
            foreach (var g in topology.Gateways) if (g.Name == source) return WorkloadIdentity.OfGateway(source);
            return WorkloadIdentity.OfService(source);
        }
    }

    private sealed record CompiledRule(Pattern[] From, Pattern[] Paths)
    {
        /// <summary>An empty <see cref="From"/> matches any source; otherwise a plaintext request (no identity) matches none.</summary>
        public bool MatchesSource(string? identity)
        {
            if (From.Length == 0) return true;
            if (identity is null) return false;
            return Matches(From, identity);
        }
    }

    /// <summary>Istio's string match: exact, <c>prefix*</c>, <c>*suffix</c>, or <c>*</c> (any non-empty value).</summary>
    private readonly record struct Pattern(PatternKind Kind, string Text)
    {
        public static Pattern Parse(string pattern) =>
            pattern == "*" ? new Pattern(PatternKind.Any, "")
            : pattern.EndsWith('*') ? new Pattern(PatternKind.Prefix, pattern[..^1])
            : pattern.StartsWith('*') ? new Pattern(PatternKind.Suffix, pattern[1..])
            : new Pattern(PatternKind.Exact, pattern);

        public bool Matches(string value) => Kind switch
        {
            PatternKind.Exact => string.Equals(value, Text, StringComparison.Ordinal),
            PatternKind.Prefix => value.StartsWith(Text, StringComparison.Ordinal),
            PatternKind.Suffix => value.EndsWith(Text, StringComparison.Ordinal),
            _ => value.Length > 0,
        };
    }

    private enum PatternKind : byte { Exact, Prefix, Suffix, Any }
}
