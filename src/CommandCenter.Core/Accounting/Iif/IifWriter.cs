using System.Globalization;
using System.Text;
using CommandCenter.Billing;

namespace CommandCenter.Accounting.Iif;

/// <summary>
/// The tenant's IIF settings: the A/R account every document debits (TRNS ACCNT), the income account of lines whose
/// item carries none, and the date format of the PC that imports the file (QuickBooks reads dates in its Windows
/// locale: "MM/dd/yyyy" in the US, "dd/MM/yyyy" in the UK).
/// </summary>
public sealed record IifOptions(string ArAccount, string DefaultIncomeAccount, string DateFormat = "MM/dd/yyyy");

/// <summary>
/// Writes invoices and credit memos as a QuickBooks Desktop IIF import file (vendor-apis.md §7): the <c>!TRNS</c>,
/// <c>!SPL</c> and <c>!ENDTRNS</c> header rows once, then per document one TRNS row, one SPL row per line and ENDTRNS.
/// Tab-delimited, CRLF, Windows-1252 without BOM, invariant numbers. IIF has no idempotency: the export ledger
/// (<see cref="IifExport"/>) and DOCNUM = our invoice number are the only guard against importing twice.
/// </summary>
public static class IifWriter
{
    /// <summary>The TRNS columns (vendor-apis.md §7.5). SERVICEDATE is left out: unconfirmed on older QuickBooks versions.</summary>
    public static readonly IReadOnlyList<string> TrnsColumns =
        ["TRNSID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO", "CLEAR", "TOPRINT", "NAMEISTAXABLE", "DUEDATE", "TERMS", "INVMEMO"];

    public static readonly IReadOnlyList<string> SplColumns =
        ["SPLID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO", "CLEAR", "QNTY", "PRICE", "INVITEM", "TAXABLE"];

    public const string InvoiceType = "INVOICE";
    public const string CreditMemoType = "CREDIT MEMO";

    /// <summary>QuickBooks Desktop keeps item rates to 5 decimal places.</summary>
    private const int PriceDecimals = 5;

    private const string Crlf = "\r\n";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Windows-1252 straight from the code-pages provider (no process-wide registration needed). An exception fallback:
    /// every value is transliterated into cp1252 first, so a character that still cannot be encoded is a bug, not data.
    /// </summary>
    private static readonly Encoding Cp1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)
        ?? throw new InvalidOperationException("The Windows-1252 code page is not available.");

    /// <summary>Every character cp1252 can carry (printable ones only: control characters never belong in a field).</summary>
    private static readonly HashSet<char> Cp1252Chars = BuildCp1252Chars();

    /// <summary>Letters NFD does not decompose, spelled the way a QuickBooks user would type them.</summary>
    private static readonly Dictionary<char, string> Transliterations = new()
    {
        ['Ł'] = "L", ['ł'] = "l", ['Đ'] = "D", ['đ'] = "d", ['Ħ'] = "H", ['ħ'] = "h", ['ı'] = "i", ['ĸ'] = "k",
        ['Ŀ'] = "L", ['ŀ'] = "l", ['Ŋ'] = "N", ['ŋ'] = "n", ['Ŧ'] = "T", ['ŧ'] = "t",
        ['‐'] = "-", ['‑'] = "-", ['‒'] = "-", ['―'] = "-", ['−'] = "-", ['′'] = "'", ['″'] = "''",
        ['≤'] = "<=", ['≥'] = ">=", ['≠'] = "!=",
    };

    /// <summary>The file's bytes: Windows-1252, CRLF, no BOM. Throws <see cref="ArgumentException"/> for a document IIF cannot carry.</summary>
    public static byte[] Write(IReadOnlyList<PostingDocument> documents, IifOptions options)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ArAccount) || string.IsNullOrWhiteSpace(options.DefaultIncomeAccount))
        {
            throw new ArgumentException("The IIF export needs the A/R account and a default income account.", nameof(options));
        }

        var text = new StringBuilder();
        Row(text, ["!TRNS", .. TrnsColumns]);
        Row(text, ["!SPL", .. SplColumns]);
        Row(text, ["!ENDTRNS"]);
        foreach (var document in documents)
        {
            WriteDocument(text, document, options);
        }

        return Cp1252.GetBytes(text.ToString());
    }

    /// <summary>"commandcenter-2026-11-invoices-20261130-1405.iif": the month billed, then when it was exported (UTC).</summary>
    public static string FileName(BillingPeriod period, DateTime exportedUtc) =>
        $"commandcenter-{period}-invoices-{exportedUtc.ToString("yyyyMMdd-HHmm", Invariant)}.iif";

    private static void WriteDocument(StringBuilder text, PostingDocument document, IifOptions options)
    {
        if (document.Lines.Count == 0)
        {
            throw new ArgumentException($"Document {document.Number} for {document.CustomerName} has no lines; IIF needs at least one SPL row.", nameof(document));
        }

        if (document.Lines.FirstOrDefault(l => decimal.Round(l.Amount, 2) != l.Amount) is { } unrounded)
        {
            // Rounding here would move the posted total away from the preview; amounts are rounded once, at the line, upstream.
            throw new ArgumentException($"Document {document.Number}: the amount {unrounded.Amount.ToString(Invariant)} of '{unrounded.Description}' is not in cents.", nameof(document));
        }

        var total = document.Total;
        if (document.Kind == DocumentKind.Invoice && total < 0)
        {
            throw new ArgumentException($"Document {document.Number} totals {Amount(total)}: a negative total posts as a credit memo, never as a negative invoice.", nameof(document));
        }

        if (document.Kind == DocumentKind.CreditMemo && total < 0)
        {
            throw new ArgumentException($"Credit memo {document.Number} totals {Amount(total)}: credit memos carry positive amounts for what is credited.", nameof(document));
        }

        // An invoice debits A/R (TRNS positive) and credits income (SPL negative); a credit memo is the mirror image.
        // QNTY takes the SPL's sign so that QNTY × PRICE = AMOUNT on every row, as QuickBooks' own exports write it.
        var (type, sign) = document.Kind == DocumentKind.CreditMemo ? (CreditMemoType, -1m) : (InvoiceType, 1m);
        var date = Date(document.Date, options);
        var number = Clean(document.Number);

        Row(text,
        [
            "TRNS",
            "",                                 // TRNSID: QuickBooks assigns it
            type,
            date,
            Clean(options.ArAccount),
            Clean(document.CustomerName),       // for IIF the customer's id IS its QuickBooks name
            "",                                 // CLASS
            Amount(sign * total),
            number,
            Clean(document.Memo),
            "N",                                // CLEAR
            "N",                                // TOPRINT
            "N",                                // NAMEISTAXABLE: tax is the accounting system's business (per line TAXABLE)
            document.Kind == DocumentKind.Invoice ? Date(document.DueDate, options) : "", // credit memos have no due date
            "",                                 // TERMS: DUEDATE already carries the client's terms
            "",                                 // INVMEMO
        ]);

        foreach (var line in document.Lines)
        {
            var (quantity, price, memo) = Representation(line);
            Row(text,
            [
                "SPL",
                "",                             // SPLID
                type,
                date,
                Clean(line.IncomeAccount is { Length: > 0 } account ? account : options.DefaultIncomeAccount),
                "",                             // NAME: the customer is on the TRNS row
                "",                             // CLASS
                Amount(-sign * line.Amount),
                number,
                Clean(memo),
                "N",                            // CLEAR
                Number(-sign * quantity),
                Number(price, minDecimals: 2),
                Clean(line.ItemName),
                line.Taxable ? "Y" : "N",
            ]);
        }

        Row(text, ["ENDTRNS"]);
    }

    /// <summary>
    /// QNTY and PRICE for a line whose Amount is authoritative. QuickBooks recomputes a line's amount as QNTY × PRICE
    /// (rounded to cents) when the invoice is edited, so the pair must reproduce Amount: otherwise a later edit in
    /// QuickBooks would silently change the posted total away from the preview. In order of preference:
    /// 1. the line's own quantity and unit price, when they give Amount (the usual case, and what the client saw);
    /// 2. the same quantity with PRICE = Amount / Quantity to 5 decimals (QuickBooks' rate precision), when that gives
    ///    Amount — a prorated line reads "3 × 9.68" instead of "3 × 26.40" for 11 of 30 days;
    /// 3. QNTY 1 and PRICE = Amount, with the original "quantity x unit price" appended to the memo, so nothing can be
    ///    recomputed differently and the detail is still on the invoice.
    /// "Gives Amount" means |QNTY × PRICE − Amount| &lt; half a cent: the same cents under any rounding mode.
    /// PRICE is negative only for a line that goes against its document (a discount on an invoice, a charge that
    /// reduces a credit memo), keeping QNTY × PRICE = AMOUNT.
    /// </summary>
    internal static (decimal Quantity, decimal Price, string Memo) Representation(PostingLine line)
    {
        var quantity = line.Quantity;
        if (quantity != 0 && HasAtMostDecimals(quantity, PriceDecimals))
        {
            if (HasAtMostDecimals(line.UnitPrice, PriceDecimals) && Reproduces(quantity, line.UnitPrice, line.Amount))
            {
                return (quantity, line.UnitPrice, line.Description);
            }

            var rate = decimal.Round(line.Amount / quantity, PriceDecimals, MidpointRounding.AwayFromZero);
            if (Reproduces(quantity, rate, line.Amount))
            {
                return (quantity, rate, line.Description);
            }
        }
        else if (quantity == 0 && line.Amount == 0 && HasAtMostDecimals(line.UnitPrice, PriceDecimals))
        {
            return (0m, line.UnitPrice, line.Description); // a $0.00 line (e.g. nothing used this month) stays as it reads
        }

        var detail = $"{Number(quantity)} x {Number(line.UnitPrice, minDecimals: 2)}";
        var memo = string.IsNullOrWhiteSpace(line.Description) ? detail : $"{line.Description} ({detail})";
        return (1m, line.Amount, memo);
    }

    private static bool Reproduces(decimal quantity, decimal price, decimal amount) => Math.Abs((quantity * price) - amount) < 0.005m;

    private static bool HasAtMostDecimals(decimal value, int decimals) => decimal.Round(value, decimals) == value;

    private static void Row(StringBuilder text, IReadOnlyList<string> values)
    {
        text.AppendJoin('\t', values);
        text.Append(Crlf);
    }

    private static string Date(DateOnly date, IifOptions options) => date.ToString(options.DateFormat, Invariant);

    /// <summary>Exactly two decimals, '-' sign, no thousands separator; never "-0.00".</summary>
    private static string Amount(decimal value) => (value == 0 ? 0m : value).ToString("0.00", Invariant);

    private static string Number(decimal value, int minDecimals = 0)
    {
        var format = minDecimals == 0 ? "0.#####" : "0." + new string('0', minDecimals) + new string('#', PriceDecimals - minDecimals);
        return (value == 0 ? 0m : value).ToString(format, Invariant);
    }

    /// <summary>
    /// A field as IIF can carry it: tabs, line breaks and other control characters become spaces (they would split the
    /// row), double quotes go (QuickBooks treats a quoted field specially), runs of spaces collapse, and characters
    /// outside Windows-1252 are transliterated (accents dropped, "ł" → "l") or replaced by '?'.
    /// </summary>
    internal static string Clean(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value == '"')
            {
                continue;
            }

            if (Rune.IsControl(rune) || Rune.IsWhiteSpace(rune))
            {
                text.Append(' ');
            }
            else if (rune.IsBmp && Cp1252Chars.Contains((char)rune.Value))
            {
                text.Append((char)rune.Value);
            }
            else
            {
                text.Append(Transliterate(rune));
            }
        }

        return CollapseSpaces(text.ToString());
    }

    private static string Transliterate(Rune rune)
    {
        if (rune.IsBmp && Transliterations.TryGetValue((char)rune.Value, out var mapped))
        {
            return mapped;
        }

        // "ő" → "o" + U+030B: keep the base letters cp1252 has, drop the combining marks.
        var decomposed = rune.ToString().Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder();
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (!Cp1252Chars.Contains(c))
            {
                return "?";
            }

            kept.Append(c);
        }

        return kept.Length > 0 ? kept.ToString() : "?";
    }

    private static string CollapseSpaces(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c == ' ' && (text.Length == 0 || text[^1] == ' '))
            {
                continue;
            }

            text.Append(c);
        }

        return text.ToString().TrimEnd(' ');
    }

    private static HashSet<char> BuildCp1252Chars()
    {
        var decoder = CodePagesEncodingProvider.Instance.GetEncoding(1252, EncoderFallback.ExceptionFallback, new DecoderReplacementFallback("\uFFFD"))!;
        var chars = new HashSet<char>();
        for (var b = 0x20; b <= 0xFF; b++)
        {
            var c = decoder.GetString([(byte)b])[0];
            if (c != '\uFFFD' && !char.IsControl(c))
            {
                chars.Add(c);
            }
        }

        return chars;
    }
}
