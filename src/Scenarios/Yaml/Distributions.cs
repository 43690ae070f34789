namespace ActorMesh.Scenarios.Yaml;

/// <summary>
/// A distribution of milliseconds: a duration is a constant; a mapping names
/// its <c>type</c> and that type's parameters.
/// </summary>
internal static class Distributions
{
    /// <summary>Each type and the parameters it takes, as <see cref="Keys"/> declares them.</summary>
    private static readonly (string Type, DistributionKind Kind, string A, string? B)[] Shapes =
    [
        ("constant", DistributionKind.Constant, "value", null),
        ("uniform", DistributionKind.Uniform, "min", "max"),
        ("normal", DistributionKind.Normal, "mean", "stddev"),
        ("lognormal", DistributionKind.LogNormal, "median", "sigma"),
        ("exponential", DistributionKind.Exponential, "mean", null),
        ("pareto", DistributionKind.Pareto, "scale", "shape"),
    ];

    private static readonly Schema Keys = new()
    {
        { "type", Syntax.Text, $"One of {string.Join(", ", Shapes.Select(s => s.Type))}.", Need.Required },
        { "value", Syntax.Milliseconds, "constant: the value." },
        { "min", Syntax.Milliseconds, "uniform: the least value." },
        { "max", Syntax.Milliseconds, "uniform: the greatest value." },
        { "mean", Syntax.Milliseconds, "normal, exponential: the mean." },
        { "stddev", Syntax.Milliseconds, "normal: the standard deviation." },
        { "median", Syntax.Milliseconds, "lognormal: the median." },
        { "sigma", Syntax.Number, "lognormal: the standard deviation of the logarithm, a plain number." },
        { "scale", Syntax.Milliseconds, "pareto: the least value." },
        { "shape", Syntax.Number, "pareto: the tail index, a plain number (mean = scale × shape / (shape − 1))." },
    };

    /// <summary>A distribution, written as above.</summary>
    public static readonly Syntax<Distribution> Value = Syntax.Of("distribution", Read);

    private static Distribution Read(YamlReader r, YamlNode node, string path)
    {
        if (node is not YamlMappingNode) return r.Scalar(node, path, Distribution.Zero, YamlValues.ConstantDistribution);
        var problemsBefore = r.Problems.Count;
        var s = r.Open(node, path, Keys);
        if (s.Text("type") is not { } type) return Distribution.Zero;
        var shape = Array.Find(Shapes, x => x.Type.Equals(type.Trim(), StringComparison.OrdinalIgnoreCase));
        if (shape.Type is null)
        {
            r.Problem(s["type"], s.PathOf("type"), YamlValues.Unknown("distribution type", type.Trim(), Shapes.Select(x => x.Type)));
            return Distribution.Zero;
        }

        string[] parameters = shape.B is null ? [shape.A] : [shape.A, shape.B];
        foreach (var key in Keys.Names.Except(["type", .. parameters]))
            if (s[key] is { } other) r.Problem(other, s.PathOf(key), $"a {shape.Type} distribution has no '{key}'; it takes {string.Join(" and ", parameters.Select(p => $"'{p}'"))}");
        r.Require(s, parameters);
        var a = s.Get(shape.A, 0.0);
        var b = shape.B is null ? 0 : s.Get(shape.B, 0.0);
        // Half-read parameters would fail validation at the distribution itself: a problem already said why.
        return r.Problems.Count > problemsBefore ? Distribution.Zero : new Distribution(shape.Kind, a, b);
    }
}
