using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Host.Commands;

/// <summary><c>validate &lt;file&gt;</c>: checks a topology file and prints every problem.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Topology file (.yaml): ActorMesh's format or an isotope service graph" };
        var command = new Command("validate", "Check a topology file and list every problem with its line and field path") { file };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new UserError($"topology file '{path}' not found");
            var result = TopologyFile.Load(path);
            if (!result.Ok)
            {
                foreach (var problem in result.Problems) Console.Error.WriteLine(problem);
                Console.Error.WriteLine($"{path}: {result.Problems.Count} problem(s)");
                return ExitCodes.UserError;
            }
            var t = result.Topology!;
            var estimate = MeshCapacity.Estimate(t);
            if (estimate.Problems.Count > 0)
            {
                foreach (var problem in estimate.Problems) Console.Error.WriteLine($"{path}: {problem}");
                Console.Error.WriteLine($"{path}: valid, but too large for this machine — estimate: {estimate}");
                return ExitCodes.UserError;
            }
            Console.Out.WriteLine($"{path}: valid — '{t.Name}': {t.Services.Length} service(s), {t.Services.Sum(s => s.Replicas)} pod(s), {t.Gateways.Length} gateway(s)");
            Console.Out.WriteLine($"estimate: {estimate}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
