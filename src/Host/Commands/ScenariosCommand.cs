using ActorMesh.Scenarios.Catalog;

namespace ActorMesh.Host.Commands;

/// <summary><c>scenarios [name]</c>: lists the built-in scenarios, or prints one's topology file to copy and change.</summary>
internal static class ScenariosCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = "Print this scenario's topology file (to copy and change)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("scenarios", "List the built-in scenarios, or print one's topology file") { name };
        command.SetAction(parse =>
        {
            var wanted = parse.GetValue(name);
            if (wanted is not null)
            {
                var scenario = ScenarioCatalog.Find(wanted)
                    ?? throw new UserError($"no built-in scenario named '{wanted}'; built-in scenarios are: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}");
                Console.Out.Write(scenario.Yaml);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumn("scenario").AddColumn("what it shows");
            foreach (var s in ScenarioCatalog.All) table.AddRow(Markup.Escape(s.Name), Markup.Escape(s.Summary));
            AnsiConsole.Write(table);
            AnsiConsole.WriteLine("Run one with 'actormesh run <scenario>'; print its topology file with 'actormesh scenarios <scenario>'.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
