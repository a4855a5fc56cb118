using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CommandCenter.Audit;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using static System.FormattableString;

namespace CommandCenter.Imports;

/// <summary>
/// Onboards clients and their recurring lines from the MSP's existing billing sheet saved as CSV
/// (format: docs/billing-sheet-import.md). Preview writes nothing; commit re-reads the file and creates
/// everything in one transaction, or nothing while any row has an error.
/// </summary>
public static partial class BillingSheetImport
{
    public const long MaxFileBytes = 5 * 1024 * 1024;
    public const int MaxRows = 20_000;
    public const int MaxErrors = 1_000;

    public const string ClientColumn = "Client";
    public const string HourlyRateColumn = "Hourly Rate";
    public const string AccountingCustomerColumn = "Accounting Customer";
    public const string NotesColumn = "Notes";

    /// <param name="Row">The row as the spreadsheet shows it (header = 1, first client = 2); 0 means the file as a whole.</param>
    /// <param name="Column">The column's header as written in the file, or null when the whole row is concerned.</param>
    public sealed record RowError(int Row, string? Column, string Message);

    /// <param name="UnitPriceOverride">The price written as <c>qty @ price</c>; null follows the catalog price.</param>
    public sealed record LinePreview(Guid ItemId, string ItemName, decimal Quantity, decimal? UnitPriceOverride, decimal UnitPrice, decimal MonthlyAmount);

    public sealed record ClientPreview(int Row, string Name, decimal? HourlyRate, string? AccountingCustomerRef, string? Notes, IReadOnlyList<LinePreview> Lines)
    {
        public decimal MonthlyAmount => Lines.Sum(l => l.MonthlyAmount);
    }

    /// <summary>What a commit would create (the rows without errors) and every error; nothing is created while <see cref="Errors"/> is not empty.</summary>
    public sealed record Preview(IReadOnlyList<ClientPreview> Clients, int ClientCount, int LineCount, decimal MonthlyTotal, IReadOnlyList<RowError> Errors)
    {
        public bool CanCommit => Errors.Count == 0 && ClientCount > 0;
    }

    public sealed record CommitResult(int Created, int Lines, decimal MonthlyTotal, IReadOnlyList<RowError> Errors)
    {
        public bool Committed => Errors.Count == 0;
    }

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit, TimeProvider time)
    {
        public async Task<Preview> PreviewAsync(Stream csv, CancellationToken cancellationToken = default) =>
            await PreviewAsync(await ReadAsync(csv, cancellationToken), cancellationToken);

        public async Task<Preview> PreviewAsync(TextReader csv, CancellationToken cancellationToken = default) =>
            await PreviewAsync(await ReadAsync(csv, cancellationToken), cancellationToken);

        /// <summary>Re-reads the file (a client-sent preview is never trusted) and creates every client, or nothing when any row has an error.</summary>
        public async Task<CommitResult> CommitAsync(Stream csv, string? fileName = null, CancellationToken cancellationToken = default) =>
            await CommitAsync(await ReadAsync(csv, cancellationToken), fileName, cancellationToken);

        public async Task<CommitResult> CommitAsync(TextReader csv, string? fileName = null, CancellationToken cancellationToken = default) =>
            await CommitAsync(await ReadAsync(csv, cancellationToken), fileName, cancellationToken);

        private async Task<Preview> PreviewAsync(Sheet sheet, CancellationToken cancellationToken)
        {
            if (sheet.Error is not null)
            {
                return Failed(sheet.Error);
            }

            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await AnalyzeAsync(db, sheet.Text, cancellationToken);
        }

        private async Task<CommitResult> CommitAsync(Sheet sheet, string? fileName, CancellationToken cancellationToken)
        {
            if (sheet.Error is not null)
            {
                return new CommitResult(0, 0, 0, [sheet.Error]);
            }

            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var preview = await AnalyzeAsync(db, sheet.Text, cancellationToken);
            if (preview.Errors.Count > 0)
            {
                return new CommitResult(0, 0, 0, preview.Errors);
            }

            var now = time.GetUtcNow().UtcDateTime;
            var effectiveFrom = SaveLine.FirstOfMonth(now);
            var importId = Guid.CreateVersion7();
            var name = SaveClient.Clean(fileName) is { } n ? Truncate(Path.GetFileName(n), 200) : null;
            var reason = name is null ? Invariant($"Billing sheet import {importId}") : Invariant($"Billing sheet import {importId} ({name})");

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var row in preview.Clients)
            {
                var client = SaveClient.NewClient(
                    new SaveClient.Request(row.Name, ClientStatus.Active, row.AccountingCustomerRef, row.HourlyRate, row.Notes), now);
                var agreement = client.Agreement!;
                foreach (var draft in row.Lines)
                {
                    var line = new RecurringLine { AgreementId = agreement.Id, CreatedUtc = now };
                    SaveLine.Apply(line, new SaveLine.Request(draft.ItemId, draft.Quantity, draft.UnitPriceOverride), effectiveFrom);
                    agreement.Lines.Add(line);
                }

                db.Clients.Add(client);
                audit.Record(db, "client.created", nameof(Client), client.Id, null, SaveClient.Snapshot(client), reason);
            }

            audit.Record(db, "import.committed", "Import", importId, null,
                new ImportSnapshot(name, preview.ClientCount, preview.LineCount, preview.MonthlyTotal));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Someone created a client of the same name between the check and the save (the unique index refused it):
                // report it like any other row error instead of failing the whole request.
                await transaction.RollbackAsync(cancellationToken);
                await using var fresh = await tenantDb.OpenAsync(cancellationToken);
                var again = await AnalyzeAsync(fresh, sheet.Text, cancellationToken);
                if (again.Errors.Count > 0)
                {
                    return new CommitResult(0, 0, 0, again.Errors);
                }

                throw;
            }

            return new CommitResult(preview.ClientCount, preview.LineCount, preview.MonthlyTotal, []);
        }

        private static async Task<Preview> AnalyzeAsync(AppDbContext db, string text, CancellationToken cancellationToken)
        {
            var catalog = await db.CatalogItems.AsNoTracking()
                .Select(i => new CatalogEntry(i.Id, i.Name, i.NormalizedName, i.UnitPrice))
                .ToListAsync(cancellationToken);
            var existing = await db.Clients.AsNoTracking().Select(c => c.NormalizedName).ToListAsync(cancellationToken);
            return Analyze(text, catalog, existing.ToHashSet(StringComparer.Ordinal));
        }
    }

    internal sealed record CatalogEntry(Guid Id, string Name, string NormalizedName, decimal UnitPrice);

    /// <summary>The pure part: reads the sheet against the tenant's catalog and existing client names.</summary>
    internal static Preview Analyze(string text, IReadOnlyCollection<CatalogEntry> catalog, IReadOnlySet<string> existingClients)
    {
        var errors = new Errors();
        using var records = ReadRecords(text).GetEnumerator();
        if (!records.MoveNext())
        {
            return Failed(new RowError(0, null, "The file is empty. Row 1 must be the header: Client, then one column per catalog item."));
        }

        var header = records.Current;
        if (header.Problem is not null)
        {
            return Failed(new RowError(1, ColumnLetter(header.BadCell ?? 0), header.Problem));
        }

        if (IsBlank(header.Cells))
        {
            return Failed(new RowError(1, null, "Row 1 is empty. It must be the header: Client, then one column per catalog item."));
        }

        var columns = Columns.Read(header.Cells, catalog, errors);
        if (columns is null)
        {
            return Build([], errors);
        }

        var clients = new List<ClientPreview>();
        var firstRowByName = new Dictionary<string, int>(StringComparer.Ordinal);
        var dataRows = 0;
        while (records.MoveNext())
        {
            var record = records.Current;
            if (record.Problem is null && IsBlank(record.Cells))
            {
                continue;
            }

            if (++dataRows > MaxRows)
            {
                return Failed(new RowError(0, null, Invariant($"The file has more than {MaxRows:N0} client rows; split it into smaller files.")));
            }

            if (ReadClient(record, columns, existingClients, firstRowByName, errors) is { } client)
            {
                clients.Add(client);
            }
        }

        if (dataRows == 0 && errors.Count == 0)
        {
            errors.Add(0, null, "The file has a header but no client rows.");
        }

        return Build(clients, errors);
    }

    private static ClientPreview? ReadClient(CsvRecord record, Columns columns, IReadOnlySet<string> existingClients, Dictionary<string, int> firstRowByName, Errors errors)
    {
        var row = record.Row;
        var errorsBefore = errors.Count;
        if (record.Problem is not null)
        {
            errors.Add(row, columns.NameOf(record.BadCell ?? 0), record.Problem);
        }

        var cells = record.Cells;
        if (cells.Count > columns.Count)
        {
            // The columns no longer line up with the header, so any further message about this row would mislead.
            errors.Add(row, null, Invariant($"This row has {cells.Count} cells but the header has {columns.Count} columns. A value probably contains a comma: put that value in double quotes."));
            return null;
        }

        string Cell(int? index) => index is { } i && i < cells.Count ? cells[i].Trim() : "";

        var name = Cell(columns.Client);
        decimal? hourlyRate = null;
        var rateText = Cell(columns.HourlyRate);
        if (rateText.Length > 0)
        {
            if (TryParseNumber(rateText, allowCurrency: true, out var rate))
            {
                hourlyRate = rate;
            }
            else
            {
                errors.Add(row, columns.NameOf(columns.HourlyRate!.Value), $"'{rateText}' is not an hourly rate: write a number such as 125 or $125.00.");
            }
        }

        var request = new SaveClient.Request(name, ClientStatus.Active, SaveClient.Clean(Cell(columns.AccountingCustomer)), hourlyRate, SaveClient.Clean(Cell(columns.Notes)));
        foreach (var (field, message) in SaveClient.Rules(request).Messages)
        {
            var index = field switch
            {
                "hourlyRate" => columns.HourlyRate,
                "accountingCustomerRef" => columns.AccountingCustomer,
                "notes" => columns.Notes,
                _ => columns.Client,
            };
            errors.Add(row, columns.NameOf(index ?? columns.Client), message);
        }

        if (name.Length > 0)
        {
            var normalized = Client.Normalize(name);
            if (existingClients.Contains(normalized))
            {
                errors.Add(row, columns.NameOf(columns.Client), $"A client named '{name}' already exists. The import only creates new clients: remove this row.");
            }
            else if (firstRowByName.TryGetValue(normalized, out var firstRow))
            {
                errors.Add(row, columns.NameOf(columns.Client), Invariant($"'{name}' is already on row {firstRow}; each client can appear only once."));
            }
            else
            {
                firstRowByName[normalized] = row;
            }
        }

        foreach (var index in columns.Unnamed)
        {
            if (Cell(index).Length > 0)
            {
                errors.Add(row, columns.NameOf(index), "This value is in a column without a header: name the column after a catalog item, or clear the cell.");
            }
        }

        var lines = new List<LinePreview>();
        foreach (var (index, item) in columns.Services)
        {
            var text = Cell(index);
            if (text.Length == 0)
            {
                continue;
            }

            if (!TryParseServiceCell(text, out var quantity, out var priceOverride, out var problem))
            {
                errors.Add(row, columns.NameOf(index), problem);
                continue;
            }

            var messages = SaveLine.Rules(new SaveLine.Request(item.Id, quantity, priceOverride)).Messages.ToList();
            foreach (var (_, message) in messages)
            {
                errors.Add(row, columns.NameOf(index), message);
            }

            if (messages.Count == 0)
            {
                var unitPrice = priceOverride ?? item.UnitPrice;
                lines.Add(new LinePreview(item.Id, item.Name, quantity, priceOverride, unitPrice, Money.RoundCents(unitPrice * quantity)));
            }
        }

        return errors.Count > errorsBefore ? null : new ClientPreview(row, name, hourlyRate, request.AccountingCustomerRef, request.Notes, lines);
    }

    /// <summary><c>3</c>, <c>2.5</c>, or a quantity with a unit price: <c>10 @ 42.50</c>, <c>10 @ $1,250.00</c>.</summary>
    internal static bool TryParseServiceCell(string text, out decimal quantity, out decimal? priceOverride, out string problem)
    {
        quantity = 0;
        priceOverride = null;
        problem = "";
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var quantityText = at < 0 ? text : text[..at].Trim();
        if (!TryParseNumber(quantityText, allowCurrency: false, out quantity))
        {
            problem = $"'{text}' is not a quantity: write a number such as 3 or 2.5, or a quantity and a unit price such as 10 @ 42.50.";
            return false;
        }

        if (at >= 0)
        {
            var priceText = text[(at + 1)..].Trim();
            if (!TryParseNumber(priceText, allowCurrency: true, out var price))
            {
                problem = $"'{priceText}' is not a unit price: write the quantity and the price such as 10 @ 42.50 (a $ sign and thousands separators are fine).";
                return false;
            }

            priceOverride = price;
        }

        return true;
    }

    /// <summary>
    /// A number written the invariant way: <c>-</c>, an optional <c>$</c> (prices only), thousands separators only in
    /// groups of three — so a European <c>2,5</c> is refused rather than read as 25.
    /// </summary>
    internal static bool TryParseNumber(string text, bool allowCurrency, out decimal value)
    {
        value = 0;
        var match = NumberPattern().Match(text.Trim());
        if (!match.Success || (match.Groups["currency"].Success && !allowCurrency))
        {
            return false;
        }

        var digits = match.Groups["number"].Value.Replace(",", "", StringComparison.Ordinal);
        if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        if (match.Groups["sign"].Success)
        {
            value = -value;
        }

        return true;
    }

    [GeneratedRegex(@"^(?<sign>-)?(?<currency>\$)?\s*(?<number>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    private static Preview Failed(RowError error) => new([], 0, 0, 0, [error]);

    private static Preview Build(List<ClientPreview> clients, Errors errors) =>
        new(clients, clients.Count, clients.Sum(c => c.Lines.Count), clients.Sum(c => c.MonthlyAmount), errors.ToList());

    private static bool IsBlank(IReadOnlyList<string> cells) => cells.All(string.IsNullOrWhiteSpace);

    /// <summary>A, B, … Z, AA, AB… as the spreadsheet labels its columns.</summary>
    internal static string ColumnLetter(int index)
    {
        var letters = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return "Column " + letters;
    }

    private static string Truncate(string value, int maxLength) => value.Length <= maxLength ? value : value[..maxLength];

    private sealed record ImportSnapshot(string? FileName, int Clients, int Lines, decimal MonthlyTotal);

    /// <summary>The header, resolved: where Client and the optional columns are, and which catalog item each service column bills.</summary>
    private sealed class Columns
    {
        private readonly string[] _headers;

        private Columns(string[] headers) => _headers = headers;

        public int Count => _headers.Length;
        public int Client { get; private set; }
        public int? HourlyRate { get; private set; }
        public int? AccountingCustomer { get; private set; }
        public int? Notes { get; private set; }
        public List<(int Index, CatalogEntry Item)> Services { get; } = [];
        public List<int> Unnamed { get; } = [];

        public string NameOf(int index) => index < _headers.Length && _headers[index].Length > 0 ? _headers[index] : ColumnLetter(index);

        /// <summary>Null when the sheet has no Client column (nothing else can be read then).</summary>
        public static Columns? Read(IReadOnlyList<string> cells, IReadOnlyCollection<CatalogEntry> catalog, Errors errors)
        {
            var columns = new Columns(cells.Select(c => c.Trim()).ToArray());
            var items = catalog.ToDictionary(i => i.NormalizedName, StringComparer.Ordinal);
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            int? client = null;
            for (var i = 0; i < columns._headers.Length; i++)
            {
                var header = columns._headers[i];
                if (header.Length == 0)
                {
                    columns.Unnamed.Add(i);
                    continue;
                }

                var normalized = Clients.Client.Normalize(header);
                if (seen.TryGetValue(normalized, out var first))
                {
                    errors.Add(1, header, $"Column '{header}' appears twice ({ColumnLetter(first)} and {ColumnLetter(i)}); keep one.");
                    continue;
                }

                seen[normalized] = i;
                if (normalized == Clients.Client.Normalize(ClientColumn))
                {
                    client = i;
                }
                else if (normalized == Clients.Client.Normalize(HourlyRateColumn))
                {
                    columns.HourlyRate = i;
                }
                else if (normalized == Clients.Client.Normalize(AccountingCustomerColumn))
                {
                    columns.AccountingCustomer = i;
                }
                else if (normalized == Clients.Client.Normalize(NotesColumn))
                {
                    columns.Notes = i;
                }
                else if (items.TryGetValue(normalized, out var item))
                {
                    columns.Services.Add((i, item));
                }
                else
                {
                    errors.Add(1, header, $"No catalog item is named '{header}'. Every column other than Client, Hourly Rate, Accounting Customer and Notes must be named exactly like a catalog item: add the item to the catalog or rename the column.");
                }
            }

            if (client is null)
            {
                errors.Add(1, ClientColumn, "The header has no Client column. Row 1 must name the columns: Client, then one column per catalog item.");
                return null;
            }

            columns.Client = client.Value;
            return columns;
        }
    }

    /// <summary>Errors in file order, capped so that a sheet with thousands of bad rows still gives a readable answer.</summary>
    private sealed class Errors
    {
        private readonly List<RowError> _errors = [];
        private int _dropped;

        public int Count => _errors.Count + _dropped;

        public void Add(int row, string? column, string message)
        {
            if (_errors.Count < MaxErrors)
            {
                _errors.Add(new RowError(row, column, message));
            }
            else
            {
                _dropped++;
            }
        }

        public List<RowError> ToList() => _dropped == 0
            ? _errors
            : [.. _errors, new RowError(0, null, Invariant($"{_dropped} more errors are not shown; fix the ones above and preview again."))];
    }

    // ---- Reading the file ----------------------------------------------------------------------------------------

    /// <summary>The file's text, or why it could not be read at all.</summary>
    private sealed record Sheet(string Text, RowError? Error)
    {
        public static readonly Sheet TooLarge = new("", new RowError(0, null, Invariant($"The file is larger than {MaxFileBytes / 1024 / 1024} MB; split it into smaller files.")));
    }

    private static async Task<Sheet> ReadAsync(Stream csv, CancellationToken cancellationToken)
    {
        if (csv.CanSeek && csv.Length - csv.Position > MaxFileBytes)
        {
            return Sheet.TooLarge;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await csv.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxFileBytes)
            {
                return Sheet.TooLarge;
            }

            buffer.Write(chunk, 0, read);
        }

        return new Sheet(Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), null);
    }

    private static async Task<Sheet> ReadAsync(TextReader csv, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var chunk = new char[16_384];
        long bytes = 0;
        int read;
        while ((read = await csv.ReadAsync(chunk.AsMemory(), cancellationToken)) > 0)
        {
            bytes += Encoding.UTF8.GetByteCount(chunk.AsSpan(0, read));
            if (bytes > MaxFileBytes)
            {
                return Sheet.TooLarge;
            }

            text.Append(chunk, 0, read);
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text.Remove(0, 1);
        }

        return new Sheet(text.ToString(), null);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Excel writes "CSV UTF-8" with a byte-order mark, but plain "CSV" in the Windows code page; bytes that are not
    /// valid UTF-8 are read as Windows-1252 so that "Café" does not turn into replacement characters.
    /// </summary>
    internal static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith<byte>([0xEF, 0xBB, 0xBF]))
        {
            return Encoding.UTF8.GetString(bytes[3..]);
        }

        if (bytes.StartsWith<byte>([0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(bytes[2..]);
        }

        if (bytes.StartsWith<byte>([0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(bytes[2..]);
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            var windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;
            return windows1252.GetString(bytes);
        }
    }

    /// <param name="Row">The spreadsheet row: a line break inside quotes stays on the same row, blank lines count.</param>
    /// <param name="BadCell">The cell <paramref name="Problem"/> is about.</param>
    internal sealed record CsvRecord(int Row, IReadOnlyList<string> Cells, int? BadCell = null, string? Problem = null);

    /// <summary>
    /// RFC 4180 records (comma, double quotes, CRLF / LF / CR). Our own small reader rather than CsvHelper because the
    /// import needs the spreadsheet's row numbers and must report an unclosed quote on its row instead of reading the
    /// rest of the file into one value or throwing. The text before a quoted value's opening quote may be blank.
    /// </summary>
    internal static IEnumerable<CsvRecord> ReadRecords(string text)
    {
        var pos = 0;
        var row = 0;
        var cell = new StringBuilder();
        while (pos < text.Length)
        {
            row++;
            var cells = new List<string>();
            int? badCell = null;
            string? problem = null;
            while (true)
            {
                cell.Clear();
                var start = pos;
                while (start < text.Length && text[start] is ' ' or '\t')
                {
                    start++;
                }

                if (start < text.Length && text[start] == '"')
                {
                    pos = start + 1;
                    var closed = false;
                    while (pos < text.Length)
                    {
                        var c = text[pos++];
                        if (c != '"')
                        {
                            cell.Append(c);
                        }
                        else if (pos < text.Length && text[pos] == '"')
                        {
                            cell.Append('"');
                            pos++;
                        }
                        else
                        {
                            closed = true;
                            break;
                        }
                    }

                    if (!closed)
                    {
                        cells.Add(cell.ToString());
                        yield return new CsvRecord(row, cells, cells.Count - 1,
                            "A quoted value starts in this row but its closing quote (\") is missing, so the rest of the file cannot be read. Check for an unbalanced quote.");
                        yield break;
                    }

                    var after = pos;
                    while (pos < text.Length && text[pos] is not (',' or '\r' or '\n'))
                    {
                        cell.Append(text[pos++]);
                    }

                    if (problem is null && !string.IsNullOrWhiteSpace(text[after..pos]))
                    {
                        badCell = cells.Count;
                        problem = "Unexpected text after a closing quote. Inside a quoted value, write a quote as two quotes (\"\").";
                    }
                }
                else
                {
                    while (pos < text.Length && text[pos] is not (',' or '\r' or '\n'))
                    {
                        cell.Append(text[pos++]);
                    }
                }

                cells.Add(cell.ToString());
                if (pos >= text.Length)
                {
                    break;
                }

                var delimiter = text[pos++];
                if (delimiter == ',')
                {
                    continue;
                }

                if (delimiter == '\r' && pos < text.Length && text[pos] == '\n')
                {
                    pos++;
                }

                break;
            }

            yield return new CsvRecord(row, cells, badCell, problem);
        }
    }
}
