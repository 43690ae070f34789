using System.CommandLine;
using ActorMesh.Host;
using ActorMesh.Host.Commands;
using Serilog;
using Spectre.Console;

// Redirected output (CI logs, files) has no terminal width: give tables room instead of 80 columns.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
Log.Logger = Logging.CreateLogger(args.Contains("--verbose"));
try
{
    var root = new RootCommand("ActorMesh: try out a microservice architecture before you build it. Services, sidecars, gateways and the control plane run as Akka.NET actors; the mesh injects latency and faults.")
    {
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
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (UserError e)
{
    foreach (var problem in e.Problems) Console.Error.WriteLine($"error: {problem}");
    return ExitCodes.UserError;
}
catch (Exception e)
{
    Log.Fatal(e, "ActorMesh failed");
    Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
    Console.Error.WriteLine("This is a bug in ActorMesh, not in your input; run with --verbose for the stack trace.");
    return ExitCodes.InternalError;
}
finally
{
    await Log.CloseAndFlushAsync();
}
