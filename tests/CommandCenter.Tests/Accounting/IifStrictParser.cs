using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CommandCenter.Tests.Accounting;

/// <summary>One split (SPL row) as read back from an IIF file.</summary>
internal sealed record IifSplit(int LineNumber, string Account, string Item, decimal? Quantity, decimal? Price, decimal Amount, string Memo, string Taxable);

/// <summary>One transaction (TRNS row, its SPL rows, ENDTRNS) as read back from an IIF file.</summary>
internal sealed record IifTransaction(
    int LineNumber,
    string Type,
    DateOnly Date,
    string Account,
    string Name,
    string DocNum,
    decimal Amount,
    string Memo,
    DateOnly? DueDate,
    IReadOnlyList<IifSplit> Lines,
    IReadOnlyDictionary<string, string> Fields);

internal sealed class IifFormatException(int lineNumber, string message) : Exception($"IIF line {lineNumber}: {message}")
{
    public int LineNumber { get; } = lineNumber;
}

/// <summary>
/// A deliberately strict reader of the IIF files the writer produces (stricter than QuickBooks): Windows-1252 without
/// BOM, CRLF only, the three header rows first and once, data rows exactly as wide as their header, TRNS → SPL+ →
/// ENDTRNS, amounts with exactly two invariant decimals, dates in the given format, one TRNSTYPE and one DOCNUM per
/// transaction, balanced to 0.00, and QNTY × PRICE giving AMOUNT (QuickBooks recomputes it). Throws
/// <see cref="IifFormatException"/> naming the line of the first violation.
/// </summary>
internal static partial class IifStrictParser
{
    private static readonly Encoding Cp1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)!;

    private static readonly string[] RequiredTrns = ["TRNSTYPE", "DATE", "ACCNT", "NAME", "AMOUNT", "DOCNUM"];
    private static readonly string[] RequiredSpl = ["SPLID", "TRNSTYPE", "DATE", "ACCNT", "AMOUNT", "DOCNUM"];
    private static readonly string[] YesNoColumns = ["CLEAR", "TOPRINT", "NAMEISTAXABLE", "TAXABLE"];

    [GeneratedRegex(@"^-?[0-9]+\.[0-9]{2}$")]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]{1,5})?$")]
    private static partial Regex NumberPattern();

    public static IReadOnlyList<IifTransaction> Parse(byte[] bytes, string dateFormat = "MM/dd/yyyy")
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            throw new IifFormatException(1, "starts with a UTF-8 byte order mark; IIF is Windows-1252 without BOM");
        }

        string text;
        try
        {
            text = Cp1252.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new IifFormatException(1, $"not valid Windows-1252 ({e.Message})");
        }

        return Parse(text, dateFormat);
    }

    public static IReadOnlyList<IifTransaction> Parse(string text, string dateFormat = "MM/dd/yyyy")
    {
        var lines = SplitCrlf(text);
        if (lines.Count < 3)
        {
            throw new IifFormatException(lines.Count + 1, "expected the !TRNS, !SPL and !ENDTRNS header rows");
        }

        var trnsHeader = Header(lines[0], "!TRNS", 1, RequiredTrns);
        var splHeader = Header(lines[1], "!SPL", 2, RequiredSpl);
        var endHeader = Header(lines[2], "!ENDTRNS", 3, []);

        var transactions = new List<IifTransaction>();
        Dictionary<string, string>? open = null;
        var openLine = 0;
        var splits = new List<IifSplit>();
        for (var i = 3; i < lines.Count; i++)
        {
            var number = i + 1;
            var fields = lines[i].Split('\t');
            switch (fields[0])
            {
                case "TRNS":
                    if (open is not null)
                    {
                        throw new IifFormatException(number, $"TRNS before the ENDTRNS of the transaction opened on line {openLine}");
                    }

                    open = Row(fields, trnsHeader, number);
                    openLine = number;
                    TrnsFields(open, number, dateFormat); // the TRNS row's own errors are reported on its line, before its SPLs

                    splits = [];
                    break;

                case "SPL":
                    if (open is null)
                    {
                        throw new IifFormatException(number, "SPL outside a transaction (no TRNS before it)");
                    }

                    var spl = Row(fields, splHeader, number);
                    if (spl["TRNSTYPE"] != open["TRNSTYPE"])
                    {
                        throw new IifFormatException(number, $"SPL TRNSTYPE '{spl["TRNSTYPE"]}' differs from its TRNS's '{open["TRNSTYPE"]}'");
                    }

                    if (spl["DOCNUM"] != open["DOCNUM"])
                    {
                        throw new IifFormatException(number, $"SPL DOCNUM '{spl["DOCNUM"]}' differs from its TRNS's '{open["DOCNUM"]}'");
                    }

                    splits.Add(Split(spl, number, dateFormat));
                    break;

                case "ENDTRNS":
                    Row(fields, endHeader, number);
                    if (open is null)
                    {
                        throw new IifFormatException(number, "ENDTRNS without a TRNS");
                    }

                    if (splits.Count == 0)
                    {
                        throw new IifFormatException(number, $"the transaction opened on line {openLine} has no SPL row");
                    }

                    transactions.Add(Transaction(open, openLine, splits, number, dateFormat));
                    open = null;
                    break;

                default:
                    throw new IifFormatException(number, fields[0].StartsWith('!')
                        ? $"header row '{fields[0]}' after the data started (headers come first, once)"
                        : $"unknown keyword '{fields[0]}' (expected TRNS, SPL or ENDTRNS)");
            }
        }

        if (open is not null)
        {
            throw new IifFormatException(lines.Count + 1, $"end of file: the transaction opened on line {openLine} has no ENDTRNS");
        }

        return transactions;
    }

    /// <summary>Lines of a CRLF file; a bare LF or CR, a missing final CRLF or an empty line is an error.</summary>
    private static List<string> SplitCrlf(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                throw new IifFormatException(lines.Count + 1, "line break without CR (IIF lines end in CRLF)");
            }

            if (text[i] != '\r')
            {
                continue;
            }

            if (i + 1 >= text.Length || text[i + 1] != '\n')
            {
                throw new IifFormatException(lines.Count + 1, "CR without LF (IIF lines end in CRLF)");
            }

            var line = text[start..i];
            if (line.Length == 0)
            {
                throw new IifFormatException(lines.Count + 1, "empty line");
            }

            lines.Add(line);
            i++;
            start = i + 1;
        }

        if (start != text.Length)
        {
            throw new IifFormatException(lines.Count + 1, "the last line does not end in CRLF");
        }

        return lines;
    }

    private static string[] Header(string line, string keyword, int number, string[] required)
    {
        var columns = line.Split('\t');
        if (columns[0] != keyword)
        {
            throw new IifFormatException(number, $"expected the {keyword} header row, found '{columns[0]}'");
        }

        if (columns.Skip(1).FirstOrDefault(c => c.Length == 0 || c != c.Trim() || c.ToUpperInvariant() != c) is { } bad)
        {
            throw new IifFormatException(number, $"{keyword} has a blank or malformed column name '{bad}'");
        }

        if (columns.Skip(1).GroupBy(c => c).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new IifFormatException(number, $"{keyword} names column {twice.Key} twice");
        }

        if (required.FirstOrDefault(r => !columns.Contains(r)) is { } missing)
        {
            throw new IifFormatException(number, $"{keyword} lacks the required column {missing}");
        }

        return columns;
    }

    private static Dictionary<string, string> Row(string[] fields, string[] header, int number)
    {
        if (fields.Length != header.Length)
        {
            throw new IifFormatException(number, $"{fields[0]} has {fields.Length} columns but {header[0]} has {header.Length}");
        }

        var row = new Dictionary<string, string>();
        for (var c = 1; c < header.Length; c++)
        {
            var value = fields[c];
            if (value.Contains('"', StringComparison.Ordinal))
            {
                throw new IifFormatException(number, $"{header[c]} contains a double quote: '{value}'");
            }

            if (value != value.Trim())
            {
                throw new IifFormatException(number, $"{header[c]} has leading or trailing spaces: '{value}'");
            }

            if (YesNoColumns.Contains(header[c]) && value is not ("Y" or "N"))
            {
                throw new IifFormatException(number, $"{header[c]} must be Y or N, found '{value}'");
            }

            row[header[c]] = value;
        }

        return row;
    }

    private static IifSplit Split(Dictionary<string, string> spl, int number, string dateFormat)
    {
        ParseDate(spl["DATE"], dateFormat, number, "DATE");
        Required(spl, "ACCNT", number);
        var amount = ParseAmount(spl["AMOUNT"], number);
        var quantity = OptionalNumber(spl, "QNTY", number);
        var price = OptionalNumber(spl, "PRICE", number);
        if (quantity is { } q && price is { } p && Math.Abs((q * p) - amount) >= 0.005m)
        {
            throw new IifFormatException(number, $"QNTY {q} × PRICE {p} = {(q * p).ToString(CultureInfo.InvariantCulture)} does not give AMOUNT {spl["AMOUNT"]}: QuickBooks would recompute a different amount");
        }

        return new IifSplit(number, spl["ACCNT"], spl.GetValueOrDefault("INVITEM", ""), quantity, price, amount, spl.GetValueOrDefault("MEMO", ""), spl.GetValueOrDefault("TAXABLE", ""));
    }

    private static IifTransaction Transaction(Dictionary<string, string> trns, int number, List<IifSplit> splits, int endLine, string dateFormat)
    {
        var (type, date, amount, due) = TrnsFields(trns, number, dateFormat);
        var balance = amount + splits.Sum(s => s.Amount);
        if (balance != 0m)
        {
            throw new IifFormatException(endLine, $"the transaction opened on line {number} does not balance: TRNS {trns["AMOUNT"]} + SPLs {splits.Sum(s => s.Amount).ToString("0.00", CultureInfo.InvariantCulture)} = {balance.ToString("0.00", CultureInfo.InvariantCulture)}");
        }

        return new IifTransaction(number, type, date, trns["ACCNT"], trns["NAME"], trns["DOCNUM"], amount, trns.GetValueOrDefault("MEMO", ""), due, splits, trns);
    }

    private static (string Type, DateOnly Date, decimal Amount, DateOnly? DueDate) TrnsFields(Dictionary<string, string> trns, int number, string dateFormat)
    {
        var type = Required(trns, "TRNSTYPE", number);
        var date = ParseDate(trns["DATE"], dateFormat, number, "DATE");
        Required(trns, "ACCNT", number);
        Required(trns, "NAME", number);
        Required(trns, "DOCNUM", number);
        var amount = ParseAmount(trns["AMOUNT"], number);
        if ((type == "INVOICE" && amount < 0) || (type == "CREDIT MEMO" && amount > 0))
        {
            throw new IifFormatException(number, $"{type} with AMOUNT {trns["AMOUNT"]}: an invoice debits A/R (positive), a credit memo credits it (negative)");
        }

        DateOnly? due = trns.GetValueOrDefault("DUEDATE") is { Length: > 0 } text ? ParseDate(text, dateFormat, number, "DUEDATE") : null;
        return (type, date, amount, due);
    }

    private static string Required(Dictionary<string, string> row, string column, int number) =>
        row[column] is { Length: > 0 } value ? value : throw new IifFormatException(number, $"{column} is blank");

    private static decimal ParseAmount(string text, int number) =>
        AmountPattern().IsMatch(text)
            ? decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            : throw new IifFormatException(number, $"AMOUNT '{text}' is not an invariant number with exactly two decimals");

    private static decimal? OptionalNumber(Dictionary<string, string> row, string column, int number)
    {
        if (!row.TryGetValue(column, out var text) || text.Length == 0)
        {
            return null;
        }

        return NumberPattern().IsMatch(text)
            ? decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            : throw new IifFormatException(number, $"{column} '{text}' is not an invariant number with at most five decimals");
    }

    private static DateOnly ParseDate(string text, string format, int number, string column) =>
        DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new IifFormatException(number, $"{column} '{text}' is not a date in the format {format}");
}
