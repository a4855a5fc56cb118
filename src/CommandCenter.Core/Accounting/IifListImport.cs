using System.Globalization;
using CommandCenter.Common;

namespace CommandCenter.Accounting;

/// <summary>
/// Reads a QuickBooks Desktop list export (File → Utilities → Export → Lists to IIF Files): tab-separated rows, each
/// list introduced by a header row (<c>!CUST</c>, <c>!INVITEM</c>) that names the columns of the rows after it. Columns
/// are found by name, so extra or reordered columns are fine; other lists (accounts, vendors…) are skipped. The external
/// id of a customer or an item is its QuickBooks full name (what an IIF invoice refers to).
/// </summary>
public static class IifListImport
{
    /// <summary>Null lists: the file holds no such list (the stored one is left as it is).</summary>
    public sealed record Lists(IReadOnlyList<ExternalCustomer>? Customers, IReadOnlyList<ExternalItem>? Items);

    public const int MaxNameLength = 100;
    public const int MaxErrors = 20;

    /// <summary>Parses the file; every problem is reported with its line number (field <c>file</c>), nothing is half-read.</summary>
    public static Lists Parse(string? text)
    {
        var errors = new List<string>();
        List<ExternalCustomer>? customers = null;
        List<ExternalItem>? items = null;
        var firstLine = new Dictionary<(string, string), int>();
        string? section = null;
        Dictionary<string, int>? columns = null;
        var lines = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        for (var i = 0; i < lines.Length && errors.Count < MaxErrors; i++)
        {
            var number = i + 1;
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var cells = line.Split('\t').Select(Unquote).ToArray();
            var type = cells[0].Trim().ToUpperInvariant();
            if (type.StartsWith('!'))
            {
                section = type[1..];
                columns = null;
                if (section is "CUST" or "INVITEM")
                {
                    columns = cells.Select((c, index) => (Name: c.Trim().ToUpperInvariant(), index)).Where(c => c.Name.Length > 0)
                        .GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First().index, StringComparer.Ordinal);
                    if (!columns.ContainsKey("NAME"))
                    {
                        errors.Add($"Line {number}: the !{section} header has no NAME column.");
                        columns = null;
                    }

                    if (section == "CUST")
                    {
                        customers ??= [];
                    }
                    else
                    {
                        items ??= [];
                    }
                }

                continue;
            }

            if (type is not ("CUST" or "INVITEM"))
            {
                continue; // another list (accounts, vendors, classes…) or its rows
            }

            if (section != type)
            {
                errors.Add($"Line {number}: a {type} row before its !{type} header row.");
                continue;
            }

            if (columns is null)
            {
                continue; // its header was already reported
            }

            var name = Cell(cells, columns, "NAME")?.Trim() ?? "";
            var what = type == "CUST" ? "customer" : "item";
            if (name.Length == 0)
            {
                errors.Add($"Line {number}: a {what} without a NAME.");
                continue;
            }

            if (name.Length > MaxNameLength)
            {
                errors.Add($"Line {number}: the {what} name '{name[..40]}…' is longer than {MaxNameLength} characters.");
                continue;
            }

            if (!firstLine.TryAdd((type, name), number))
            {
                errors.Add($"Line {number}: the {what} '{name}' is listed twice (first on line {firstLine[(type, name)]}).");
                continue;
            }

            var active = !string.Equals(Cell(cells, columns, "HIDDEN")?.Trim(), "Y", StringComparison.OrdinalIgnoreCase);
            if (type == "CUST")
            {
                customers!.Add(new ExternalCustomer(name, name, active, NullIfEmpty(Cell(cells, columns, "EMAIL"))));
                continue;
            }

            decimal? price = null;
            if (NullIfEmpty(Cell(cells, columns, "PRICE")) is { } rawPrice && !rawPrice.EndsWith('%'))
            {
                if (decimal.TryParse(rawPrice.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var p))
                {
                    price = p;
                }
                else
                {
                    errors.Add($"Line {number}: the PRICE '{rawPrice}' of item '{name}' is not a number.");
                    continue;
                }
            }

            items!.Add(new ExternalItem(name, name, active, NullIfEmpty(Cell(cells, columns, "INVITEMTYPE")), price, NullIfEmpty(Cell(cells, columns, "ACCNT"))));
        }

        if (errors.Count == 0 && customers is null && items is null)
        {
            errors.Add("The file holds no customer list (!CUST) and no item list (!INVITEM): export the Customer:Job List or the Item List from QuickBooks (File → Utilities → Export → Lists to IIF Files).");
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["file"] = [.. errors] });
        }

        return new Lists(customers, items);
    }

    private static string? Cell(string[] cells, Dictionary<string, int> columns, string name) =>
        columns.TryGetValue(name, out var index) && index < cells.Length ? cells[index] : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>QuickBooks quotes fields holding separators or quotes ("Smith, John"; doubled quotes inside).</summary>
    private static string Unquote(string cell) =>
        cell.Length >= 2 && cell[0] == '"' && cell[^1] == '"' ? cell[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : cell;
}
