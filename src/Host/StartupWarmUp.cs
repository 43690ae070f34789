using Akka.Configuration;
using YamlDotNet.RepresentationModel;

namespace ActorMesh.Host;

/// <summary>
/// Work a run needs once per process, started on the second core while the first parses the command line.
/// Akka's HOCON reader and YamlDotNet's tag validation each build a compiled regular expression the first time
/// they are used (Reflection.Emit, then a JIT of several kilobytes of code: tens of milliseconds), Akka seeds its
/// random source from the OS's cryptographic one (loading OpenSSL), and the readers' own code (Akka's reference
/// configuration, its JSON serializer, the logger it loads by name) is prepared on first use. Done here, once, the run finds it done instead of paying for it on the thread that runs the mesh
/// (about 0.1 s of that thread's CPU for <c>run chain --clock virtual</c>). Nothing is kept; a run does the same.
/// </summary>
internal static class StartupWarmUp
{
    /// <summary>
    /// Starts the warm-up for <paramref name="args"/> (only <c>run</c> and <c>validate</c> read YAML; only <c>run</c> starts
    /// Akka) and returns it; nobody needs to wait for it (a first use that comes sooner does the work itself).
    /// </summary>
    public static Task Start(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "";
        if (command is not ("run" or "validate")) return Task.CompletedTask;
        return Task.Run(() =>
        {
            // A tiny document through the same parser the topology reader uses.
            new YamlStream().Load(new StringReader("warm: up\nlist: [1, 2]\n"));
            if (command != "run") return;
            ConfigurationFactory.ParseString("warm-up { duration = 1s, list = [a, b] }").GetTimeSpan("warm-up.duration");
            // Akka seeds its thread-local random (actor uids) from the OS's cryptographic source: loading it takes a while.
            Akka.Util.ThreadLocalRandom.Current.Next();
            // What ActorSystem.Create reads and builds first: Akka's own reference configuration (parsed again there, but
            // through a prepared parser), its default JSON serializer (Newtonsoft.Json) and the logger type the console names.
            ConfigurationFactory.Default();
            Newtonsoft.Json.JsonSerializer.Create(new Newtonsoft.Json.JsonSerializerSettings());
            Type.GetType(Logging.AkkaLogger);
        });
    }
}
