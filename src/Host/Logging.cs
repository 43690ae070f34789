using Akka.Configuration;
using Serilog;
using Serilog.Events;

namespace ActorMesh.Host;

/// <summary>Serilog for the console and for Akka (through Akka.Logger.Serilog). Nothing is logged per request.</summary>
internal static class Logging
{
    public static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "Log actor-system events (restarts, config NACKs, ...) at Information level, and stack traces of internal errors.",
        Recursive = true,
    };

    public static bool Verbose { get; private set; }

    public static ILogger CreateLogger(bool verbose)
    {
        Verbose = verbose;
        return new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Information : LogEventLevel.Warning)
            // Cluster runs stop nodes on purpose (crashes, clean leaves): Akka.Remote's association noise is shown with --verbose only.
            .Filter.ByExcluding(e => !verbose && IsExpectedClusterNoise(e.MessageTemplate.Text))
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
    }

    private static bool IsExpectedClusterNoise(string message) =>
        message.StartsWith("Association with remote system", StringComparison.Ordinal)
        || message.StartsWith("Disassociated", StringComparison.Ordinal)
        || message.StartsWith("ClusterSingletonProxy failed to find", StringComparison.Ordinal);

    /// <summary>The logger Akka loads by name: Akka.Logger.Serilog's.</summary>
    internal const string AkkaLogger = "Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog";

    /// <summary>Akka configuration that routes Akka's log through Serilog.</summary>
    public static Config AkkaConfig => ConfigurationFactory.ParseString($$"""
        akka {
          loggers = ["{{AkkaLogger}}"]
          logger-formatter = "Akka.Logger.Serilog.SerilogLogMessageFormatter, Akka.Logger.Serilog"
          loglevel = {{(Verbose ? "INFO" : "WARNING")}}
          stdout-loglevel = OFF
        }
        """);
}
