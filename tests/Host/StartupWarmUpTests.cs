using ActorMesh.Host;

namespace ActorMesh.Tests.Host;

/// <summary>
/// The console warms Akka's configuration reader and the YAML reader on the second core while it parses the command
/// line (<see cref="StartupWarmUp"/>): the warm-up must finish cleanly, and only for the commands that read YAML or start Akka.
/// </summary>
public class StartupWarmUpTests
{
    [Theory]
    [InlineData("run", "chain", "--clock", "virtual")]
    [InlineData("validate", "topology.yaml")]
    public async Task The_warm_up_of_a_run_or_a_validation_completes_without_an_error(params string[] args)
    {
        var warmUp = StartupWarmUp.Start(args);

        await warmUp.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(warmUp.IsCompletedSuccessfully);
    }

    [Theory]
    [InlineData("scenarios")]
    [InlineData("--help")]
    [InlineData]
    public void Other_commands_start_no_warm_up(params string[] args) =>
        Assert.Same(Task.CompletedTask, StartupWarmUp.Start(args));
}
