using System.Globalization;
using System.Text;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Audit;

/// <summary>
/// Reads the tenant's audit log: filtered by time, actor, action prefix, entity and free text, newest first, paged;
/// and the same selection as a CSV file. Reading changes nothing; an export is itself recorded (who took a copy).
/// </summary>
public static class AuditLog
{
    public const string ExportedAction = "audit.exported";
    public const int TextMaxLength = 200;

    /// <param name="From">First UTC day included.</param>
    /// <param name="To">Last UTC day included.</param>
    /// <param name="Action">An action or an action prefix (<c>line.</c>, <c>billing.line-</c>).</param>
    /// <param name="Text">Searched in the reason, before and after (case-insensitive).</param>
    public sealed record Query(
        DateOnly? From = null,
        DateOnly? To = null,
        string? Actor = null,
        string? Action = null,
        string? EntityType = null,
        string? EntityId = null,
        string? Text = null,
        int? Page = null,
        int? PageSize = null);

    /// <summary>Where the changed thing can be looked at: a client, or a month's review (optionally searched for a client).</summary>
    public sealed record EntityLink(Guid? ClientId, string? Period, string? Search);

    public sealed record Row(
        long Id,
        DateTime AtUtc,
        string Actor,
        string Action,
        string ActionLabel,
        string EntityType,
        string EntityId,
        string? Before,
        string? After,
        string? Reason,
        IReadOnlyList<FieldChange> Changes,
        EntityLink? Link);

    public static void Validate(Query q)
    {
        var v = new Validator();
        if (q.From is { } from && q.To is { } to && from > to)
        {
            v.Add("from", "The first day must not be after the last day.");
        }

        v.MaxLength("actor", q.Actor, 256, "The actor")
            .MaxLength("action", q.Action, 64, "The action")
            .MaxLength("entityType", q.EntityType, 64, "The entity type")
            .MaxLength("entityId", q.EntityId, 64, "The entity id")
            .MaxLength("text", q.Text, TextMaxLength, "The search text");
        v.ThrowIfInvalid();
    }

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit)
    {
        public async Task<Paged<Row>> ListAsync(Query query, CancellationToken cancellationToken = default)
        {
            Validate(query);
            var (page, size) = Paging.Normalize(query.Page, query.PageSize, 50);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var filtered = Filter(db.AuditEntries.AsNoTracking(), query);
            var total = await filtered.CountAsync(cancellationToken);
            var entries = await Newest(filtered).Skip((page - 1) * size).Take(size).ToListAsync(cancellationToken);
            var links = await LinksAsync(db, entries, cancellationToken);
            var rows = entries.Select(e => new Row(
                e.Id, e.AtUtc, e.Actor, e.Action, AuditActions.Label(e.Action), e.EntityType, e.EntityId, e.Before, e.After, e.Reason,
                AuditDiff.Compare(e.Before, e.After), links.GetValueOrDefault(e.Id))).ToList();
            return new Paged<Row>(rows, total);
        }

        /// <summary>Everyone who appears in the log, for the actor filter.</summary>
        public async Task<IReadOnlyList<string>> ActorsAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var actors = await db.AuditEntries.AsNoTracking().Select(e => e.Actor).Distinct().ToListAsync(cancellationToken);
            return [.. actors.Order(StringComparer.OrdinalIgnoreCase)];
        }

        /// <summary>
        /// Writes every entry the filters select (no paging) as CSV to <paramref name="output"/>, newest first, streamed
        /// row by row. The export is recorded first, so a copy taken is on the record even if the download breaks off.
        /// </summary>
        public async Task<int> ExportAsync(Query query, Stream output, CancellationToken cancellationToken = default)
        {
            Validate(query);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var filtered = Filter(db.AuditEntries.AsNoTracking(), query with { Page = null, PageSize = null });
            var count = await filtered.CountAsync(cancellationToken);
            var recorded = audit.Record(db, ExportedAction, "AuditLog", "export", null, new
            {
                From = query.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                To = query.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                query.Actor,
                query.Action,
                query.EntityType,
                query.EntityId,
                query.Text,
                Rows = count,
            });
            await db.SaveChangesAsync(cancellationToken);

            var recordedId = recorded.Id;
            await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024, leaveOpen: true);
            await writer.WriteAsync(AuditCsv.Header.AsMemory(), cancellationToken);
            await foreach (var e in Newest(filtered.Where(e => e.Id != recordedId)).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                await writer.WriteAsync(AuditCsv.Line(e).AsMemory(), cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
            return count;
        }
    }

    public static string FileName(Query q, DateTime nowUtc) =>
        $"audit-log-{(q.From ?? DateOnly.FromDateTime(nowUtc)).ToString("yyyyMMdd", CultureInfo.InvariantCulture)}"
        + (q.To is { } to ? $"-{to.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}" : "") + ".csv";

    internal static IQueryable<AuditEntry> Filter(IQueryable<AuditEntry> entries, Query q)
    {
        if (q.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.AtUtc >= start);
        }

        if (q.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.AtUtc < end);
        }

        if (Clean(q.Actor) is { } actor)
        {
            entries = entries.Where(e => e.Actor == actor);
        }

        if (Clean(q.Action) is { } action)
        {
            entries = entries.Where(e => e.Action.StartsWith(action));
        }

        if (Clean(q.EntityType) is { } entityType)
        {
            entries = entries.Where(e => e.EntityType == entityType);
        }

        if (Clean(q.EntityId) is { } entityId)
        {
            entries = entries.Where(e => e.EntityId == entityId);
        }

        if (Clean(q.Text) is { } text)
        {
            // LIKE is case-insensitive on both providers (SQLite for ASCII, SQL Server by its default collation); the
            // wildcards in what the user typed are escaped so "50%" finds "50%".
            var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal) + "%";
            entries = entries.Where(e => EF.Functions.Like(e.Reason, pattern, "\\")
                || EF.Functions.Like(e.Before, pattern, "\\")
                || EF.Functions.Like(e.After, pattern, "\\"));
        }

        return entries;
    }

    private static IQueryable<AuditEntry> Newest(IQueryable<AuditEntry> entries) => entries.OrderByDescending(e => e.AtUtc).ThenByDescending(e => e.Id);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Links for the entities of one page, resolved in a few batched reads (the entity may be gone: no link then).</summary>
    private static async Task<Dictionary<long, EntityLink>> LinksAsync(AppDbContext db, List<AuditEntry> entries, CancellationToken ct)
    {
        var links = new Dictionary<long, EntityLink>();
        List<Guid> Ids(string type) => [.. entries.Where(e => e.EntityType == type).Select(e => Guid.TryParse(e.EntityId, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).Distinct()];

        var clientIds = Ids("Client");
        var clients = clientIds.Count == 0 ? [] : await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        var agreementIds = Ids("Agreement");
        var agreements = agreementIds.Count == 0 ? [] : await db.Agreements.AsNoTracking().Where(a => agreementIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.ClientId, ct);
        var lineIds = Ids("RecurringLine");
        var lines = lineIds.Count == 0 ? [] : await db.RecurringLines.AsNoTracking().Where(l => lineIds.Contains(l.Id))
            .Join(db.Agreements, l => l.AgreementId, a => a.Id, (l, a) => new { l.Id, a.ClientId }).ToDictionaryAsync(x => x.Id, x => x.ClientId, ct);
        var invoiceIds = Ids("Invoice");
        var invoices = invoiceIds.Count == 0 ? [] : await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id))
            .Join(db.BillingRuns, i => i.RunId, r => r.Id, (i, r) => new { i.Id, i.ClientName, r.Period }).ToDictionaryAsync(x => x.Id, ct);
        var runIds = Ids("BillingRun");
        var runs = runIds.Count == 0 ? [] : await db.BillingRuns.AsNoTracking().Where(r => runIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Period, ct);
        var postingIds = Ids("InvoicePosting");
        var postings = postingIds.Count == 0 ? [] : await db.InvoicePostings.AsNoTracking().Where(p => postingIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Period, p.ClientName }).ToDictionaryAsync(x => x.Id, ct);

        foreach (var e in entries)
        {
            var id = Guid.TryParse(e.EntityId, out var g) ? g : Guid.Empty;
            EntityLink? link = e.EntityType switch
            {
                "Client" when clients.Contains(id) => new(id, null, null),
                "Agreement" when agreements.TryGetValue(id, out var clientId) => new(clientId, null, null),
                "RecurringLine" when lines.TryGetValue(id, out var clientId) => new(clientId, null, null),
                "Invoice" when invoices.TryGetValue(id, out var invoice) => new(null, Month(invoice.Period), invoice.ClientName),
                "BillingRun" when runs.TryGetValue(id, out var period) => new(null, Month(period), null),
                "InvoicePosting" when postings.TryGetValue(id, out var posting) => new(null, Month(posting.Period), posting.ClientName),
                _ => null,
            };
            if (link is not null)
            {
                links[e.Id] = link;
            }
        }

        return links;
    }

    private static string Month(DateOnly period) => period.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}

/// <summary>The audit log as CSV (RFC 4180: CRLF, quoted where needed), safe to open in a spreadsheet.</summary>
public static class AuditCsv
{
    public const string Header = "When (UTC),Actor,Action,Entity type,Entity id,Before,After,Reason\r\n";

    public static string Line(AuditEntry e) => string.Join(',',
        Cell(e.AtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
        Cell(e.Actor),
        Cell(e.Action),
        Cell(e.EntityType),
        Cell(e.EntityId),
        Cell(e.Before),
        Cell(e.After),
        Cell(e.Reason)) + "\r\n";

    /// <summary>
    /// A cell a spreadsheet would take for a formula (= + - @, or a leading tab / CR) gets a leading apostrophe, which
    /// shows it as text; a cell with a comma, quote or line break is quoted with its quotes doubled.
    /// </summary>
    public static string Cell(string? value)
    {
        var v = value ?? "";
        if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            v = "'" + v;
        }

        return v.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }
}
