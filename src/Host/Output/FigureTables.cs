using System.Text.Json.Nodes;

namespace ActorMesh.Host.Output;

/// <summary>
/// A lesson's figures for the console: the takeaway as a sentence, numbers and short words in one small
/// table, each object or list of objects as its own small table, and long text as wrapped lines; never raw JSON.
/// </summary>
internal static class FigureTables
{
    /// <summary>Text longer than this goes on its own line (wrapped at spaces) instead of into a table cell.</summary>
    public const int LongText = 40;

    /// <summary>Writes <paramref name="figures"/> to <paramref name="console"/>.</summary>
    public static void Write(JsonObject figures, IAnsiConsole console)
    {
        if (figures.Count == 0) return;
        var scalars = new FittedTable("figures", "figure", "value");
        var scalarRows = 0;
        var after = new List<Action>();
        foreach (var (key, value) in figures)
        {
            switch (value)
            {
                case JsonObject o:
                    after.Add(() => ObjectTable(key, o).Write(console));
                    break;
                case JsonArray list when list.Count > 0 && list.All(i => i is JsonObject):
                    after.Add(() => ListTable(key, list).Write(console));
                    break;
                default:
                    var text = FigureText.Of(value);
                    if (key != "takeaway" && text.Length <= LongText && !text.Contains('\n', StringComparison.Ordinal))
                    {
                        scalars.Row(key, text);
                        scalarRows++;
                    }
                    else
                    {
                        var lines = text.Split(Environment.NewLine);
                        after.Insert(0, () =>
                        {
                            console.MarkupLine($"[bold]{Markup.Escape(key)}[/]: {Markup.Escape(lines[0])}");
                            foreach (var line in lines.Skip(1)) console.MarkupLine("  " + Markup.Escape(line));
                        });
                    }
                    break;
            }
        }
        if (scalarRows > 0) scalars.Write(console);
        foreach (var write in after) write();
    }

    private static FittedTable ObjectTable(string key, JsonObject o)
    {
        var table = new FittedTable(key, "name", "value");
        foreach (var (name, value) in o) table.Row(name, FigureText.Of(value));
        return table;
    }

    /// <summary>A list of objects: one row each, one column per key (in first-seen order).</summary>
    private static FittedTable ListTable(string key, JsonArray list)
    {
        var columns = list.OfType<JsonObject>().SelectMany(o => o.Select(kv => kv.Key)).Distinct(StringComparer.Ordinal).ToArray();
        var table = new FittedTable(key, columns);
        foreach (var o in list.OfType<JsonObject>())
            table.Row([.. columns.Select(c => o.TryGetPropertyValue(c, out var v) ? FigureText.Of(v) : "")]);
        return table;
    }
}
