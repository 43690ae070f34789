using System.Collections.Immutable;

namespace ActorMesh.Tests.Topology;

public class SecuritySpecTests
{
    private static TopologyBuilder Mesh() => MeshTopology.Create("secure")
        .Gateway("edge", g => g.Route("/", "frontend"))
        .Service("frontend", s => s.Call("payments"))
        .Service("legacy", s => s.Sidecar(false).Call("payments"))
        .Service("payments");

    private static string[] Problems(MeshTopology topology) => [.. TopologyValidator.Validate(topology).Select(e => e.ToString())];

    [Fact]
    public void Defaults_are_istios_permissive_mtls_and_no_policies()
    {
        var security = new SecuritySpec();
        Assert.Equal(MtlsMode.Permissive, security.Mtls);
        Assert.Empty(security.MtlsByService);
        Assert.Empty(security.Policies);
        Assert.Equal(AuthorizationAction.Allow, new AuthorizationPolicy().Action);
    }

    [Fact]
    public void The_builder_sets_modes_policies_and_per_service_sidecars()
    {
        var topology = Mesh()
            .Mtls(MtlsMode.Strict)
            .Mtls("frontend", MtlsMode.Permissive)
            .Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources("frontend", "legacy")))
            .Build();
        var security = topology.Mesh.Security;
        Assert.Equal(MtlsMode.Strict, security.MtlsFor("payments"));
        Assert.Equal(MtlsMode.Permissive, security.MtlsFor("frontend"));
        Assert.Equal<string>(["frontend", "legacy"], security.Policies.Single().Rules.Single().From);
        Assert.False(topology.Mesh.HasSidecar(topology.Service("legacy")!));
        Assert.True(topology.Mesh.HasSidecar(topology.Service("payments")!));
        Assert.True((topology.Mesh with { Sidecars = false }).HasSidecar(topology.Service("payments")! with { Sidecar = true }));
    }

    [Fact]
    public void Validation_reports_every_security_problem_with_its_path()
    {
        var topology = Mesh()
            .Mtls("paymnts", MtlsMode.Strict)
            .Mtls("legacy", MtlsMode.Strict)
            .Authorize(new AuthorizationPolicy
            {
                To = "legacy",
                Rules = [new AuthorizationRule { From = ["frontnd", "cluster.local/ns/*/sa/x", ""], Paths = ["pay", "/a*b", "*x*"] }],
            })
            .BuildUnchecked();
        Assert.Equal(
            [
                "mesh.security.mtlsByService.legacy: 'legacy' runs without a sidecar, so nothing would enforce strict mTLS on it",
                "mesh.security.mtlsByService.paymnts: no service named 'paymnts' (did you mean 'payments'?)",
                "mesh.security.policies[0].to: 'legacy' runs without a sidecar, so nothing would enforce an authorization policy on it",
                "mesh.security.policies[0].rules[0].from[0]: no service or gateway named 'frontnd' (did you mean 'frontend'?)",
                "mesh.security.policies[0].rules[0].from[1]: 'cluster.local/ns/*/sa/x' is not an identity pattern: use an exact value, 'prefix*', '*suffix' or '*'",
                "mesh.security.policies[0].rules[0].from[2]: must name a service, a gateway or an identity",
                "mesh.security.policies[0].rules[0].paths[0]: must start with '/' (or '*' for a suffix match)",
                "mesh.security.policies[0].rules[0].paths[1]: '/a*b' is not a path pattern: use an exact value, 'prefix*', '*suffix' or '*'",
                "mesh.security.policies[0].rules[0].paths[2]: '*x*' is not a path pattern: use an exact value, 'prefix*', '*suffix' or '*'",
            ],
            Problems(topology));
    }

    [Fact]
    public void Gateways_identities_and_istio_patterns_are_valid_sources()
    {
        var topology = Mesh()
            .Authorize(AuthorizationPolicy.Allow(null, new AuthorizationRule
            {
                From = ["edge", "frontend", "spiffe://cluster.local/ns/default/sa/legacy", "cluster.local/ns/istio-system/*", "*/sa/frontend", "*"],
                Paths = ["/exact", "/prefix/*", "*.json", "*"],
            }))
            .Build();
        Assert.Single(topology.Mesh.Security.Policies);
    }

    [Fact]
    public void Strict_mesh_wide_is_valid_with_a_service_left_without_a_sidecar()
    {
        // The migration case: nothing enforces on 'legacy', and its own calls go out in plaintext.
        Assert.Empty(Problems(Mesh().Mtls(MtlsMode.Strict).Build()));
    }

    [Fact]
    public void A_set_security_event_replaces_the_parts_it_gives_and_keeps_the_others()
    {
        var current = new SecuritySpec
        {
            Mtls = MtlsMode.Permissive,
            MtlsByService = ImmutableDictionary<string, MtlsMode>.Empty.Add("payments", MtlsMode.Strict),
            Policies = [AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources("frontend"))],
        };
        var strict = new SetSecurityEvent(Mtls: MtlsMode.Strict).ApplyTo(current);
        Assert.Equal(MtlsMode.Strict, strict.Mtls);
        Assert.Equal(current.MtlsByService, strict.MtlsByService);
        Assert.Equal(current.Policies, strict.Policies);
        var open = new SetSecurityEvent(Policies: []).ApplyTo(current);
        Assert.Empty(open.Policies);
        Assert.Equal(MtlsMode.Permissive, open.Mtls);
        Assert.Equal("set security: mTLS strict, mTLS permissive on payments, 0 authorization policies",
            new SetSecurityEvent(MtlsMode.Strict, ImmutableDictionary<string, MtlsMode>.Empty.Add("payments", MtlsMode.Permissive), ImmutableArray<AuthorizationPolicy>.Empty).Describe());
    }
}
