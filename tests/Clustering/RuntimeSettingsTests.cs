using System.Text.Json;

namespace ActorMesh.Tests.Clustering;

/// <summary>
/// The console's runtime settings that the cross-node path was tuned with (docs/benchmarks.md, every hop across
/// nodes): the thread pool's idle workers park at once rather than spin, read from the runtimeconfig the build
/// writes next to the console (copied here with it).
/// </summary>
public class RuntimeSettingsTests
{
    [Fact]
    public void The_console_parks_idle_thread_pool_workers_without_spinning()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "ActorMesh.Host.runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
