namespace ActorMesh.Topology;

/// <summary>One problem found in a topology or in a set of options, with the field path it concerns.</summary>
/// <param name="Path">Field path, e.g. <c>services[2].script[1].call</c>.</param>
/// <param name="Message">What is wrong, e.g. <c>no service named 'paymnts'</c>.</param>
public sealed record ValidationError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => string.IsNullOrEmpty(Path) ? Message : $"{Path}: {Message}";
}

/// <summary>Collects validation problems under a field path prefix; options records report into it.</summary>
public sealed class ValidationContext
{
    private readonly List<ValidationError> _errors;
    private readonly string _prefix;
    private readonly Suggestions _suggestions;

    /// <summary>A new, empty context.</summary>
    public ValidationContext() : this([], "", new Suggestions()) { }

    private ValidationContext(List<ValidationError> errors, string prefix, Suggestions suggestions)
    {
        _errors = errors;
        _prefix = prefix;
        _suggestions = suggestions;
    }

    /// <summary>Every problem reported so far.</summary>
    public IReadOnlyList<ValidationError> Errors => _errors;

    /// <summary>True when nothing has been reported.</summary>
    public bool IsValid => _errors.Count == 0;

    /// <summary>A context whose paths are prefixed with <paramref name="field"/>.</summary>
    public ValidationContext At(string field) =>
        new(_errors, _prefix.Length == 0 ? field : field.StartsWith('[') ? _prefix + field : $"{_prefix}.{field}", _suggestions);

    /// <summary>A context for element <paramref name="index"/> of list <paramref name="field"/>.</summary>
    public ValidationContext At(string field, int index) => At($"{field}[{index}]");

    /// <summary>Reports a problem at <paramref name="field"/> under this context's path.</summary>
    public void Error(string field, string message) => _errors.Add(new ValidationError(At(field)._prefix, message));

    /// <summary>Reports a problem at this context's own path.</summary>
    public void Error(string message) => _errors.Add(new ValidationError(_prefix, message));

    /// <summary>" (did you mean 'x'?)" for a name not found, or ""; the contexts of one validation share one bounded budget (<see cref="Suggestions"/>).</summary>
    internal string Suggest(string name, IEnumerable<string> candidates) => _suggestions.For(name, candidates);

    /// <summary>Reports a problem unless <paramref name="condition"/> holds.</summary>
    public void Require(bool condition, string field, string message)
    {
        if (!condition) Error(field, message);
    }

    /// <summary>Checks a distribution's parameters.</summary>
    public void Check(string field, Distribution? distribution)
    {
        if (distribution is null) return;
        foreach (var problem in distribution.Problems()) Error(field, problem);
    }

    /// <summary>Checks that a duration is not negative.</summary>
    public void NonNegative(string field, TimeSpan value)
    {
        if (value < TimeSpan.Zero) Error(field, "must not be negative");
    }

    /// <summary>Checks that a duration is strictly positive.</summary>
    public void Positive(string field, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) Error(field, "must be greater than zero");
    }
}

/// <summary>A topology (or options) that failed validation; lists every problem at once.</summary>
public sealed class TopologyException(IReadOnlyList<ValidationError> errors)
    : Exception($"The topology has {errors.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}
