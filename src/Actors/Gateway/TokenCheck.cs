using ActorMesh.DataPlane;

namespace ActorMesh.Gateway;

/// <summary>
/// Checks an emulated JWT at the edge the way a JWT filter does: signature first, then issuer,
/// audience and expiry (by the mesh clock). No allocation, no exceptions.
/// </summary>
internal static class TokenCheck
{
    /// <summary>What is wrong with <paramref name="token"/> for a gateway expecting <paramref name="issuer"/> and <paramref name="audience"/> at <paramref name="now"/>.</summary>
    public static TokenProblem Check(BearerToken? token, string issuer, string audience, bool required, long now)
    {
        if (token is null) return required ? TokenProblem.Missing : TokenProblem.None;
        if (!token.SignatureValid) return TokenProblem.BadSignature;
        if (!string.Equals(token.Issuer, issuer, StringComparison.Ordinal)) return TokenProblem.WrongIssuer;
        if (!string.Equals(token.Audience, audience, StringComparison.Ordinal)) return TokenProblem.WrongAudience;
        if (now >= token.ExpiresAt) return TokenProblem.Expired;
        return TokenProblem.None;
    }
}
