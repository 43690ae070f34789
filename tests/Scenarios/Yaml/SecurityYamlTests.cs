using ActorMesh.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace ActorMesh.Tests.Scenarios.Yaml;

/// <summary><c>mesh.security</c>, <c>services[].sidecar</c> and the timeline's <c>setSecurity</c> event in topology files.</summary>
public class SecurityYamlTests
{
    private const string Secure = """
        name: secure
        mesh:
          security:
            mtls: STRICT
            mtlsByService: { frontend: permissive, ledger: disable }
            policies:
              - name: payments-callers
                to: payments
                rules:
                  - from: [frontend, edge, "cluster.local/ns/default/sa/legacy"]
                    paths: [/pay*, /status]
                  - from: "*"
              - action: deny
                rules:
                  - paths: /admin*
        services:
          - name: frontend
            script: [ { call: { service: payments, path: /pay } } ]
          - name: legacy
            sidecar: false
            script: [ { call: payments } ]
          - name: payments
            sidecar: true
            script: [ { call: ledger } ]
          - name: ledger
        gateways:
          - name: edge
            routes: [ { prefix: /, service: frontend } ]
        """;

    private static MeshTopology Read(string yaml)
    {
        var result = TopologyFile.Parse(yaml, "secure.yaml");
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Problems));
        return result.Topology!;
    }

    private static string[] Problems(string yaml)
    {
        var result = TopologyFile.Parse(yaml, "secure.yaml");
        Assert.False(result.Ok);
        return [.. result.Problems.Select(p => p.ToString())];
    }

    [Fact]
    public void Peer_authentication_is_read_mesh_wide_and_per_service_in_any_case()
    {
        var security = Read(Secure).Mesh.Security;
        Assert.Equal(MtlsMode.Strict, security.Mtls);
        Assert.Equal(MtlsMode.Permissive, security.MtlsFor("frontend"));
        Assert.Equal(MtlsMode.Disable, security.MtlsFor("ledger"));
        Assert.Equal(MtlsMode.Strict, security.MtlsFor("payments"));
    }

    [Fact]
    public void Authorization_policies_are_read_with_rules_sources_and_paths()
    {
        var policies = Read(Secure).Mesh.Security.Policies;
        Assert.Equal(2, policies.Length);
        var allow = policies[0];
        Assert.Equal(("payments-callers", "payments", AuthorizationAction.Allow), (allow.Name, allow.To, allow.Action));
        Assert.Equal<string>(["frontend", "edge", "cluster.local/ns/default/sa/legacy"], allow.Rules[0].From);
        Assert.Equal<string>(["/pay*", "/status"], allow.Rules[0].Paths);
        Assert.Equal<string>(["*"], allow.Rules[1].From);
        Assert.Empty(allow.Rules[1].Paths);
        var deny = policies[1];
        Assert.Equal((null, null, AuthorizationAction.Deny), (deny.Name, deny.To, deny.Action));
        Assert.Equal<string>(["/admin*"], Assert.Single(deny.Rules).Paths);
        Assert.Empty(deny.Rules[0].From);
    }

    [Fact]
    public void A_service_chooses_its_own_sidecar_and_otherwise_follows_the_mesh()
    {
        var t = Read(Secure);
        Assert.Equal([null, false, true, null], t.Services.Select(s => s.Sidecar));
        Assert.Equal([true, false, true, true], t.Services.Select(t.Mesh.HasSidecar));
    }

    [Fact]
    public void Without_a_security_section_the_mesh_is_permissive_with_no_policies()
    {
        var t = Read("""
            name: plain
            services: [ { name: a } ]
            """);
        Assert.Equal(new SecuritySpec(), t.Mesh.Security with { });
        Assert.Equal(MtlsMode.Permissive, t.Mesh.Security.Mtls);
        Assert.Empty(t.Mesh.Security.Policies);
    }

    [Fact]
    public void Security_mistakes_are_reported_with_line_column_path_and_suggestion()
    {
        var problems = Problems("""
            name: secure
            mesh:
              security:
                mtls: stict
                mtlsByService: { paymnts: strict, legacy: strict }
                policies:
                  - to: payments
                    action: reject
                    rules:
                      - from: [frontnd]
                        paths: [pay, "/a*b"]
                        methods: [GET]
            services:
              - name: frontend
                sidecar: maybe
              - name: legacy
                sidecar: false
              - name: payments
            """);
        Assert.Equal<string>(
            [
                "secure.yaml:4:11: mesh.security.mtls: unknown value 'stict' (did you mean 'strict'?)",
                "secure.yaml:5:22: mesh.security.mtlsByService.paymnts: no service named 'paymnts' (did you mean 'payments'?)",
                "secure.yaml:5:39: mesh.security.mtlsByService.legacy: 'legacy' runs without a sidecar, so nothing would enforce strict mTLS on it",
                "secure.yaml:8:17: mesh.security.policies[0].action: unknown value 'reject'; expected one of: allow, deny",
                "secure.yaml:10:20: mesh.security.policies[0].rules[0].from[0]: no service or gateway named 'frontnd' (did you mean 'frontend'?)",
                "secure.yaml:11:21: mesh.security.policies[0].rules[0].paths[0]: must start with '/' (or '*' for a suffix match)",
                "secure.yaml:11:26: mesh.security.policies[0].rules[0].paths[1]: '/a*b' is not a path pattern: use an exact value, 'prefix*', '*suffix' or '*'",
                "secure.yaml:12:13: mesh.security.policies[0].rules[0].methods: unknown key 'methods'; expected one of: from, paths",
                "secure.yaml:15:14: services[0].sidecar: expected true or false, got 'maybe'",
            ],
            problems);
    }

    [Fact]
    public void A_set_security_event_reads_only_the_parts_given()
    {
        var (change, problems) = ReadSetSecurity("{ mtls: strict }");
        Assert.Empty(problems);
        Assert.Equal(new SetSecurityEvent(MtlsMode.Strict), change);

        (change, problems) = ReadSetSecurity("""
            mtlsByService: { payments: permissive }
            policies:
              - { to: payments, action: deny, rules: [ { from: [legacy] } ] }
            """);
        Assert.Empty(problems);
        Assert.Null(change.Mtls);
        Assert.Equal(MtlsMode.Permissive, change.MtlsByService!["payments"]);
        Assert.Equal(AuthorizationAction.Deny, Assert.Single(change.Policies!.Value).Action);
    }

    [Fact]
    public void A_set_security_event_reports_its_mistakes_at_its_own_path()
    {
        var (_, problems) = ReadSetSecurity("{ mtls: loose, polices: [] }");
        Assert.Equal(
            [
                "timeline[0].setSecurity.polices: unknown key 'polices' (did you mean 'policies'?)",
                "timeline[0].setSecurity.mtls: unknown value 'loose'; expected one of: permissive, strict, disable",
            ],
            problems);
        (_, problems) = ReadSetSecurity("{}");
        Assert.Equal(["timeline[0].setSecurity: give at least one of 'mtls', 'mtlsByService', 'policies'"], problems);
    }

    private static (SetSecurityEvent Change, string[] Problems) ReadSetSecurity(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var reader = new YamlReader("timeline.yaml", KeyRules.Strict);
        var change = MeshKeys.SetSecurity(reader, stream.Documents[0].RootNode, "timeline[0].setSecurity");
        return (change, [.. reader.Problems.Select(p => $"{p.Path}: {p.Message}")]);
    }
}
