namespace ActorMesh.Tests.Host;

/// <summary>The cluster flags and the node command, as a user types them: mistakes exit with 2 and say what is wrong.</summary>
public class ClusterCommandLineTests
{
    [Theory]
    [InlineData("--cluster", "localhost", "--cluster: 'localhost' is not host:port")]
    [InlineData("--cluster", "127.0.0.1:99999", "is not host:port")]
    [InlineData("--nodes", "0", "--nodes: '0' is not a whole number from 1 to 64")]
    [InlineData("--nodes", "65", "--nodes: '65' is not a whole number from 1 to 64")]
    [InlineData("--transport", "carrier-pigeon", "--transport: 'carrier-pigeon' is not one of: direct, remoting")]
    [InlineData("--link-reading", "psychic", "--link-reading: 'psychic' is not one of: wait, poll")]
    public async Task A_bad_cluster_flag_exits_with_2_and_names_it(string flag, string value, string message)
    {
        var (code, _, stderr) = await CommandLineTests.Run("run", "chain", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task Nodes_and_cluster_together_are_refused()
    {
        var (code, _, stderr) = await CommandLineTests.Run("run", "chain", "--nodes", "3", "--cluster", "127.0.0.1:4053");
        Assert.Equal(2, code);
        Assert.Contains("--nodes and --cluster cannot be used together", stderr);
    }

    [Fact]
    public async Task A_cluster_nobody_runs_is_a_clear_error_not_a_crash()
    {
        // Port 1 on loopback: nothing listens there, so the join is refused until it gives up.
        var (code, _, stderr) = await CommandLineTests.Run("run", "chain", "--cluster", "127.0.0.1:1", "--duration", "1s");
        Assert.Equal(2, code);
        Assert.Contains("could not join the cluster through akka.tcp://actormesh@127.0.0.1:1", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task A_bad_link_port_of_a_node_exits_with_2_and_names_it()
    {
        var (code, _, stderr) = await CommandLineTests.Run("node", "--port", "0", "--link-port", "70000");
        Assert.Equal(2, code);
        Assert.Contains("--link-port: '70000' is not a port number (0 to 65535)", stderr);
    }

    [Fact]
    public async Task Node_needs_a_port()
    {
        var (code, _, stderr) = await CommandLineTests.Run("node");
        Assert.Equal(2, code);
        Assert.Contains("--port", stderr);
    }
}
