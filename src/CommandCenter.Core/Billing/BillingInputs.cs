using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.Clients;
using CommandCenter.Persistence;
using CommandCenter.Psa;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CommandCenter.Billing;

/// <summary>Everything one build of a run reads, loaded in a handful of set queries (never one query per client).</summary>
public sealed record LoadedInputs(IReadOnlyList<ClientInput> Clients, EngineSettings Settings, ItemRef? TimeItem, ItemRef? BlockItem);

/// <summary>
/// Loads the engine's inputs for a period from the database: the edge where I/O happens, so the engine stays pure.
/// Billing reads stored snapshots only (design invariant 2); it never calls a vendor.
/// </summary>
public static class BillingInputs
{
    /// <summary>The newest snapshot of a key, as the engine reads it.</summary>
    private sealed record SourceEvidence(DateTime TakenUtc, IReadOnlyList<VendorAsset> Assets, IReadOnlyList<LicenceSubscription> Licences);

    public static async Task<LoadedInputs> LoadAsync(AppDbContext db, BillingPeriod period, Guid? runId, IReadOnlyCollection<Guid>? onlyClients, CancellationToken cancellationToken)
    {
        var settings = await BillingSettingsStore.GetOrCreateAsync(db, cancellationToken);
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == db.CurrentTenantId).Select(t => new { t.DefaultHourlyRate }).SingleAsync(cancellationToken);
        var items = await db.CatalogItems.AsNoTracking().ToDictionaryAsync(i => i.Id, i => new ItemRef(i.Id, i.Name, i.UnitPrice, i.UnitCost, i.Taxable), cancellationToken);

        var clientQuery = db.Clients.AsNoTracking().Where(c => c.Status == ClientStatus.Active);
        if (onlyClients is not null)
        {
            var ids = onlyClients.ToList();
            clientQuery = clientQuery.Where(c => ids.Contains(c.Id));
        }

        var clients = await clientQuery
            .Select(c => new { c.Id, c.Name, c.HourlyRate, Agreement = c.Agreement == null ? null : new { c.Agreement.TimeIncrementMinutes, c.Agreement.TicketMinimumMinutes, c.Agreement.PaymentTermsDays } })
            .ToListAsync(cancellationToken);
        var clientIds = clients.Select(c => c.Id).ToList();
        var scoped = onlyClients is not null;

        // Recurring lines active in the period: [from, to) overlaps [start, end).
        var start = period.Start;
        var end = period.End;
        var lineRows = await db.RecurringLines.AsNoTracking()
            .Where(l => l.EffectiveFrom < end && (l.EffectiveTo == null || l.EffectiveTo > start))
            .Join(db.Agreements, l => l.AgreementId, a => a.Id, (l, a) => new { Line = l, a.ClientId })
            .Where(x => !scoped || clientIds.Contains(x.ClientId))
            .ToListAsync(cancellationToken);

        // Vendor evidence: the newest snapshot of each mapped organisation on each bound connection.
        var sources = await Sources.LoadAsync(db, lineRows.Select(x => x.Line), scoped ? clientIds : null, cancellationToken);

        // Time: tickets with entries in the period; Block Hour entries up to the period's end for clients with blocks.
        var entryRows = (await db.TimeEntries.AsNoTracking()
            .Where(e => e.WorkDate >= start && e.WorkDate < end)
            .Join(db.Tickets, e => e.TicketId, t => t.Id, (e, t) => new
            {
                t.ClientId, TicketId = t.Id, t.Number, t.Subject, t.Status, TicketClass = t.BillingClass,
                e.WorkDate, e.Minutes, e.BillingClass, e.Technician,
            })
            .Where(x => !scoped || clientIds.Contains(x.ClientId))
            .ToListAsync(cancellationToken))
            .Select(x => new EntryRow(x.ClientId, x.TicketId, x.Number, x.Subject, x.Status, x.TicketClass, x.WorkDate, x.Minutes, x.BillingClass, x.Technician, false))
            .ToList();
        List<EntryRow> lateRows = [];
        // Time of earlier months that those months' posted invoices could not bill: their run was posted, yet the ticket
        // closed (or the entry was logged) after that run's last refresh. It bills in the first open month after them.
        var posted = await db.BillingRuns.AsNoTracking().Where(r => r.Status != RunStatus.Open && r.Period < start)
            .Select(r => new { r.Period, r.RefreshedUtc }).ToListAsync(cancellationToken);
        var lastPosted = posted.FirstOrDefault(r => r.Period == period.Previous.Start);
        if (lastPosted is not null)
        {
            var from = lastPosted.Period;
            while (posted.Any(r => r.Period == from.AddMonths(-1)))
            {
                from = from.AddMonths(-1);
            }

            var cutoff = lastPosted.RefreshedUtc;
            var late = await db.TimeEntries.AsNoTracking()
                .Where(e => e.WorkDate >= from && e.WorkDate < start)
                .Join(db.Tickets, e => e.TicketId, t => t.Id, (e, t) => new
                {
                    t.ClientId, TicketId = t.Id, t.Number, t.Subject, t.Status, TicketClass = t.BillingClass, t.ClosedUtc,
                    e.WorkDate, e.Minutes, e.BillingClass, e.Technician, e.CreatedUtc,
                })
                .Where(x => x.Status == TicketStatus.Closed && (x.ClosedUtc > cutoff || x.CreatedUtc > cutoff) && (!scoped || clientIds.Contains(x.ClientId)))
                .ToListAsync(cancellationToken);
            lateRows = [.. late.Select(x => new EntryRow(x.ClientId, x.TicketId, x.Number, x.Subject, x.Status, x.TicketClass, x.WorkDate, x.Minutes, x.BillingClass, x.Technician, true))];
        }

        var blocks = await db.HourBlocks.AsNoTracking().Where(b => !scoped || clientIds.Contains(b.ClientId)).ToListAsync(cancellationToken);
        var blockClients = blocks.Select(b => b.ClientId).Distinct().ToList();
        var blockEntries = blockClients.Count == 0 ? [] : await db.TimeEntries.AsNoTracking()
            .Where(e => e.WorkDate < end)
            .Join(db.Tickets, e => e.TicketId, t => t.Id, (e, t) => new { t.ClientId, t.Status, Class = e.BillingClass ?? t.BillingClass, e.WorkDate, e.Minutes })
            .Where(x => x.Status == TicketStatus.Closed && x.Class == BillingClass.BlockHour && blockClients.Contains(x.ClientId))
            .Select(x => new { x.ClientId, x.WorkDate, x.Minutes })
            .ToListAsync(cancellationToken);

        var charges = await db.OneOffCharges.AsNoTracking()
            .Where(c => c.Date >= start && c.Date < end && (!scoped || clientIds.Contains(c.ClientId)))
            .ToListAsync(cancellationToken);
        var runInvoiceIds = runId is { } rid ? await db.Invoices.Where(i => i.RunId == rid).Select(i => i.Id).ToListAsync(cancellationToken) : [];
        charges = [.. charges.Where(c => c.BilledInvoiceId is null || runInvoiceIds.Contains(c.BilledInvoiceId.Value))];

        // The last posted invoice of each client before this period.
        var postedHeads = await db.Invoices.AsNoTracking()
            .Where(i => i.Status == InvoiceStatus.Posted && (!scoped || clientIds.Contains(i.ClientId)))
            .Join(db.BillingRuns.Where(r => r.Period < start), i => i.RunId, r => r.Id, (i, r) => new { i.ClientId, i.RunId, r.Period })
            .ToListAsync(cancellationToken);
        var previous = new Dictionary<Guid, PreviousInvoice>();
        // Read per run by client (the run + client index); a list of invoice ids had SQLite scan all of the tenant's
        // invoices, every month's lines included, once per chunk (as with the snapshots above).
        foreach (var run in postedHeads.GroupBy(h => h.ClientId).Select(g => g.MaxBy(h => h.Period)!).GroupBy(h => (h.RunId, h.Period)))
        {
            var postedRunId = run.Key.RunId;
            foreach (var chunk in run.Select(h => h.ClientId).Chunk(2000))
            {
                var ids = chunk.ToList();
                foreach (var p in await db.Invoices.AsNoTracking().Where(i => i.RunId == postedRunId && ids.Contains(i.ClientId)).Select(i => new { i.ClientId, i.Total, i.Lines }).ToListAsync(cancellationToken))
                {
                    previous[p.ClientId] = new PreviousInvoice(new BillingPeriod(run.Key.Period), p.Total, p.Lines);
                }
            }
        }

        var adjustments = runId is { } runKey
            ? await db.LineAdjustments.AsNoTracking().Where(a => a.RunId == runKey && (!scoped || clientIds.Contains(a.ClientId))).ToListAsync(cancellationToken)
            : [];

        var linesByClient = lineRows.ToLookup(x => x.ClientId, x => x.Line);
        var entriesByClient = entryRows.Concat(lateRows).ToLookup(x => x.ClientId);
        var blocksByClient = blocks.ToLookup(b => b.ClientId);
        var blockEntriesByClient = blockEntries.ToLookup(x => x.ClientId);
        var chargesByClient = charges.ToLookup(c => c.ClientId);
        var adjustmentsByClient = adjustments.ToLookup(a => a.ClientId);

        ItemRef? Item(Guid? id) => id is { } i ? items.GetValueOrDefault(i) : null;

        var inputs = new List<ClientInput>(clients.Count);
        foreach (var c in clients)
        {
            var lines = new List<LineInput>();
            foreach (var l in linesByClient[c.Id])
            {
                if (!items.TryGetValue(l.CatalogItemId, out var item))
                {
                    continue;
                }

                var binding = l.Binding;
                var source = binding is null ? null : sources.For(c.Id, binding);

                lines.Add(new LineInput(l.Id, item, l.Description, l.UnitPriceOverride, l.Quantity, l.IncludedUnits, l.Minimum, l.EffectiveFrom, l.EffectiveTo,
                    l.SourceKind == QuantitySourceKind.Vendor, source is null ? null : binding, source));
            }

            var tickets = entriesByClient[c.Id].GroupBy(e => e.TicketId)
                .Select(g => new TicketInput(g.Key, g.First().Number, g.First().Subject, g.First().Status == TicketStatus.Closed,
                    [.. g.Select(e => new TimeInput(e.WorkDate, e.Minutes, e.BillingClass ?? e.TicketClass, e.Technician, e.Late))]))
                .ToList();

            inputs.Add(new ClientInput(
                c.Id,
                c.Name,
                c.HourlyRate ?? tenant.DefaultHourlyRate,
                c.Agreement?.TimeIncrementMinutes ?? settings.TimeIncrementMinutes,
                c.Agreement?.TicketMinimumMinutes ?? settings.TicketMinimumMinutes,
                c.Agreement?.PaymentTermsDays ?? settings.PaymentTermsDays,
                lines,
                tickets,
                [.. blocksByClient[c.Id].Select(b => new BlockInput(b.Id, b.PurchasedOn, b.ExpiresOn, b.Hours, b.Price, b.OverageRate))],
                [.. blockEntriesByClient[c.Id].Select(e => new BlockDrawdown.Entry(e.WorkDate, e.Minutes))],
                [.. chargesByClient[c.Id].Select(ch => new ChargeInput(ch.Id, ch.Date, ch.Description, Item(ch.CatalogItemId), ch.Quantity, ch.UnitPrice))],
                previous.GetValueOrDefault(c.Id),
                [.. adjustmentsByClient[c.Id].Select(a => new AdjustmentInput(a.LineKey, a.Quantity, a.UnitPrice, a.Removed, a.Decision, Item(a.AddedItemId), a.AddedDescription, a.Reason))]));
        }

        return new LoadedInputs(inputs, EngineSettings.From(settings), Item(settings.TimeItemId), Item(settings.BlockItemId));
    }
    /// <summary>
    /// The count each vendor-bound line of these clients bills now — newest snapshots, counted as the engine counts —
    /// for pages that value lines without building invoices (the client list, a client's lines).
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, decimal>> VendorCountsAsync(AppDbContext db, IReadOnlyCollection<Guid> clientIds, CancellationToken cancellationToken)
    {
        var ids = clientIds.ToList();
        var lines = await db.RecurringLines.AsNoTracking()
            .Where(l => l.SourceKind == QuantitySourceKind.Vendor)
            .Join(db.Agreements.Where(a => ids.Contains(a.ClientId)), l => l.AgreementId, a => a.Id, (l, a) => new { Line = l, a.ClientId })
            .ToListAsync(cancellationToken);
        if (lines.Count == 0)
        {
            return new Dictionary<Guid, decimal>();
        }

        var sources = await Sources.LoadAsync(db, lines.Select(x => x.Line), ids, cancellationToken);
        return lines.ToDictionary(x => x.Line.Id, x => x.Line.Binding is { } binding && sources.For(x.ClientId, binding) is { } source
            ? BillingEngine.Count(binding, source.Snapshots).Count
            : 0);
    }

    /// <summary>The vendor evidence of bound lines: their connections' health, the organisations mapped to each client and their newest snapshots.</summary>
    private sealed class Sources(
        IReadOnlyDictionary<Guid, (string Name, bool Enabled, SyncStatus LastStatus, string? LastError)> connections,
        ILookup<(Guid ClientId, Guid ConnectionId), (Guid ConnectionId, string ExternalId, string Name)> orgs,
        IReadOnlyDictionary<(Guid, string, string), SourceEvidence> snapshots)
    {
        /// <summary>The line's evidence for one client; null when its connection no longer exists.</summary>
        public SourceData? For(Guid clientId, VendorBinding binding)
        {
            if (!connections.TryGetValue(binding.ConnectionId, out var connection))
            {
                return null;
            }

            var metric = SourceMetrics.SnapshotMetric(binding.Metric);
            var mapped = orgs[(clientId, binding.ConnectionId)].ToList();
            var found = mapped
                .Select(o => snapshots.GetValueOrDefault((o.ConnectionId, o.ExternalId, metric)) is { } s ? new SourceSnapshot(o.Name, s.TakenUtc, s.Assets, s.Licences) : null)
                .OfType<SourceSnapshot>().ToList();
            return new SourceData(connection.Name, connection.Enabled, connection.LastStatus == SyncStatus.Failed, connection.LastError, mapped.Count, found);
        }

        /// <param name="clientIds">The clients the lines belong to; null for the whole tenant.</param>
        public static async Task<Sources> LoadAsync(AppDbContext db, IEnumerable<RecurringLine> lines, IReadOnlyCollection<Guid>? clientIds, CancellationToken cancellationToken)
        {
            var boundConnections = lines.Where(l => l.Binding is not null).Select(l => l.SourceConnectionId!.Value).Distinct().ToList();
            var connections = await db.VendorConnections.AsNoTracking().Where(c => boundConnections.Contains(c.Id))
                .Select(c => new { c.Id, c.Name, c.Enabled, c.LastStatus, c.LastError }).ToDictionaryAsync(c => c.Id, cancellationToken);
            var organizations = await db.VendorOrganizations.AsNoTracking()
                .Where(o => boundConnections.Contains(o.ConnectionId) && o.ClientId != null && o.Active && !o.Ignored)
                .Select(o => new { o.ConnectionId, o.ExternalId, o.Name, ClientId = o.ClientId!.Value })
                .ToListAsync(cancellationToken);
            if (clientIds is not null)
            {
                organizations = [.. organizations.Where(o => clientIds.Contains(o.ClientId))];
            }

            var orgKeys = organizations.Select(o => o.ExternalId).Distinct().ToList();
            var wanted = organizations.Select(o => (o.ConnectionId, o.ExternalId)).ToHashSet();
            var snapshots = new Dictionary<(Guid, string, string), SourceEvidence>();
            if (boundConnections.Count > 0)
            {
                // One query: a snapshot is the newest of its (connection, organisation, metric) when no later one exists, which
                // the composite snapshot index answers without touching any evidence; only mapped organisations' are read.
                // (Reading them by a list of snapshot ids made SQLite walk all of the tenant's snapshots once per chunk of ids:
                // without statistics its planner prefers the TenantId-led index to a long IN list on the primary key.)
                var newest = db.CountSnapshots.AsNoTracking().Where(s => boundConnections.Contains(s.ConnectionId));
                if (clientIds is not null)
                {
                    newest = newest.Where(s => orgKeys.Contains(s.OrganizationExternalId));
                }

                newest = newest.Where(s =>
                    !db.CountSnapshots.Any(n => n.ConnectionId == s.ConnectionId && n.OrganizationExternalId == s.OrganizationExternalId && n.Metric == s.Metric && n.TakenUtc > s.TakenUtc)
                    && db.VendorOrganizations.Any(o => o.ConnectionId == s.ConnectionId && o.ExternalId == s.OrganizationExternalId && o.ClientId != null && o.Active && !o.Ignored));
                // The evidence comes as JSON text, parsed one snapshot at a time as rows stream in (see SnapshotEvidence).
                var rows = newest.Join(SnapshotEvidence.Stored(db), s => s.Id, e => e.Id, (s, e) => new { s.ConnectionId, s.OrganizationExternalId, s.Metric, s.TakenUtc, e.Assets, e.Licences });
                await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
                {
                    // Two snapshots of one key taken at the same instant: one of them, as before.
                    var key = (row.ConnectionId, row.OrganizationExternalId, row.Metric);
                    if (wanted.Contains((row.ConnectionId, row.OrganizationExternalId)) && !snapshots.ContainsKey(key))
                    {
                        snapshots[key] = new SourceEvidence(row.TakenUtc, SnapshotEvidence.Assets(row.Assets), SnapshotEvidence.Licences(row.Licences));
                    }
                }
            }

            return new Sources(
                connections.ToDictionary(c => c.Key, c => (c.Value.Name, c.Value.Enabled, c.Value.LastStatus, c.Value.LastError)),
                organizations.ToLookup(o => (o.ClientId, o.ConnectionId), o => (o.ConnectionId, o.ExternalId, o.Name)),
                snapshots);
        }
    }
}

internal sealed record EntryRow(Guid ClientId, Guid TicketId, int Number, string Subject, TicketStatus Status, BillingClass? TicketClass, DateOnly WorkDate, int Minutes, BillingClass? BillingClass, string Technician, bool Late);

/// <summary>
/// Reads a snapshot's evidence (the JSON documents EF stores for <see cref="CountSnapshot.Assets"/> and
/// <see cref="CountSnapshot.Licences"/>) as text and parses it with System.Text.Json: EF's owned-JSON materializer took
/// ~1.8 s of CPU for the ~330,000 evidence items of a 5,000-client run, this ~0.3–0.5 s. It accepts both providers'
/// formats (EF on SQLite writes decimals as strings, "38.0", and instants as "2026-11-25 22:22:25.1234567"; on SQL
/// Server numbers and ISO 8601) and reads instants as UTC, as AppDbContext's DateTime convention does. A test reads a
/// fully populated snapshot both ways and compares them, so a change to the stored format cannot slip by.
/// </summary>
internal static class SnapshotEvidence
{
    /// <summary>A snapshot's id and its two evidence columns, as stored.</summary>
    public sealed class Text
    {
        public Guid Id { get; set; }
        public string? Assets { get; set; }
        public string? Licences { get; set; }
    }

    // EF writes the owned-JSON columns with the CLR property names as they are: exact, case-sensitive matching (the
    // faster kind) reads them.
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Converters = { new UtcDateTimeConverter(), new NullableUtcDateTimeConverter() },
    };

    /// <summary>
    /// Every snapshot's evidence columns, to be joined by id to a tenant-filtered snapshot query (the join applies the
    /// tenant filter; this part is never read alone). Table and column names come from the EF model.
    /// </summary>
    public static IQueryable<Text> Stored(AppDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(CountSnapshot))!;
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string Column(string name) => sql.DelimitIdentifier(name);
        var id = Column(entity.FindProperty(nameof(CountSnapshot.Id))!.GetColumnName(table)!);
        var assets = Column(entity.FindNavigation(nameof(CountSnapshot.Assets))!.TargetEntityType.GetContainerColumnName()!);
        var licences = Column(entity.FindNavigation(nameof(CountSnapshot.Licences))!.TargetEntityType.GetContainerColumnName()!);
        // Only the model's identifiers, delimited by the provider, go into this SQL: no value, nothing a user typed.
#pragma warning disable EF1002
        return db.Database.SqlQueryRaw<Text>(
            $"SELECT {id} AS {Column(nameof(Text.Id))}, {assets} AS {Column(nameof(Text.Assets))}, {licences} AS {Column(nameof(Text.Licences))} FROM {sql.DelimitIdentifier(table.Name, table.Schema)}");
#pragma warning restore EF1002
    }

    public static List<VendorAsset> Assets(string? json) => string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<VendorAsset>>(json, Json) ?? [];

    public static List<LicenceSubscription> Licences(string? json) => string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<LicenceSubscription>>(json, Json) ?? [];

    private static DateTime ParseUtc(string text) => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <summary>
    /// EF (on SQLite) writes instants as <c>yyyy-MM-dd HH:mm:ss[.fffffff]</c>: read straight from the UTF-8 bytes (the
    /// evidence of a large month holds hundreds of thousands of them); anything else goes through the general parser.
    /// </summary>
    private static DateTime ParseUtc(ref Utf8JsonReader reader)
    {
        var span = reader.HasValueSequence || reader.ValueIsEscaped ? default : reader.ValueSpan;
        if (span.Length is 19 or (>= 21 and <= 27) && (span[10] == (byte)' ' || span[10] == (byte)'T') && span[4] == (byte)'-' && span[7] == (byte)'-'
            && span[13] == (byte)':' && span[16] == (byte)':' && (span.Length == 19 || span[19] == (byte)'.')
            && Digits(span[..4], out var year) && Digits(span.Slice(5, 2), out var month) && Digits(span.Slice(8, 2), out var day)
            && Digits(span.Slice(11, 2), out var hour) && Digits(span.Slice(14, 2), out var minute) && Digits(span.Slice(17, 2), out var second)
            && (span.Length == 19 || Digits(span[20..], out _))
            && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) && hour < 24 && minute < 60 && second < 60)
        {
            long ticks = 0;
            if (span.Length > 19)
            {
                var fraction = span[20..];
                Digits(fraction, out var value);
                ticks = value;
                for (var i = fraction.Length; i < 7; i++)
                {
                    ticks *= 10;
                }
            }

            return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks);
        }

        return ParseUtc(reader.GetString()!);
    }

    private static bool Digits(ReadOnlySpan<byte> span, out int value)
    {
        value = 0;
        foreach (var b in span)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return span.Length > 0;
    }

    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ParseUtc(ref reader);

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private sealed class NullableUtcDateTimeConverter : JsonConverter<DateTime?>
    {
        public override bool HandleNull => true;

        public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? null : ParseUtc(ref reader);

        public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
        {
            if (value is { } v)
            {
                writer.WriteStringValue(v);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
