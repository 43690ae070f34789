namespace ActorMesh.Host;

/// <summary>A mistake of the user's (bad flag, missing file, unknown scenario): printed plainly, exit code 2.</summary>
internal sealed class UserError(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public UserError(string problem) : this([problem]) { }

    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>The command completed.</summary>
    public const int Ok = 0;
    /// <summary>An internal failure (a bug or the machine).</summary>
    public const int InternalError = 1;
    /// <summary>A user mistake: unknown scenario, missing or malformed file, bad flag value.</summary>
    public const int UserError = 2;
    /// <summary>A check failed: an SLO threshold (<c>run --assert</c>, the topology's <c>slo</c>) or a regression (<c>compare --fail-on</c>).</summary>
    public const int CheckFailed = 3;
    /// <summary>Ended by SIGINT (Ctrl+C): 128 + 2, as shells report it. A run still wrote its summary and report, unless interrupted twice.</summary>
    public const int Interrupted = 130;
    /// <summary>Ended by SIGTERM: 128 + 15. As <see cref="Interrupted"/>.</summary>
    public const int Terminated = 143;
}
