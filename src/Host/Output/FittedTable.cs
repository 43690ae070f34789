namespace ActorMesh.Host.Output;

/// <summary>
/// A table that fits the console: when its columns are wider than the console together, they are
/// split over several tables, each repeating the first column (the row's name), so cells are never
/// cut through a number. A name longer than <see cref="NameWidth"/> is shortened with an ellipsis;
/// no cell or header wraps, but for a lone column of text wider than the console, which wraps at its spaces.
/// </summary>
internal sealed class FittedTable(string title, params string[] headers)
{
    /// <summary>Longest name kept whole in the first column.</summary>
    public const int NameWidth = 24;

    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row: the name, then one plain-text cell per further header.</summary>
    public FittedTable Row(params string[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"{headers.Length} cells expected, got {cells.Length}", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    /// <summary>Writes the table to <paramref name="console"/>, split to fit its width.</summary>
    public void Write(IAnsiConsole console)
    {
        foreach (var table in Tables(console.Profile.Width)) console.Write(table);
    }

    /// <summary>The tables to write at <paramref name="width"/> columns.</summary>
    public IReadOnlyList<Table> Tables(int width)
    {
        var name = Width(0, shortened: true);
        var groups = new List<List<int>>();
        var current = new List<int>();
        var used = Frame(name) + 1;
        for (var c = 1; c < headers.Length; c++)
        {
            var w = Frame(Width(c, shortened: false));
            if (current.Count > 0 && used + w > width)
            {
                groups.Add(current);
                current = [];
                used = Frame(name) + 1;
            }
            current.Add(c);
            used += w;
        }
        if (current.Count > 0 || groups.Count == 0) groups.Add(current);
        return [.. groups.Select((columns, i) => Build(columns, groups.Count == 1 ? title : $"{title} ({i + 1} of {groups.Count})", width))];
    }

    private Table Build(List<int> columns, string caption, int width)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(caption));
        table.AddColumn(new TableColumn(Markup.Escape(headers[0])).NoWrap());
        // A lone column of text too wide for the console wraps at its spaces (numbers are never that wide).
        var wraps = columns.Count == 1 && Frame(Width(0, shortened: true)) + Frame(Width(columns[0], shortened: false)) + 1 > width;
        foreach (var c in columns)
        {
            var column = new TableColumn(Markup.Escape(headers[c]));
            table.AddColumn(wraps ? column : column.RightAligned().NoWrap());
        }
        foreach (var row in _rows)
            table.AddRow([Markup.Escape(Shorten(row[0])), .. columns.Select(c => Markup.Escape(row[c]))]);
        return table;
    }

    /// <summary>A column's width: its widest cell or its header (neither wraps).</summary>
    private int Width(int column, bool shortened)
    {
        var header = headers[column].Length;
        var cells = _rows.Count == 0 ? 0 : _rows.Max(r => shortened ? Shorten(r[column]).Length : r[column].Length);
        return Math.Max(header, cells);
    }

    /// <summary>A column's width with its padding (one space each side) and its left border (the table adds one right border).</summary>
    private static int Frame(int width) => width + 3;

    private static string Shorten(string name) => name.Length <= NameWidth ? name : name[..(NameWidth - 1)] + "…";
}
