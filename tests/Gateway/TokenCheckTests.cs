using ActorMesh.DataPlane;
using ActorMesh.Gateway;

namespace ActorMesh.Tests.Gateway;

public class TokenCheckTests
{
    private const string Issuer = "https://login.example.com";
    private const string Audience = "mobile";
    private static readonly BearerToken Good = new("client-0", Issuer, Audience, ExpiresAt: 1000, SignatureValid: true);

    [Fact]
    public void A_good_token_passes_until_its_expiry_on_the_mesh_clock()
    {
        Assert.Equal(TokenProblem.None, TokenCheck.Check(Good, Issuer, Audience, required: true, now: 999));
        Assert.Equal(TokenProblem.Expired, TokenCheck.Check(Good, Issuer, Audience, required: true, now: 1000));
    }

    [Fact]
    public void Each_bad_claim_is_named()
    {
        Assert.Equal(TokenProblem.BadSignature, TokenCheck.Check(Good with { SignatureValid = false }, Issuer, Audience, true, 0));
        Assert.Equal(TokenProblem.WrongIssuer, TokenCheck.Check(Good with { Issuer = "https://evil.example" }, Issuer, Audience, true, 0));
        Assert.Equal(TokenProblem.WrongAudience, TokenCheck.Check(Good with { Audience = "web" }, Issuer, Audience, true, 0));
    }

    [Fact]
    public void The_signature_is_checked_before_the_claims()
    {
        var forged = new BearerToken("x", "https://evil.example", "web", ExpiresAt: 0, SignatureValid: false);
        Assert.Equal(TokenProblem.BadSignature, TokenCheck.Check(forged, Issuer, Audience, true, 10));
    }

    [Fact]
    public void A_missing_token_is_refused_only_when_tokens_are_required()
    {
        Assert.Equal(TokenProblem.Missing, TokenCheck.Check(null, Issuer, Audience, required: true, 0));
        Assert.Equal(TokenProblem.None, TokenCheck.Check(null, Issuer, Audience, required: false, 0));
        Assert.Equal(TokenProblem.Expired, TokenCheck.Check(Good, Issuer, Audience, required: false, 5000));
    }
}
