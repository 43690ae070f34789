using ActorMesh.Scenarios.Yaml;
using Akka.Event;

namespace ActorMesh.Tests.TestKit;

/// <summary>Logs are quiet unless asked for; log events go to the test's output when asked.</summary>
public class VirtualTimeSpecTests
{
    private sealed class Output : ITestOutputHelper
    {
        public List<string> Lines { get; } = [];
        public void WriteLine(string message) { lock (Lines) Lines.Add(message); }
        public void WriteLine(string format, params object[] args) => WriteLine(string.Format(format, args));
    }

    private sealed class Spec(ITestOutputHelper output, LogLevel? logEvents) : VirtualTimeSpec(output, logEvents)
    {
        public void RunAMesh()
        {
            var mesh = StartMesh(MeshTopology.Create("one").Service("orders")
                .Load(l => l with { Rps = 50, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero }).Build());
            RunAndReport(mesh).ShouldBeOk();
            Sys.Log.Warning("a warning from the test");
        }

        public void Stop() => AfterAll();

        public MeshTopology Load(string path) => LoadTopology(path);
    }

    [Fact]
    public void By_default_nothing_of_the_actor_system_reaches_the_test_output()
    {
        var output = new Output();
        var spec = new Spec(output, logEvents: null);
        spec.RunAMesh();
        spec.Stop();
        Assert.Empty(output.Lines);
    }

    [Fact]
    public void Asked_for_log_events_go_to_the_test_output()
    {
        var output = new Output();
        var spec = new Spec(output, LogLevel.WarningLevel);
        spec.RunAMesh();
        spec.Stop();
        Assert.Contains(output.Lines, l => l.Contains("a warning from the test"));
    }

    [Fact]
    public void A_topology_file_with_problems_fails_with_every_problem_located()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("actormesh-testkit-").FullName, "bad.yaml");
        File.WriteAllText(path, "name: bad\nservices:\n  - name: a\n    script: [ { call: b } ]\n    replicas: -1\n");
        var spec = new Spec(new Output(), null);
        var e = Assert.Throws<TopologyFileException>(() => spec.Load(path));
        spec.Stop();
        Assert.Equal(2, e.Problems.Count);
        Assert.Contains("bad.yaml:4:", e.Message);
    }
}
