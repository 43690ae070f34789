using ActorMesh.DataPlane;

namespace ActorMesh.Tests.Gateway;

/// <summary>Experiments on authentication at the edge: bearer tokens are checked once, and a bad one never reaches a service.</summary>
public class AuthSpecs(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    private const string Issuer = "https://login.example.com";

    private static MeshTopology Api(double badTokenShare, bool required = true, int rps = 200) => MeshTopology.Create("auth")
        .Gateway("mobile", g => g.Auth(Issuer, "mobile-app", required).Route("/", "api"))
        .Gateway("web", g => g.Auth(Issuer).Route("/", "api"))
        .Service("api")
        .Latency(Distribution.Constant(1))
        .Load(l => l with { Rps = rps, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Drain = TimeSpan.FromSeconds(1), BadTokenShare = badTokenShare, Gateway = "mobile" })
        .Build();

    [Fact]
    public void A_bad_or_missing_token_is_refused_with_401_at_the_edge_and_never_reaches_a_service()
    {
        var mesh = StartMesh(Api(badTokenShare: 1.0));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(400, report.Requests.Sent);
        Assert.Equal(400, report.Outcomes.RejectedByReason["unauthorized"]);
        Assert.Equal(400, report.Gateway.AuthRejected);
        Assert.Equal(0, report.Services["api"][ServiceCounter.Requests]);
        // The bad tokens are of every kind, picked by the run's seeded random stream.
        Assert.Equal(["badSignature", "expired", "missing", "wrongAudience", "wrongIssuer"], report.Gateway.AuthRejectedByReason.Keys);
        Assert.All(report.Gateway.AuthRejectedByReason.Values, n => Assert.InRange(n, 50, 110));
        // The 401s carry no response flag; Envoy's jwt_authn filter names them in its response code details.
        Assert.Equal(report.Gateway.AuthRejectedByReason["missing"], report.Gateway.AuthRejectedByDetails["jwt_authn_access_denied{Jwt_is_missing}"]);
        Assert.Equal(report.Gateway.AuthRejected, report.Gateway.AuthRejectedByDetails.Values.Sum());
        Assert.All(report.Gateway.AuthRejectedByDetails.Keys, k => Assert.StartsWith("jwt_authn_access_denied{", k));
    }

    [Fact]
    public void A_share_of_bad_tokens_is_refused_and_the_rest_is_served()
    {
        var mesh = StartMesh(Api(badTokenShare: 0.2, rps: 500));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.Equal(1000, report.Requests.Sent);
        Assert.InRange(report.Gateway.AuthRejected, 160, 240);
        Assert.Equal(report.Requests.Sent - report.Gateway.AuthRejected, report.Requests.Ok);
        Assert.Equal(report.Requests.Ok, report.Services["api"][ServiceCounter.Requests]);
    }

    [Fact]
    public void With_tokens_optional_a_request_without_one_passes_but_a_bad_one_is_still_refused()
    {
        var mesh = StartMesh(Api(badTokenShare: 1.0, required: false));

        var report = Await(mesh.ReportAsync(RunLoad(mesh)));

        Assert.DoesNotContain("missing", report.Gateway.AuthRejectedByReason.Keys);
        Assert.Equal(4, report.Gateway.AuthRejectedByReason.Count);
        Assert.InRange(report.Requests.Ok, 50, 110);
        Assert.Equal(report.Requests.Ok, report.Services["api"][ServiceCounter.Requests]);
        Assert.Equal(report.Requests.Sent, report.Requests.Ok + report.Gateway.AuthRejected);
    }

    [Fact]
    public void Token_expiry_is_judged_by_the_mesh_clock()
    {
        var mesh = StartMesh(Api(badTokenShare: 0));
        var gateway = mesh.Gateways["mobile"];
        var client = CreateTestProbe();
        var token = new BearerToken("client-0", Issuer, "mobile-app", ExpiresAt: Clock.Now + TimeSpan.FromMilliseconds(100).Ticks, SignatureValid: true);

        gateway.Tell(new ClientRequest(1, "/", 100, TraceContext.None, "GET", token), client);
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(StatusCodes.Ok, client.ExpectMsg<ClientResponse>().Status);

        Clock.Advance(TimeSpan.FromMilliseconds(100));
        gateway.Tell(new ClientRequest(2, "/", 100, TraceContext.None, "GET", token), client);
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        var refused = client.ExpectMsg<ClientResponse>();
        Assert.Equal(StatusCodes.Unauthorized, refused.Status);
        // Envoy's jwt_authn filter answers 401 with no response flag (UAEX is ext_authz's).
        Assert.Equal(ResponseFlags.None, refused.Flags);
    }

    [Fact]
    public void A_token_for_one_gateway_is_refused_at_another_by_its_audience()
    {
        var mesh = StartMesh(Api(badTokenShare: 0));
        var client = CreateTestProbe();
        var mobileToken = new BearerToken("client-0", Issuer, "mobile-app", long.MaxValue, true);

        mesh.Gateways["mobile"].Tell(new ClientRequest(1, "/", 100, TraceContext.None, "GET", mobileToken), client);
        mesh.Gateways["web"].Tell(new ClientRequest(2, "/", 100, TraceContext.None, "GET", mobileToken), client);
        Clock.Advance(TimeSpan.FromMilliseconds(10));

        var answers = new[] { client.ExpectMsg<ClientResponse>(), client.ExpectMsg<ClientResponse>() }.OrderBy(r => r.RequestId).ToArray();
        Assert.Equal(StatusCodes.Ok, answers[0].Status);
        Assert.Equal(StatusCodes.Unauthorized, answers[1].Status);
    }
}
