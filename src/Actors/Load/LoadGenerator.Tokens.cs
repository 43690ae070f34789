using ActorMesh.DataPlane;

namespace ActorMesh.Load;

/// <summary>The bearer tokens the clients send: each client's valid one, and the profile's share of bad ones.</summary>
internal sealed partial class LoadGenerator
{
    /// <summary>
    /// The token for <paramref name="client"/> at target <paramref name="target"/>: the client's valid
    /// one (made once), or, for the profile's share of bad tokens, one with a problem picked at random.
    /// </summary>
    private BearerToken? Token(int target, int client)
    {
        var t = _targets[target];
        var subject = _subjects[client] ??= "client-" + client;
        if (_profile.BadTokenShare > 0 && _random.Chance(_profile.BadTokenShare))
        {
            var problem = (TokenProblem)(1 + _random.NextInt(BadTokenKinds));
            return problem switch
            {
                TokenProblem.Missing => null,
                TokenProblem.BadSignature => new BearerToken(subject, t.Issuer, t.Audience, _tokenExpiry, SignatureValid: false),
                TokenProblem.WrongIssuer => new BearerToken(subject, UnknownIssuer, t.Audience, _tokenExpiry, true),
                TokenProblem.WrongAudience => new BearerToken(subject, t.Issuer, UnknownAudience, _tokenExpiry, true),
                _ => new BearerToken(subject, t.Issuer, t.Audience, _clock.Now - ExpiredBy, true),
            };
        }
        var tokens = _validTokens[target] ??= new BearerToken?[_clients];
        return tokens[client] ??= new BearerToken(subject, t.Issuer, t.Audience, _tokenExpiry, true);
    }

    private static readonly int BadTokenKinds = Enum.GetValues<TokenProblem>().Length - 1;
}
