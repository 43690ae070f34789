using System.CommandLine.Help;
using ActorMesh.Host;
using ActorMesh.Host.Commands;
using Serilog;

// Work every run needs once, done on the second core while this one parses the command line and the topology.
_ = StartupWarmUp.Start(args);
// Redirected output (CI logs, files) has no terminal width: give tables room instead of 80 columns.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
Log.Logger = Logging.CreateLogger(args.Contains("--verbose"));
try
{
    // A RootCommand is named after the executable (ActorMesh.Host.dll, whether run as `dotnet …` or as the
    // `actormesh` tool): a root named after the command makes help say `actormesh`. It gets RootCommand's help and version.
    var root = new Command("actormesh", "ActorMesh: try out a microservice architecture before you build it. Services, sidecars, gateways and the control plane run as Akka.NET actors; the mesh injects latency and faults.")
    {
        new HelpOption(),
        new VersionOption(),
        ScenariosCommand.Create(),
        RunCommand.Create(),
        ValidateCommand.Create(),
        CompareCommand.Create(),
        BenchCommand.Create(),
        NodeCommand.Create(),
    };
    root.Add(Logging.VerboseOption);
    var parse = root.Parse(args);
    if (parse.Errors.Count > 0)
    {
        foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
        Console.Error.WriteLine("Run 'actormesh --help' for usage.");
        return ExitCodes.UserError;
    }
    // SIGINT and SIGTERM are the commands' own (Interrupts): System.CommandLine would force the exit 2 s after them.
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
}
catch (UserError e)
{
    foreach (var problem in e.Problems) Console.Error.WriteLine($"error: {problem}");
    return ExitCodes.UserError;
}
catch (Exception e)
{
    // A bug or the machine, never the user's input: one line, then where the stack trace went (or the trace, with --verbose).
    Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
    Console.Error.WriteLine(Logging.Verbose ? e.ToString() : $"This is a bug in ActorMesh, not in your input; {StackTraceSaved(e)}.");
    return ExitCodes.InternalError;
}
finally
{
    await Log.CloseAndFlushAsync();
}

// Writes the stack trace to a file in the temp directory and says where; or, when it cannot, says to use --verbose.
static string StackTraceSaved(Exception e)
{
    var path = Path.Combine(Path.GetTempPath(), $"actormesh-error-{Environment.ProcessId}.log");
    try
    {
        File.WriteAllText(path, e.ToString());
        return $"the stack trace is in {path}";
    }
    catch (Exception x) when (x is IOException or UnauthorizedAccessException)
    {
        return "run with --verbose for the stack trace";
    }
}
