namespace ActorMesh.Scenarios.Lessons;

/// <summary>
/// The <c>coupling</c> lesson: a modular monolith gains implicit dependencies between its modules, one
/// per step. The monolith is the topology's first service with modules; its modules' calls into other
/// modules are the couplings, in file order (the service's own script is the designed way in and
/// never counts). Step 0 runs the monolith without any of them, step N with the first N; each step is
/// one short run. From the module calls each run made (<c>callGraph.modules</c>, observed, not read from
/// the file) the lesson computes the blast radius of a change to each module: the modules that depend
/// on it directly or transitively, itself included.
/// Figures: <c>blastRadiusByStep</c> (mean over the modules, 2 decimals), <c>maxBlastRadiusByStep</c>,
/// <c>dependenciesByStep</c> (module-to-module calls observed), <c>steps</c> (the coupling each step added, as
/// "orders depends on cart"),
/// <c>blastRadiusByModule</c> (last step), <c>p50MsByStep</c>. The report returned is the last step's.
/// </summary>
/// <param name="runStep">Runs one step (default: <see cref="MeshRunner.RunAsync"/>, real time in its own ActorSystem).</param>
internal sealed class CouplingLesson(Func<MeshTopology, RunOptions, CancellationToken, Task<RunReport>>? runStep = null) : IScenarioLesson
{
    /// <summary>How <c>callGraph.modules</c> names a service's own script as a caller.</summary>
    public const string ServiceScript = "(service)";

    private readonly Func<MeshTopology, RunOptions, CancellationToken, Task<RunReport>> _runStep =
        runStep ?? ((topology, options, cancellation) => MeshRunner.RunAsync(topology, options, cancellation));

    /// <summary>One module calling into another.</summary>
    public sealed record Coupling(string From, string To)
    {
        /// <inheritdoc />
        public override string ToString() => $"{From} depends on {To}";
    }

    /// <inheritdoc />
    public async Task<RunReport> RunAsync(MeshTopology topology, RunOptions options, CancellationToken cancellation)
    {
        var monolith = Monolith(topology);
        var couplings = Couplings(monolith);
        var reports = new List<RunReport>();
        for (var step = 0; step <= couplings.Count && !cancellation.IsCancellationRequested; step++)
        {
            options.PhaseStarted?.Invoke(new LessonPhase(step + 1, couplings.Count + 1, step == 0 ? $"{monolith.Name} with no module couplings" : $"{monolith.Name} with {step} of {couplings.Count} couplings"));
            reports.Add(await _runStep(AtStep(topology, step), options, cancellation));
        }
        return reports[^1] with { Figures = Figures(monolith.Name, couplings, reports) };
    }

    /// <summary>The monolith: the first service with modules.</summary>
    public static ServiceSpec Monolith(MeshTopology topology) =>
        topology.Services.FirstOrDefault(s => !s.Modules.IsEmpty)
        ?? throw new TopologyException([new ValidationError("services", "the coupling lesson needs a service with modules (a modular monolith)")]);

    /// <summary>The monolith's module-to-module calls, in the order they appear in the file: one coupling per step.</summary>
    public static IReadOnlyList<Coupling> Couplings(ServiceSpec monolith) =>
        [.. monolith.Modules.SelectMany(m => m.Script.OfType<ModuleStep>().Select(call => new Coupling(m.Name, call.Module)))];

    /// <summary><paramref name="topology"/> with only the first <paramref name="step"/> couplings of its monolith.</summary>
    public static MeshTopology AtStep(MeshTopology topology, int step)
    {
        var monolith = Monolith(topology);
        var kept = 0;
        var modules = monolith.Modules.Select(m => m with
        {
            Script = [.. m.Script.Where(s => s is not ModuleStep || kept++ < step)],
        });
        var index = topology.Services.IndexOf(monolith);
        return topology with { Services = topology.Services.SetItem(index, monolith with { Modules = [.. modules] }) };
    }

    /// <summary>
    /// The blast radius of a change to each module seen in <paramref name="moduleCalls"/> (a service's
    /// <c>callGraph.modules</c>): the modules that call it directly or through others, itself included.
    /// </summary>
    public static SortedDictionary<string, int> BlastRadius(IReadOnlyList<EdgeReport> moduleCalls)
    {
        var modules = new SortedSet<string>(StringComparer.Ordinal);
        var callers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var call in moduleCalls.Where(c => c.Calls > 0))
        {
            modules.Add(call.To);
            if (call.From == ServiceScript) continue;
            modules.Add(call.From);
            if (!callers.TryGetValue(call.To, out var list)) callers[call.To] = list = [];
            list.Add(call.From);
        }
        var radius = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var module in modules)
        {
            var reached = new HashSet<string>(StringComparer.Ordinal) { module };
            var next = new Stack<string>([module]);
            while (next.TryPop(out var m))
                foreach (var caller in callers.GetValueOrDefault(m) ?? [])
                    if (reached.Add(caller)) next.Push(caller);
            radius[module] = reached.Count;
        }
        return radius;
    }

    /// <summary>The lesson's figures, from one report per step (step 0 first) of the monolith <paramref name="service"/>.</summary>
    public static JsonObject Figures(string service, IReadOnlyList<Coupling> couplings, IReadOnlyList<RunReport> steps)
    {
        var calls = steps.Select(r => r.CallGraph.Modules.GetValueOrDefault(service) ?? []).ToList();
        var radii = calls.Select(BlastRadius).ToList();
        return new JsonObject
        {
            ["blastRadiusByStep"] = Numbers(radii.Select(r => r.Count == 0 ? 0 : Math.Round(r.Values.Average(), 2))),
            ["maxBlastRadiusByStep"] = Numbers(radii.Select(r => r.Count == 0 ? 0 : r.Values.Max())),
            ["dependenciesByStep"] = Numbers(calls.Select(c => c.Count(e => e.From != ServiceScript && e.Calls > 0))),
            ["steps"] = new JsonArray([.. steps.Select((_, i) => JsonValue.Create(i == 0 ? "as designed" : couplings[i - 1].ToString()))]),
            ["modules"] = radii[^1].Count,
            ["blastRadiusByModule"] = new JsonObject(radii[^1].Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["p50MsByStep"] = Numbers(steps.Select(r => r.LatencyMs.P50)),
        };
    }

    private static JsonArray Numbers<T>(IEnumerable<T> values) => new([.. values.Select(v => JsonValue.Create(v))]);
}
