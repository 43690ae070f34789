using ActorMesh.DataPlane.Security;

namespace ActorMesh.Tests.DataPlane.Security;

/// <summary>The destination sidecar's check, as Istio orders it: peer authentication, then DENY, then ALLOW policies.</summary>
public class InboundAuthorizerTests
{
    private static readonly string Orders = WorkloadIdentity.OfService("orders");
    private static readonly string Frontend = WorkloadIdentity.OfService("frontend");
    private static readonly string Edge = WorkloadIdentity.OfGateway("edge");

    private static InboundAuthorizer For(Func<TopologyBuilder, TopologyBuilder> security, string service = "payments")
    {
        var topology = security(MeshTopology.Create("authz")
            .Gateway("edge", g => g.Route("/", "frontend"))
            .Service("frontend", s => s.Call("orders"))
            .Service("orders", s => s.Call("payments"))
            .Service("payments"))
            .Build();
        return InboundAuthorizer.For(topology, service);
    }

    [Fact]
    public void Identities_are_spiffe_ids_by_namespace_and_service_account()
    {
        Assert.Equal("spiffe://cluster.local/ns/default/sa/orders", Orders);
        Assert.Equal("spiffe://cluster.local/ns/istio-system/sa/edge", Edge);
    }

    [Fact]
    public void Permissive_by_default_accepts_plaintext_and_mtls_and_says_which()
    {
        var authz = For(t => t);
        Assert.Equal(MtlsMode.Permissive, authz.Mode);
        Assert.Equal(InboundVerdict.AllowedPlaintext, authz.Check(null, "/"));
        Assert.Equal(InboundVerdict.AllowedMtls, authz.Check(Orders, "/"));
    }

    [Fact]
    public void Strict_denies_plaintext_and_accepts_any_mtls_peer()
    {
        var authz = For(t => t.Mtls(MtlsMode.Strict));
        Assert.Equal(InboundVerdict.DeniedPlaintext, authz.Check(null, "/"));
        Assert.Equal(InboundVerdict.AllowedMtls, authz.Check(Orders, "/"));
        Assert.Equal(InboundVerdict.AllowedMtls, authz.Check(Edge, "/"));
    }

    [Fact]
    public void A_service_mode_overrides_the_mesh_wide_one()
    {
        Assert.Equal(InboundVerdict.AllowedPlaintext, For(t => t.Mtls(MtlsMode.Strict).Mtls("payments", MtlsMode.Permissive)).Check(null, "/"));
        Assert.Equal(InboundVerdict.DeniedPlaintext, For(t => t.Mtls("payments", MtlsMode.Strict)).Check(null, "/"));
        Assert.Equal(InboundVerdict.AllowedPlaintext, For(t => t.Mtls("payments", MtlsMode.Strict), service: "orders").Check(null, "/"));
    }

    [Fact]
    public void Disable_makes_every_request_plaintext_so_rules_naming_sources_never_match()
    {
        var authz = For(t => t.Mtls(MtlsMode.Disable).Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources("orders"))));
        Assert.Equal(InboundVerdict.DeniedByPolicy, authz.Check(Orders, "/"));
        Assert.Equal(InboundVerdict.AllowedPlaintext, For(t => t.Mtls(MtlsMode.Disable)).Check(Orders, "/"));
    }

    [Fact]
    public void An_allow_policy_admits_only_the_sources_it_names()
    {
        var authz = For(t => t.Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources("orders"))));
        Assert.Equal(InboundVerdict.AllowedMtls, authz.Check(Orders, "/pay"));
        Assert.Equal(InboundVerdict.DeniedByPolicy, authz.Check(Frontend, "/pay"));
        Assert.Equal(InboundVerdict.DeniedByPolicy, authz.Check(Edge, "/pay"));
        // Plaintext has no identity, so it matches no source even in permissive mode.
        Assert.Equal(InboundVerdict.DeniedByPolicy, authz.Check(null, "/pay"));
    }

    [Fact]
    public void A_policy_on_another_service_does_not_apply_and_one_without_a_destination_applies_to_all()
    {
        var elsewhere = For(t => t.Authorize(AuthorizationPolicy.Allow("orders", AuthorizationRule.FromSources("frontend"))));
        Assert.Equal(InboundVerdict.AllowedMtls, elsewhere.Check(Edge, "/"));
        var meshWide = For(t => t.Authorize(AuthorizationPolicy.Deny(null, AuthorizationRule.FromSources("edge"))));
        Assert.Equal(InboundVerdict.DeniedByPolicy, meshWide.Check(Edge, "/"));
        Assert.Equal(InboundVerdict.AllowedMtls, meshWide.Check(Orders, "/"));
    }

    [Fact]
    public void A_deny_policy_wins_over_an_allow_policy_that_also_matches()
    {
        var authz = For(t => t
            .Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources("orders", "frontend")))
            .Authorize(AuthorizationPolicy.Deny("payments", new AuthorizationRule { From = ["frontend"], Paths = ["/admin*"] })));
        Assert.Equal(InboundVerdict.AllowedMtls, authz.Check(Frontend, "/pay"));
        Assert.Equal(InboundVerdict.DeniedByPolicy, authz.Check(Frontend, "/admin/users"));
        Assert.Equal(InboundVerdict.AllowedMtls, authz.Check(Orders, "/admin/users"));
    }

    [Theory]
    [InlineData("/pay", "/pay", true)]
    [InlineData("/pay", "/pay/now", false)]
    [InlineData("/pay*", "/pay/now", true)]
    [InlineData("/pay*", "/refund", false)]
    [InlineData("*/now", "/pay/now", true)]
    [InlineData("*/now", "/pay/later", false)]
    [InlineData("*", "/anything", true)]
    public void Paths_match_as_in_istio_exact_prefix_suffix_or_any(string pattern, string path, bool allowed)
    {
        var authz = For(t => t.Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.OnPaths(pattern))));
        Assert.Equal(allowed ? InboundVerdict.AllowedMtls : InboundVerdict.DeniedByPolicy, authz.Check(Orders, path));
    }

    [Fact]
    public void A_rule_without_sources_matches_plaintext_too_but_star_matches_only_mtls_peers()
    {
        var anyone = For(t => t.Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.OnPaths("/public*"))));
        Assert.Equal(InboundVerdict.AllowedPlaintext, anyone.Check(null, "/public/x"));
        var authenticated = For(t => t.Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources("*"))));
        Assert.Equal(InboundVerdict.AllowedMtls, authenticated.Check(Edge, "/"));
        Assert.Equal(InboundVerdict.DeniedByPolicy, authenticated.Check(null, "/"));
    }

    [Fact]
    public void An_allow_policy_without_rules_matches_nothing_so_it_denies_everyone()
    {
        var authz = For(t => t.Authorize(new AuthorizationPolicy { To = "payments" }));
        Assert.Equal(InboundVerdict.DeniedByPolicy, authz.Check(Orders, "/"));
        // The same policy as DENY matches nothing either: everything passes.
        Assert.Equal(InboundVerdict.AllowedMtls, For(t => t.Authorize(new AuthorizationPolicy { To = "payments", Action = AuthorizationAction.Deny })).Check(Orders, "/"));
    }

    [Fact]
    public void Sources_can_be_identities_in_spiffe_or_istio_principal_form_or_patterns()
    {
        var full = For(t => t.Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources(Orders))));
        Assert.Equal(InboundVerdict.AllowedMtls, full.Check(Orders, "/"));
        var principal = For(t => t.Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources("cluster.local/ns/default/sa/orders"))));
        Assert.Equal(InboundVerdict.AllowedMtls, principal.Check(Orders, "/"));
        Assert.Equal(InboundVerdict.DeniedByPolicy, principal.Check(Frontend, "/"));
        var gatewaysNamespace = For(t => t.Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources("cluster.local/ns/istio-system/*"))));
        Assert.Equal(InboundVerdict.AllowedMtls, gatewaysNamespace.Check(Edge, "/"));
        Assert.Equal(InboundVerdict.DeniedByPolicy, gatewaysNamespace.Check(Orders, "/"));
    }

    [Fact]
    public void An_identity_the_topology_does_not_know_is_still_judged_by_the_rules()
    {
        var authz = For(t => t.Authorize(AuthorizationPolicy.Allow("payments", AuthorizationRule.FromSources("spiffe://partner.example/*"))));
        Assert.Equal(InboundVerdict.AllowedMtls, authz.Check("spiffe://partner.example/ns/billing/sa/batch", "/"));
        Assert.Equal(InboundVerdict.DeniedByPolicy, authz.Check("spiffe://other.example/ns/x/sa/y", "/"));
    }

    [Fact]
    public void Before_any_config_a_sidecar_is_permissive_and_open()
    {
        Assert.Equal(InboundVerdict.AllowedPlaintext, InboundAuthorizer.Open.Check(null, "/"));
        Assert.Equal(InboundVerdict.AllowedMtls, InboundAuthorizer.Open.Check(Orders, "/"));
    }
}
